-- Up Migration

-- A notification carries its transaction's event, which the transaction's history row already holds (written in
-- the same database transaction): the outbox row keeps only where the message goes, and the publisher reads the
-- event from the history, instead of every party club's row storing and parsing a copy of it.
ALTER TABLE outbox DROP COLUMN payload;

-- A history row (the transaction's event and write set, a few kB) stays whole in the table's pages: compressing
-- it and moving it out of line costs more than the space it saves.
ALTER TABLE transactions SET (toast_tuple_target = 8160);

-- Down Migration
ALTER TABLE transactions RESET (toast_tuple_target);
ALTER TABLE outbox ADD COLUMN payload jsonb;
UPDATE outbox
SET payload = jsonb_build_object('channel', tx.channel, 'blockNumber', tx.block_number::text, 'txIndex', tx.tx_index,
                                 'txId', tx.tx_id, 'event', tx.event)
FROM transactions AS tx
WHERE tx.channel = outbox.channel AND tx.block_number = outbox.block_number AND tx.tx_index = outbox.tx_index;
ALTER TABLE outbox ALTER COLUMN payload SET NOT NULL;
