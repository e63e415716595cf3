import type pg from 'pg';
import type { ParsedBlock, ParsedTransaction } from '../blocks/parsed-block.js';
import { payloadJson } from './event-payload.js';

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
 * The history of every transaction, valid or not, in one statement: the rows travel as one JSON document,
 * which PostgreSQL parses faster than the client escapes array literals, and which has no bind-parameter limit.
 */
export async function insertHistory(client: pg.ClientBase, channel: string, transactions: readonly BlockTransaction[]): Promise<void> {
    if (transactions.length === 0) {
        return;
    }
    const rows = transactions.map(({ blockNumber, tx }) => ({ block_number: blockNumber.toString(), ...historyRow(tx) }));
    await client.query(
        `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp, created_at, validation_code,
                                   is_valid, chaincode, function, event_name, event, writes)
         SELECT $1, * FROM jsonb_to_recordset($2::jsonb) AS tx(block_number bigint, tx_index int, tx_id text, type text,
                creator_msp text, created_at timestamptz, validation_code text, is_valid boolean, chaincode text,
                function text, event_name text, event jsonb, writes jsonb)
         ON CONFLICT (channel, block_number, tx_index) DO NOTHING`,
        [channel, JSON.stringify(rows)],
    );
}

/** A transaction as its `transactions` row holds it: what the integrity check compares with the peer. */
export interface HistoryRow {
    readonly tx_index: number;
    readonly tx_id: string;
    readonly type: string;
    readonly creator_msp: string;
    readonly created_at: string;
    readonly validation_code: string;
    readonly is_valid: boolean;
    readonly chaincode: string | null;
    readonly function: string | null;
    readonly event_name: string | null;
    readonly event: unknown;
    readonly writes: unknown;
}

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
        event: tx.event ? eventJson(tx.event.payload) : null,
        writes: tx.writes.map(writeJson),
    };
}

/** Event payloads are kept as JSON when they are JSON, else as base64 under `raw`. */
function eventJson(payload: Uint8Array): unknown {
    const reading = payloadJson(payload);
    return 'json' in reading ? reading.json : { raw: Buffer.from(payload).toString('base64') };
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
