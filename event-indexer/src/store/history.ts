import type pg from 'pg';
import type { ParsedBlock, ParsedTransaction } from '../blocks/parsed-block.js';
import { copyLine, copyRows } from './copy-rows.js';
import { payloadJson } from './event-payload.js';
import { withoutNul } from './jsonb.js';

/** A transaction of a block: where it stands in the channel. */
export interface BlockTransaction {
    readonly blockNumber: bigint;
    readonly tx: ParsedTransaction;
}

/** The blocks' rows (what the hash chain needs), in one statement. */
export async function insertBlocks(client: pg.ClientBase, channel: string, blocks: readonly ParsedBlock[]): Promise<void> {
    await client.query(
        `INSERT INTO blocks (channel, block_number, data_hash, previous_hash, header_hash, tx_count)
         SELECT $1, * FROM unnest($2::bigint[], $3::bytea[], $4::bytea[], $5::bytea[], $6::int[])
         ON CONFLICT (channel, block_number) DO NOTHING`,
        [
            channel,
            blocks.map((block) => block.number.toString()),
            blocks.map((block) => Buffer.from(block.dataHash)),
            blocks.map((block) => Buffer.from(block.previousHash)),
            blocks.map((block) => Buffer.from(block.headerHash)),
            blocks.map((block) => block.transactions.length),
        ],
    );
}

/**
 * The history of every transaction, valid or not, by COPY: the event and write set travel as JSON text and are
 * stored so. No row can be there already: the checkpoint, written with the rows, says which transactions are new.
 */
export async function insertHistory(client: pg.ClientBase, channel: string, transactions: readonly BlockTransaction[]): Promise<void> {
    if (transactions.length === 0) {
        return;
    }
    const lines = transactions.map(({ blockNumber, tx }) => {
        const row = historyRow(tx);
        return copyLine([channel, blockNumber, ...HISTORY_COLUMNS.map((column) => row[column])]);
    });
    await copyRows(client, 'transactions', ['channel', 'block_number', ...HISTORY_COLUMNS], lines);
}

/** The `transactions` columns a transaction fills. */
const HISTORY_COLUMNS = [
    'tx_index', 'tx_id', 'type', 'creator_msp', 'created_at', 'validation_code', 'is_valid', 'chaincode', 'function', 'event_name', 'event', 'writes',
] as const;

/** A transaction as its `transactions` row holds it, JSON as its text: what the integrity check compares with the peer. */
export type HistoryRow = Readonly<Record<(typeof HISTORY_COLUMNS)[number], string | number | boolean | null>>;

export function historyRow(tx: ParsedTransaction): HistoryRow {
    return {
        tx_index: tx.txIndex,
        tx_id: tx.txId,
        type: tx.type,
        creator_msp: tx.creatorMsp,
        created_at: tx.timestamp.toISOString(),
        validation_code: tx.validationCode,
        is_valid: tx.isValid,
        chaincode: tx.chaincode?.name ?? null,
        function: tx.chaincode?.function ?? null,
        event_name: tx.event?.name ?? null,
        event: tx.event ? eventText(tx.event.payload) : null,
        writes: JSON.stringify(tx.writes.map(writeJson)),
    };
}

/** Event payloads are kept as their own text when they are JSON, else as base64 under `raw`. */
function eventText(payload: Uint8Array): string {
    const reading = payloadJson(payload);
    return 'json' in reading ? withoutNul(reading.text) : JSON.stringify({ raw: Buffer.from(payload).toString('base64') });
}

function writeJson(write: ParsedTransaction['writes'][number]): object {
    return {
        namespace: write.namespace,
        key: readableKey(write.key),
        isDelete: write.isDelete,
        ...(write.value ? { value: Buffer.from(write.value).toString('base64') } : {}),
    };
}

/** Composite keys (U+0000-separated, which jsonb refuses) as their object type and attributes. */
function readableKey(key: string): string | { objectType: string; attributes: string[] } {
    if (!key.startsWith('\u0000')) {
        return key;
    }
    const [objectType = '', ...attributes] = key.slice(1, -1).split('\u0000');
    return { objectType, attributes };
}
