-- A disabled station is not offered at registration and its staff cannot log in; its
-- parties, proofs and history stay. Station admins (users.role = 'station_admin') need no
-- column: the role is text.
ALTER TABLE stations ADD COLUMN disabled_at TIMESTAMP;
