DROP TABLE party_change_requests;
