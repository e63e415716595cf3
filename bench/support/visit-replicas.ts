import { createHash } from 'node:crypto';
import type {
    BlockTransactionSpec,
    Bytes,
    ChainBlockSpec,
    EventSpec,
    TransactionSpec,
    WriteSpec,
} from '../../event-indexer/test/support/block-builder.js';

/**
 * Copies of genuine visit blocks (check-ins, check-outs, cancellations the real contracts produced) under IDs
 * of their own: a long chain at the cost of a hash per ID instead of a contract run per transaction.
 */

const VISIT_CONTRACT = 'Visit:';
/** Transaction IDs, and so visit IDs, which are their check-in's transaction ID. */
const TRANSACTION_ID = /[0-9a-f]{64}/g;
/** Calendar dates, alone (visit dates) or starting a timestamp. */
const CALENDAR_DATE = /\d{4}-\d{2}-\d{2}/g;
/**
 * The journey's rounds of visits are ten days apart: copies shifted by 0 to 9 days fill every day of the season
 * instead of piling every copy's visits onto the journey's dates.
 */
const DAY_SPREAD = 10;
const DAY_MS = 24 * 60 * 60 * 1000;

function isVisitTransaction(tx: BlockTransactionSpec): tx is TransactionSpec {
    return (tx.kind === undefined || tx.kind === 'endorser') && (tx.function?.startsWith(VISIT_CONTRACT) ?? false);
}

/** The blocks that hold visit transactions only: what a replica copies. */
export function visitBlocks(blocks: readonly ChainBlockSpec[]): ChainBlockSpec[] {
    return blocks.filter((block) => block.transactions.length > 0 && block.transactions.every(isVisitTransaction));
}

/**
 * The IDs a replica renames: those of the templates' transactions, hence of the visits they check in. A check-out
 * whose check-in lies outside the templates keeps its visit ID, so a replica never creates a visit without its check-in.
 */
export function visitTransactionIds(blocks: readonly ChainBlockSpec[]): ReadonlySet<string> {
    return new Set(
        blocks.flatMap((block) => block.transactions.filter(isVisitTransaction).flatMap((tx) => (tx.txId === undefined ? [] : [tx.txId]))),
    );
}

/**
 * Copy `copy` of a visit block: each of `ids` wherever it appears (keys, values, arguments, event) becomes an ID
 * of this copy, and every date moves `copy % DAY_SPREAD` days on (usage periods keep their month).
 */
export function replicateVisitBlock(block: ChainBlockSpec, copy: number, ids: ReadonlySet<string>): ChainBlockSpec {
    const shiftMs = (copy % DAY_SPREAD) * DAY_MS;
    const shiftDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + shiftMs).toISOString().slice(0, 10);
    const copyText = (text: string) =>
        text
            .replace(TRANSACTION_ID, (id) => (ids.has(id) ? createHash('sha256').update(`replica ${copy.toString()} of ${id}`).digest('hex') : id))
            .replace(CALENDAR_DATE, shiftDate);
    const copyBytes = (value: Bytes) => copyText(typeof value === 'string' ? value : Buffer.from(value).toString('utf8'));
    const copyWrite = <W extends WriteSpec>(write: W): W =>
        'value' in write ? { ...write, key: copyText(write.key), value: copyBytes(write.value) } : { ...write, key: copyText(write.key) };
    const copyEvent = (event: EventSpec): EventSpec =>
        'payload' in event ? { name: event.name, payload: copyBytes(event.payload) } : (JSON.parse(copyText(JSON.stringify(event))) as EventSpec);
    return {
        transactions: block.transactions.filter(isVisitTransaction).map(
            (tx): TransactionSpec => ({
                ...tx,
                ...(tx.txId !== undefined && { txId: copyText(tx.txId) }),
                ...(tx.timestamp && { timestamp: new Date(tx.timestamp.getTime() + shiftMs) }),
                ...(tx.args && { args: tx.args.map(copyBytes) }),
                ...(tx.writes && { writes: tx.writes.map(copyWrite) }),
                ...(tx.privateWrites && { privateWrites: tx.privateWrites.map(copyWrite) }),
                ...(tx.event && { event: copyEvent(tx.event) }),
            }),
        ),
    };
}
