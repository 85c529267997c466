ALTER TABLE outbox DROP COLUMN attachment_of;
DROP TABLE holder_links;
DROP TABLE applicant_requests;
DROP TABLE request_links;
