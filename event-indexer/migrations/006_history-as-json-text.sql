-- Up Migration

-- A transaction's event and write set are kept as the JSON text the indexer wrote (json, not jsonb): nothing
-- queries inside them in SQL, and parsing some 3 kB per transaction into jsonb was half the database's work while
-- catching up. Reading them back, and the json operators, work on either.
ALTER TABLE transactions
    ALTER COLUMN event TYPE json USING event::json,
    ALTER COLUMN writes TYPE json USING writes::json;

-- Down Migration
ALTER TABLE transactions
    ALTER COLUMN event TYPE jsonb USING event::jsonb,
    ALTER COLUMN writes TYPE jsonb USING writes::jsonb;
