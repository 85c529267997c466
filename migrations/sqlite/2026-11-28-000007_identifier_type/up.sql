-- What a party declared its identifier to be: 'id' (an individual's resident ID number,
-- stored hashed, masked and sealed) or 'uscc' (an organisation's credit code). NULL for
-- parties registered before the declaration existed: the start-up settles them once
-- (accounts::settle_identifier_types), converting individual lessors' numbers stored in
-- clear because they passed the credit-code checksum.
ALTER TABLE parties ADD COLUMN identifier_type TEXT;
