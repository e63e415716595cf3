import type pg from 'pg';
import type { ParsedBlock, ParsedTransaction } from '../blocks/parsed-block.js';
import { type Checkpoint, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type ChaincodeSelection, readLedgerEvent } from './ledger-event.js';
import { enqueueNotifications } from './outbox.js';
import { type ChangeOrigin, projectEvent, projectPersonalData } from './projections.js';

export interface BlockWriterOptions extends ChaincodeSelection {
    /** The indexing club: only its own implicit collection's personal data is kept. */
    readonly ownClub: string;
}

/** What one block did to the index. */
export interface BlockOutcome {
    readonly applied: number;
    /** Transactions of this block already applied before a restart. */
    readonly skipped: number;
    readonly invalid: number;
    /** Transactions recorded in the history but not projected, with the reason. */
    readonly unprojected: readonly { readonly txId: string; readonly reason: string }[];
    /** True when the whole block was already indexed (a replay). */
    readonly alreadyIndexed: boolean;
}

/**
 * Applies one block in one database transaction: the block row, the history of every transaction
 * (invalid ones included), the projections and notifications of valid ones, and the checkpoint.
 * Either all of it is committed or none, so a crash can neither lose nor duplicate a change.
 * A block whose projection fails over its data is applied again with each transaction isolated, so
 * the one bad transaction is recorded and skipped; the common path pays for no savepoints.
 */
export async function applyBlock(pool: pg.Pool, block: ParsedBlock, options: BlockWriterOptions): Promise<BlockOutcome> {
    const client = await pool.connect();
    try {
        return await inTransaction(client, block, options, false).catch(async (error: unknown) => {
            if (isTransient(error)) {
                throw error;
            }
            return inTransaction(client, block, options, true);
        });
    } finally {
        client.release();
    }
}

async function inTransaction(client: pg.ClientBase, block: ParsedBlock, options: BlockWriterOptions, isolate: boolean): Promise<BlockOutcome> {
    try {
        await client.query('BEGIN');
        // The club's own personal-data rows are the only ones row-level security lets it write.
        await client.query(`SELECT set_config('rcn.club', $1, true)`, [options.ownClub]);
        const checkpoint = await readCheckpoint(client, block.channel, true);
        const outcome = await applyFrom(client, block, checkpoint, { ...options, isolate });
        await client.query('COMMIT');
        return outcome;
    } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
    }
}

interface ApplyOptions extends BlockWriterOptions {
    /** Project each transaction inside a savepoint, recording the ones that fail instead of failing the block. */
    readonly isolate: boolean;
}

async function applyFrom(client: pg.ClientBase, block: ParsedBlock, checkpoint: Checkpoint, options: ApplyOptions): Promise<BlockOutcome> {
    if (block.number < checkpoint.nextBlock) {
        return { applied: 0, skipped: block.transactions.length, invalid: 0, unprojected: [], alreadyIndexed: true };
    }
    if (block.number > checkpoint.nextBlock) {
        throw new Error(`block ${block.number.toString()} of ${block.channel} arrived before block ${checkpoint.nextBlock.toString()}: a gap`);
    }
    const resumeAt = checkpoint.nextTxIndex;
    const pending = block.transactions.filter((tx) => tx.txIndex >= resumeAt);
    await insertBlock(client, block);
    await insertHistory(client, block, pending);

    const unprojected: { txId: string; reason: string }[] = [];
    for (const tx of pending) {
        const reason = await projectTransaction(client, block, tx, options);
        if (reason !== undefined) {
            unprojected.push({ txId: tx.txId, reason });
        }
    }
    await writeCheckpoint(client, block.channel, { nextBlock: block.number + 1n, nextTxIndex: 0 });
    return {
        applied: pending.length,
        skipped: block.transactions.length - pending.length,
        invalid: pending.filter((tx) => !tx.isValid).length,
        unprojected,
        alreadyIndexed: false,
    };
}

