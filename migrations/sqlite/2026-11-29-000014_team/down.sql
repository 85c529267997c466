DROP TABLE invitations;
ALTER TABLE users DROP COLUMN party_role;
