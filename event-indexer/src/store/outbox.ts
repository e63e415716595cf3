import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import { copyLine, copyRows } from './copy-rows.js';
import type { ChangeOrigin, CommittedEvent } from './projections.js';

const OUTBOX_COLUMNS = ['channel', 'block_number', 'tx_index', 'subject', 'msg_id'] as const;

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
 * for the whole set; the event itself stays in the transaction's history row, written before (see
 * OutboxPublisher). The message ID is `channel:block:tx:club` — unique per message, stable across replays — so
 * JetStream drops a republished duplicate; the club is part of it because one transaction notifies several clubs.
 * Written by COPY, as the history: the checkpoint, written with the rows, says which transactions are new.
 */
export async function enqueueNotifications(client: pg.ClientBase, events: readonly CommittedEvent[]): Promise<void> {
    const messages = events.flatMap(({ origin, event }) =>
        event.parties.map((club) => ({ origin, subject: subjectFor(origin.channel, club, event.name), msgId: messageIdOf(origin, club) })),
    );
    if (messages.length === 0) {
        return;
    }
    const lines = messages.map(({ origin, subject, msgId }) => copyLine([origin.channel, origin.blockNumber, origin.txIndex, subject, msgId]));
    await copyRows(client, 'outbox', OUTBOX_COLUMNS, lines);
}

function messageIdOf(origin: ChangeOrigin, club: string): string {
    return `${origin.channel}:${origin.blockNumber.toString()}:${origin.txIndex.toString()}:${club}`;
}
