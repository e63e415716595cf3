-- Up Migration

-- The home club's API seals each personal record (AES-256-GCM under a data key per member that only it
-- keeps) before it reaches a peer, so the projection holds the sealed envelope: no column reads a name.
DROP INDEX member_personal_data_by_name;
DROP INDEX member_personal_data_by_email;
ALTER TABLE member_personal_data DROP COLUMN given_name, DROP COLUMN family_name, DROP COLUMN email;

-- Records projected before sealing were plaintext, and a rebuild from block 0 no longer projects them.
-- Row-level security is forced even on the owner, and no club is named here: lift it for this one delete.
ALTER TABLE member_personal_data NO FORCE ROW LEVEL SECURITY;
ALTER TABLE member_personal_data DISABLE ROW LEVEL SECURITY;
DELETE FROM member_personal_data WHERE NOT (data ? 'ciphertext');
ALTER TABLE member_personal_data ENABLE ROW LEVEL SECURITY;
ALTER TABLE member_personal_data FORCE ROW LEVEL SECURITY;

-- Down Migration
ALTER TABLE member_personal_data
    ADD COLUMN given_name text GENERATED ALWAYS AS (data ->> 'givenName') STORED,
    ADD COLUMN family_name text GENERATED ALWAYS AS (data ->> 'familyName') STORED,
    ADD COLUMN email text GENERATED ALWAYS AS (data ->> 'email') STORED;
CREATE INDEX member_personal_data_by_name ON member_personal_data (channel, family_name, given_name);
CREATE INDEX member_personal_data_by_email ON member_personal_data (channel, email);
