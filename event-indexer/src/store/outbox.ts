import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import type { ChangeOrigin } from './projections.js';

/** What a NATS notification carries: the event, and where on the ledger it was committed. */
export interface Notification {
    readonly channel: string;
    readonly blockNumber: string;
    readonly txIndex: number;
    readonly txId: string;
    readonly event: LedgerEvent;
}

/** `clubs.<channel>.<mspId>.<event>`: each club subscribes to its own subtree. */
export function subjectFor(channel: string, mspId: string, eventName: string): string {
    return `clubs.${channel}.${mspId}.${eventName}`;
}

/**
 * One outbox row per club the event concerns, written in the block's database transaction.
 * The message ID is `channel:block:tx:club` — unique per message, stable across replays — so JetStream
 * drops a republished duplicate; the club is part of it because one transaction notifies several clubs.
 */
export async function enqueueNotifications(client: pg.ClientBase, origin: ChangeOrigin, event: LedgerEvent): Promise<void> {
    if (event.parties.length === 0) {
        return;
    }
    const notification: Notification = {
        channel: origin.channel,
        blockNumber: origin.blockNumber.toString(),
        txIndex: origin.txIndex,
        txId: origin.txId,
        event,
    };
    const base = `${origin.channel}:${origin.blockNumber.toString()}:${origin.txIndex}`;
    await client.query(
        `INSERT INTO outbox (channel, block_number, tx_index, subject, msg_id, payload)
         SELECT $1, $2, $3, subject, msg_id, $4 FROM unnest($5::text[], $6::text[]) AS message(subject, msg_id)
         ON CONFLICT (msg_id) DO NOTHING`,
        [
            origin.channel,
            origin.blockNumber.toString(),
            origin.txIndex,
            JSON.stringify(notification),
            event.parties.map((club) => subjectFor(origin.channel, club, event.name)),
            event.parties.map((club) => `${base}:${club}`),
        ],
    );
}
