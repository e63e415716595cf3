import type pg from 'pg';
import type { ParsedTransaction, PrivateKeyWrite } from '../blocks/parsed-block.js';
import type { BlockWriterOptions } from './block-writer.js';
import type { BlockTransaction } from './history.js';
import { readLedgerEvent } from './ledger-event.js';
import { enqueueNotifications } from './outbox.js';
import { type ChangeOrigin, type CommittedEvent, projectEvents, projectPersonalData } from './projections.js';

/**
 * Projects the valid transactions of our chaincode: their events' entities and one outbox row per party club,
 * set-based for all of them, and the club's own members' personal data. Returns why a transaction was not (wholly)
 * projected: an envelope or event that cannot be read, a private write that is not a sealed personal record.
 * Throws when PostgreSQL refuses a change; the caller then projects the transactions one by one.
 */
export async function projectTransactions(
    client: pg.ClientBase,
    channel: string,
    transactions: readonly BlockTransaction[],
    options: BlockWriterOptions,
): Promise<Map<ParsedTransaction, string>> {
    const reasons = new Map<ParsedTransaction, string>();
    const events: CommittedEvent[] = [];
    const personalData: { readonly origin: ChangeOrigin; readonly tx: ParsedTransaction; readonly writes: readonly PrivateKeyWrite[] }[] = [];
    for (const { blockNumber, tx } of transactions) {
        if (tx.malformed !== undefined) {
            reasons.set(tx, tx.malformed);
            continue;
        }
        const reading = readLedgerEvent(tx, options);
        if (reading.kind === 'malformed') {
            reasons.set(tx, reading.reason);
            continue;
        }
        const origin: ChangeOrigin = { channel, blockNumber, txIndex: tx.txIndex, txId: tx.txId };
        if (reading.kind === 'event') {
            events.push({ origin, event: reading.event });
        }
        const ours = tx.isValid ? tx.privateWrites.filter((write) => write.namespace === options.chaincodeName) : [];
        if (ours.length > 0) {
            personalData.push({ origin, tx, writes: ours });
        }
    }
    await projectEvents(client, events);
    await enqueueNotifications(client, events);
    for (const { origin, tx, writes } of personalData) {
        const rejected = await projectPersonalData(client, origin, writes, options.ownClub);
        if (rejected.length > 0) {
            reasons.set(tx, rejected.map((rejection) => `personal data of ${rejection.memberNumber}: ${rejection.reason}`).join('; '));
        }
    }
    return reasons;
}
