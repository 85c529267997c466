DROP TABLE api_keys;
DROP TABLE verifications;
DROP TABLE attestations;
DROP TABLE signing_keys;
