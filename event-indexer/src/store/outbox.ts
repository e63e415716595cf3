import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import type { CommittedEvent } from './projections.js';

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
 * One outbox row per club each event concerns, written in the block's database transaction, in one statement
 * for the whole set. The message ID is `channel:block:tx:club` — unique per message, stable across replays — so
 * JetStream drops a republished duplicate; the club is part of it because one transaction notifies several clubs.
 */
export async function enqueueNotifications(client: pg.ClientBase, events: readonly CommittedEvent[]): Promise<void> {
    const rows = events
        .filter(({ event }) => event.parties.length > 0)
        .map(({ origin, event }) => {
            const notification: Notification = {
                channel: origin.channel,
                blockNumber: origin.blockNumber.toString(),
                txIndex: origin.txIndex,
                txId: origin.txId,
                event,
            };
            const base = `${origin.channel}:${origin.blockNumber.toString()}:${origin.txIndex.toString()}`;
            return {
                channel: origin.channel,
                block_number: notification.blockNumber,
                tx_index: origin.txIndex,
                payload: notification,
                subjects: event.parties.map((club) => subjectFor(origin.channel, club, event.name)),
                msg_ids: event.parties.map((club) => `${base}:${club}`),
            };
        });
    if (rows.length === 0) {
        return;
    }
    await client.query(
        `INSERT INTO outbox (channel, block_number, tx_index, subject, msg_id, payload)
         SELECT event.channel, event.block_number, event.tx_index, message.subject, message.msg_id, event.payload
         FROM jsonb_to_recordset($1::jsonb)
                  AS event(channel text, block_number bigint, tx_index integer, payload jsonb, subjects text[], msg_ids text[]),
              unnest(event.subjects, event.msg_ids) AS message(subject, msg_id)
         ON CONFLICT (msg_id) DO NOTHING`,
        [JSON.stringify(rows)],
    );
}
