import type { Server } from 'node:http';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { IndexerConfig } from '../config.js';
import { connectToNats } from '../outbox/nats-connection.js';
import { OutboxPublisher, ensureNotificationStream } from '../outbox/publisher.js';
import type { BlockSource } from '../source/block-source.js';
import { migrate, openPool, waitForDatabase } from '../store/database.js';
import { indexChannel } from './channel-indexer.js';
import { type ReadinessChecks, startHttpServer } from './http-server.js';
import { IndexerMetrics } from './metrics.js';
import { NotificationLoop } from './notification-loop.js';

/** A running indexer: one block stream per channel, the notification publisher, and its HTTP endpoints. */
export interface RunningIndexer {
    readonly pool: pg.Pool;
    readonly metrics: IndexerMetrics;
    /** Resolves when every loop has stopped; rejects if one fails for good. */
    readonly done: Promise<void>;
    stop(): Promise<void>;
}

export interface IndexerOptions {
    readonly config: IndexerConfig;
    readonly source: BlockSource;
    readonly logger: Logger;
    /** Checks besides PostgreSQL and NATS, e.g. round trips to the club's peer. */
    readonly readiness?: ReadinessChecks;
}

/**
 * Waits (bounded by `startupWaitMs`) for PostgreSQL and NATS, migrates, then starts every loop; rejects when a
 * neighbour never answered, so the process can say why and end.
 */
export async function startIndexer({ config, source, logger, readiness = {} }: IndexerOptions): Promise<RunningIndexer> {
    const waiting = (neighbour: string) => (error: Error) => {
        logger.warn({ reason: error.message, withinMs: config.startupWaitMs }, `waiting for ${neighbour}`);
    };
    await waitForDatabase(config.database.connectionString, { withinMs: config.startupWaitMs, onWait: waiting('PostgreSQL') });
    await migrate(config.database, (message) => { logger.debug({ migration: message }); });
    const pool = openPool(config.database, (error) => {
        logger.warn({ err: error }, 'lost a PostgreSQL connection');
    });
    const metrics = new IndexerMetrics();
    const nats = await connectToNats(config.natsServers, { withinMs: config.startupWaitMs, onWait: waiting('NATS') }).catch(async (error: unknown) => {
        await pool.end();
        throw error;
    });
    await ensureNotificationStream(nats).catch((error: unknown) => {
        logger.warn({ err: error }, 'could not prepare the notification stream yet; publishing will retry');
    });
    const notifications = new NotificationLoop({ publisher: new OutboxPublisher(pool, nats), logger, metrics });
    const server = await startHttpServer(config.httpPort, metrics.registry, {
        postgres: async () => (await pool.query('SELECT 1')).rowCount === 1,
        nats: () => Promise.resolve(!nats.isClosed() && nats.info !== undefined),
        ...readiness,
    });
    const abort = new AbortController();
    const loops = [
        notifications.run(abort.signal),
        ...config.channels.map((channel) =>
            indexChannel(
                {
                    channel,
                    pool,
                    source,
                    writer: { chaincodeName: config.chaincodeName, ownClub: config.club },
                    batchTransactions: config.batchTransactions,
                    logger,
                    metrics,
                    onBlock: () => {
                        notifications.wake();
                    },
                },
                abort.signal,
            ),
        ),
    ];
    logger.info({ club: config.club, channels: config.channels, schema: config.database.schema, port: config.httpPort }, 'indexer started');
    const done = Promise.all(loops).then(() => undefined);
    return { pool, metrics, done, stop: () => stop(abort, done, server, nats, pool) };
}

async function stop(abort: AbortController, done: Promise<void>, server: Server, nats: NatsConnection, pool: pg.Pool): Promise<void> {
    abort.abort();
    await done.catch(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    await nats.drain().catch(() => undefined);
    await pool.end();
}
