-- Up Migration

-- Each member's data key (AES-256), with which the home club's API seals the member's personal record before
-- it reaches a peer. Only the API's own role may read it (not the read model's SELECT-only role): deleting a
-- row erases every sealed copy of that record, the ones Fabric 2.1 keeps in its private data store included.
CREATE TABLE personal_data_keys (
    club text NOT NULL,
    channel text NOT NULL,
    member_number text NOT NULL,
    data_key bytea NOT NULL CHECK (octet_length(data_key) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (club, channel, member_number)
);
REVOKE ALL ON personal_data_keys FROM PUBLIC;

-- Down Migration
DROP TABLE personal_data_keys;
