import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, nanos } from '@nats-io/transport-node';
import type pg from 'pg';
import type { Notification } from '../store/outbox.js';

/** The JetStream stream holding every club notification. */
export const NOTIFICATION_STREAM = 'RCN_NOTIFICATIONS';
const DUPLICATE_WINDOW_MS = 24 * 60 * 60 * 1000;

export interface OutboxPublisherOptions {
    readonly batchSize?: number;
}

export interface PublishRound {
    readonly published: number;
    /** Acknowledged by JetStream as duplicates of messages it already had (an earlier round crashed after publishing). */
    readonly duplicates: number;
}

/** Creates the notification stream, or updates it, so publishing never waits on an operator. */
export async function ensureNotificationStream(nats: NatsConnection): Promise<JetStreamManager> {
    const manager = await jetstreamManager(nats);
    const config = { name: NOTIFICATION_STREAM, subjects: ['clubs.>'], duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
    try {
        await manager.streams.info(NOTIFICATION_STREAM);
        await manager.streams.update(NOTIFICATION_STREAM, config);
    } catch {
        await manager.streams.add(config);
    }
    return manager;
}

/**
 * Drains the outbox to JetStream in ID order, each message the Notification of its row's transaction, read from
 * the transaction's history row. A row is marked published only after JetStream
 * acknowledged it, in the same database transaction that locked it: NATS being down delays
 * notifications, never loses them, and the message ID makes a re-send after a crash a no-op.
 */
export class OutboxPublisher {
    readonly #pool: pg.Pool;
    readonly #jetstream: JetStreamClient;
    readonly #batchSize: number;

    constructor(pool: pg.Pool, nats: NatsConnection, options: OutboxPublisherOptions = {}) {
        this.#pool = pool;
        this.#jetstream = jetstream(nats);
        this.#batchSize = options.batchSize ?? 500;
    }

    /** Publishes one batch; call until it publishes nothing. */
    async publishPending(): Promise<PublishRound> {
        const client = await this.#pool.connect();
        try {
            await client.query('BEGIN');
            const { rows } = await client.query<{ id: string; subject: string; msg_id: string; payload: Notification }>(
                `SELECT outbox.id, outbox.subject, outbox.msg_id,
                        json_build_object('channel', tx.channel, 'blockNumber', tx.block_number::text, 'txIndex', tx.tx_index,
                                           'txId', tx.tx_id, 'event', tx.event) AS payload
                 FROM outbox JOIN transactions AS tx USING (channel, block_number, tx_index)
                 WHERE outbox.published_at IS NULL
                 ORDER BY outbox.id LIMIT $1 FOR UPDATE OF outbox SKIP LOCKED`,
                [this.#batchSize],
            );
            let duplicates = 0;
            for (const row of rows) {
                const ack = await this.#jetstream.publish(row.subject, JSON.stringify(row.payload), { msgID: row.msg_id });
                duplicates += ack.duplicate ? 1 : 0;
            }
            if (rows.length > 0) {
                await client.query(`UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [rows.map((row) => row.id)]);
            }
            await client.query('COMMIT');
            return { published: rows.length, duplicates };
        } catch (error) {
            await client.query('ROLLBACK').catch(() => undefined);
            throw error;
        } finally {
            client.release();
        }
    }

    /** Rows written but not yet acknowledged by JetStream. */
    async depth(): Promise<number> {
        const { rows } = await this.#pool.query<{ depth: number }>(`SELECT count(*)::int AS depth FROM outbox WHERE published_at IS NULL`);
        return rows[0]?.depth ?? 0;
    }
}