/** Projects a valid transaction's event and personal data; returns why it was not (wholly) projected, if so. */
async function projectTransaction(
    client: pg.ClientBase,
    block: ParsedBlock,
    tx: ParsedTransaction,
    options: ApplyOptions,
): Promise<string | undefined> {
    if (tx.malformed !== undefined) {
        return tx.malformed;
    }
    const reading = readLedgerEvent(tx, options);
    if (reading.kind === 'malformed') {
        return reading.reason;
    }
    const origin: ChangeOrigin = { channel: block.channel, blockNumber: block.number, txIndex: tx.txIndex, txId: tx.txId };
    const project = async (): Promise<string | undefined> => {
        if (reading.kind === 'event') {
            await projectEvent(client, origin, reading.event);
            await enqueueNotifications(client, origin, reading.event);
        }
        const ours = tx.isValid ? tx.privateWrites.filter((write) => write.namespace === options.chaincodeName) : [];
        if (ours.length > 0) {
            const rejected = await projectPersonalData(client, origin, ours, options.ownClub);
            if (rejected.length > 0) {
                return rejected.map((rejection) => `personal data of ${rejection.memberNumber}: ${rejection.reason}`).join('; ');
            }
        }
        return undefined;
    };
    return options.isolate ? isolated(client, project) : project();
}

/** SQLSTATE classes that say nothing about the data, and Node's network error codes: the block must be retried, not skipped. */
const TRANSIENT_CODE = /^(08|40|53|57|58)|^E(CONN|PIPE|TIMEDOUT|HOSTUNREACH|NETUNREACH|AI_AGAIN)/;

/**
 * node-postgres reports a lost connection without a code, in messages that begin thus. Anchored: a
 * message that merely quotes ledger data (an entity kind "clubConnection") must not stall the channel.
 */
const CONNECTION_LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect)/;

/** Connection, concurrency and resource failures: nothing to do with the block's data. */
function isTransient(error: unknown): boolean {
    const code = (error as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string') {
        return TRANSIENT_CODE.test(code);
    }
    return error instanceof Error && CONNECTION_LOST.test(error.message);
}

/**
 * Runs a projection inside a savepoint. If it fails over the data itself (an event the read model
 * cannot hold), only that transaction's projection is undone and the reason returned: one bad
 * transaction never stalls the channel. Connection and concurrency failures propagate.
 */
async function isolated(client: pg.ClientBase, project: () => Promise<string | undefined>): Promise<string | undefined> {
    await client.query('SAVEPOINT projection');
    try {
        const reason = await project();
        await client.query('RELEASE SAVEPOINT projection');
        return reason;
    } catch (error) {
        if (isTransient(error)) {
            throw error;
        }
        await client.query('ROLLBACK TO SAVEPOINT projection');
        return `not projected: ${error instanceof Error ? error.message : String(error)}`;
    }
}

async function insertBlock(client: pg.ClientBase, block: ParsedBlock): Promise<void> {
    await client.query(
        `INSERT INTO blocks (channel, block_number, data_hash, previous_hash, header_hash, tx_count)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, block_number) DO NOTHING`,
        [
            block.channel,
            block.number.toString(),
            Buffer.from(block.dataHash),
            Buffer.from(block.previousHash),
            Buffer.from(block.headerHash),
            block.transactions.length,
        ],
    );
}

/** The history of every transaction, in one statement per block (unnest: no bind-parameter limit). */
async function insertHistory(client: pg.ClientBase, block: ParsedBlock, transactions: readonly ParsedTransaction[]): Promise<void> {
    if (transactions.length === 0) {
        return;
    }
    const rows = transactions.map(historyRow);
    const column = <K extends keyof HistoryRow>(name: K) => rows.map((row) => row[name]);
    await client.query(
        `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp, created_at, validation_code,
                                   is_valid, chaincode, function, event_name, event, writes)
         SELECT $1, $2, * FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[],
                                      $9::boolean[], $10::text[], $11::text[], $12::text[], $13::jsonb[], $14::jsonb[])
         ON CONFLICT (channel, block_number, tx_index) DO NOTHING`,
        [
            block.channel,
            block.number.toString(),
            column('tx_index'),
            column('tx_id'),
            column('type'),
            column('creator_msp'),
            column('created_at'),
            column('validation_code'),
            column('is_valid'),
            column('chaincode'),
            column('function'),
            column('event_name'),
            column('event').map((event) => (event === null ? null : JSON.stringify(event))),
            column('writes').map((writes) => JSON.stringify(writes)),
        ],
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
    try {
        return JSON.parse(Buffer.from(payload).toString('utf8'));
    } catch {
        return { raw: Buffer.from(payload).toString('base64') };
    }
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
