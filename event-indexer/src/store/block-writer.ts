import type pg from 'pg';
import type { ParsedBlock, ParsedTransaction } from '../blocks/parsed-block.js';
import { type Checkpoint, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { type BlockTransaction, insertBlocks, insertHistory } from './history.js';
import type { ChaincodeSelection } from './ledger-event.js';
import { projectTransactions } from './transaction-projection.js';

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

/** A block, and what applying it did to the index. */
export interface IndexedBlock {
    readonly block: ParsedBlock;
    readonly outcome: BlockOutcome;
}

/** One per block, in the blocks' order. */
export type IndexedBlocks<B extends readonly ParsedBlock[]> = { readonly [I in keyof B]: IndexedBlock };

/** Applies one block in one database transaction (see applyBlocks). */
export async function applyBlock(pool: pg.Pool, block: ParsedBlock, options: BlockWriterOptions): Promise<BlockOutcome> {
    const [indexed] = await applyBlocks(pool, [block], options);
    return indexed.outcome;
}

/**
 * Applies consecutive blocks of one channel in one database transaction: the block rows, the history of every
 * transaction (invalid ones included), the projections and notifications of valid ones, and the checkpoint after
 * the last block. Either all of it is committed or none, so a crash can neither lose nor duplicate a change.
 * Rows are written set-based, a few statements for the whole batch. A batch whose projection fails over its data
 * is applied again block by block, each transaction isolated, so the one bad transaction is recorded and skipped;
 * the common path pays for no savepoints.
 */
export async function applyBlocks<const B extends readonly ParsedBlock[]>(pool: pg.Pool, blocks: B, options: BlockWriterOptions): Promise<IndexedBlocks<B>> {
    const client = await pool.connect();
    try {
        const indexed = await inTransaction(client, blocks, options, false).catch(async (error: unknown) => {
            if (isTransient(error)) {
                throw error;
            }
            return blockByBlock(client, blocks, options);
        });
        return indexed as IndexedBlocks<B>;
    } finally {
        client.release();
    }
}

async function blockByBlock(client: pg.ClientBase, blocks: readonly ParsedBlock[], options: BlockWriterOptions): Promise<IndexedBlock[]> {
    const indexed: IndexedBlock[] = [];
    for (const block of blocks) {
        indexed.push(...(await inTransaction(client, [block], options, true)));
    }
    return indexed;
}

async function inTransaction(client: pg.ClientBase, blocks: readonly ParsedBlock[], options: BlockWriterOptions, isolate: boolean): Promise<IndexedBlock[]> {
    const [first] = blocks;
    if (first === undefined) {
        return [];
    }
    try {
        await client.query('BEGIN');
        // The club's own personal-data rows are the only ones row-level security lets it write.
        await client.query(`SELECT set_config('rcn.club', $1, true)`, [options.ownClub]);
        const checkpoint = await readCheckpoint(client, first.channel, true);
        const indexed = await applyFrom(client, first.channel, planBlocks(blocks, checkpoint), { ...options, isolate });
        await client.query('COMMIT');
        return indexed;
    } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
    }
}

/** A block of the batch, and the transactions of it still to apply: none when the index already holds it all. */
interface BlockPlan {
    readonly block: ParsedBlock;
    readonly pending?: readonly ParsedTransaction[];
}

/** What of each block the checkpoint says is still to apply; a block beyond the next one is a gap. */
function planBlocks(blocks: readonly ParsedBlock[], checkpoint: Checkpoint): BlockPlan[] {
    let next = checkpoint.nextBlock;
    return blocks.map((block) => {
        if (block.number < next) {
            return { block };
        }
        if (block.number > next) {
            throw new Error(`block ${block.number.toString()} of ${block.channel} arrived before block ${next.toString()}: a gap`);
        }
        const resumeAt = block.number === checkpoint.nextBlock ? checkpoint.nextTxIndex : 0;
        next = block.number + 1n;
        return { block, pending: block.transactions.filter((tx) => tx.txIndex >= resumeAt) };
    });
}

interface ApplyOptions extends BlockWriterOptions {
    /** Project each transaction inside a savepoint, recording the ones that fail instead of failing the block. */
    readonly isolate: boolean;
}

async function applyFrom(client: pg.ClientBase, channel: string, plans: readonly BlockPlan[], options: ApplyOptions): Promise<IndexedBlock[]> {
    const applying = plans.flatMap(({ block, pending }) => (pending === undefined ? [] : [{ block, pending }]));
    const last = applying.at(-1);
    if (last === undefined) {
        return plans.map((plan) => indexedBlock(plan, new Map()));
    }
    const transactions = applying.flatMap(({ block, pending }) => pending.map((tx) => ({ blockNumber: block.number, tx })));
    await insertBlocks(client, channel, applying.map(({ block }) => block));
    await insertHistory(client, channel, transactions);
    const project = (some: readonly BlockTransaction[]) => projectTransactions(client, channel, some, options);
    const unprojected = options.isolate ? await projectEachIsolated(client, transactions, project) : await project(transactions);
    await writeCheckpoint(client, channel, { nextBlock: last.block.number + 1n, nextTxIndex: 0 });
    return plans.map((plan) => indexedBlock(plan, unprojected));
}

function indexedBlock(plan: BlockPlan, unprojected: ReadonlyMap<ParsedTransaction, string>): IndexedBlock {
    return { block: plan.block, outcome: outcomeOf(plan, unprojected) };
}

function outcomeOf({ block, pending }: BlockPlan, unprojected: ReadonlyMap<ParsedTransaction, string>): BlockOutcome {
    if (pending === undefined) {
        return { applied: 0, skipped: block.transactions.length, invalid: 0, unprojected: [], alreadyIndexed: true };
    }
    return {
        applied: pending.length,
        skipped: block.transactions.length - pending.length,
        invalid: pending.filter((tx) => !tx.isValid).length,
        unprojected: pending.flatMap((tx) => {
            const reason = unprojected.get(tx);
            return reason === undefined ? [] : [{ txId: tx.txId, reason }];
        }),
        alreadyIndexed: false,
    };
}

/** Projects each transaction on its own, inside a savepoint; returns why each one was not (wholly) projected. */
async function projectEachIsolated(
    client: pg.ClientBase,
    transactions: readonly BlockTransaction[],
    project: (some: readonly BlockTransaction[]) => Promise<ReadonlyMap<ParsedTransaction, string>>,
): Promise<Map<ParsedTransaction, string>> {
    const reasons = new Map<ParsedTransaction, string>();
    for (const transaction of transactions) {
        const reason = await isolated(client, async () => (await project([transaction])).get(transaction.tx));
        if (reason !== undefined) {
            reasons.set(transaction.tx, reason);
        }
    }
    return reasons;
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
