DROP TABLE application_notices;
DROP TABLE application_alerts;
DROP TABLE application_proofs;
DROP TABLE applications;
