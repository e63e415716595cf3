-- Up Migration

-- The indexed chain: one row per block, with what the hash chain needs.
CREATE TABLE blocks (
    channel text NOT NULL,
    block_number bigint NOT NULL,
    data_hash bytea NOT NULL,
    previous_hash bytea NOT NULL,
    header_hash bytea NOT NULL,
    tx_count integer NOT NULL,
    indexed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel, block_number)
);

-- Every transaction, valid or not: the auditors' history.
CREATE TABLE transactions (
    channel text NOT NULL,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    tx_id text NOT NULL,
    type text NOT NULL,
    creator_msp text NOT NULL,
    created_at timestamptz NOT NULL,
    validation_code text NOT NULL,
    is_valid boolean NOT NULL,
    chaincode text,
    function text,
    event_name text,
    event jsonb,
    writes jsonb NOT NULL,
    PRIMARY KEY (channel, block_number, tx_index),
    FOREIGN KEY (channel, block_number) REFERENCES blocks (channel, block_number)
);
CREATE INDEX transactions_tx_id ON transactions (tx_id);

-- Where each channel's stream resumes: written in the same database transaction as the rows it covers.
CREATE TABLE checkpoints (
    channel text PRIMARY KEY,
    next_block bigint NOT NULL,
    next_tx_index integer NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Notifications written with the rows they announce, published to NATS JetStream afterwards.
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    channel text NOT NULL,
    block_number bigint NOT NULL,
    tx_index integer NOT NULL,
    subject text NOT NULL,
    msg_id text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    UNIQUE (msg_id)
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- Down Migration
DROP TABLE outbox;
DROP TABLE checkpoints;
DROP TABLE transactions;
DROP TABLE blocks;
