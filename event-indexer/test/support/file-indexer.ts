import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { pino } from 'pino';
import type { IndexerConfig } from '../../src/config.js';
import { DEFAULT_BATCH_TRANSACTIONS } from '../../src/indexer/channel-indexer.js';
import { type RunningIndexer, startIndexer } from '../../src/indexer/indexer.js';
import { FileBlockSource } from '../../src/source/file-block-source.js';
import { openPool, quoteIdentifier } from '../../src/store/database.js';
import { TEST_CHAINCODE, TEST_CLUB } from './block-builder.js';
import { postgresUrl } from './database.js';
import { natsServers } from './nats.js';

/** One line the indexer logged, as pino writes it. */
export interface LogRecord {
    readonly level: number;
    readonly msg?: string;
    readonly [field: string]: unknown;
}

/** The whole indexer (migrations, block stream, outbox publisher) following a folder of block files, in this process. */
export interface FileIndexer {
    readonly schema: string;
    readonly running: RunningIndexer;
    /** A pool of the test's own on the index's schema: it outlives `stop`. */
    readonly pool: pg.Pool;
    readonly logs: readonly LogRecord[];
    /** Resolves once block `blockNumber` is committed to the index. */
    waitForBlock(blockNumber: bigint): Promise<void>;
    /** Resolves once JetStream acknowledged every notification in the outbox. */
    waitForNotifications(): Promise<void>;
    /** Stops the indexer; the schema stays for inspection. */
    stop(): Promise<void>;
    /** Stops the indexer if running and drops its schema. */
    drop(): Promise<void>;
}

export interface FileIndexerOptions {
    readonly blocksDir: string;
    readonly channel: string;
    readonly club?: string;
    readonly timeoutMs?: number;
}

/** Starts an indexer on a schema that does not exist yet: it creates and migrates it as in production. */
export async function startFileIndexer(options: FileIndexerOptions): Promise<FileIndexer> {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const database = { connectionString: postgresUrl(), schema };
    const config: IndexerConfig = {
        club: options.club ?? TEST_CLUB,
        channels: [options.channel],
        chaincodeName: TEST_CHAINCODE,
        database,
        natsServers: natsServers(),
        httpPort: 0,
        logLevel: 'info',
        startupWaitMs: 0,
        batchTransactions: DEFAULT_BATCH_TRANSACTIONS,
        source: { kind: 'files', dir: options.blocksDir },
    };
    const logs: LogRecord[] = [];
    const logger = pino({ level: config.logLevel }, { write: (line: string) => logs.push(JSON.parse(line) as LogRecord) });
    const running = await startIndexer({ config, source: new FileBlockSource(options.blocksDir, 20), logger });
    const pool = openPool(database);
    const timeoutMs = options.timeoutMs ?? 30_000;
    let stopped = false;
    const stop = async () => {
        if (!stopped) {
            stopped = true;
            await running.stop();
        }
    };
    return {
        schema,
        running,
        pool,
        logs,
        waitForBlock: (blockNumber) =>
            until(timeoutMs, `block ${blockNumber.toString()} of ${options.channel} indexed`, async () => {
                const { rows } = await pool.query<{ next_block: string }>('SELECT next_block FROM checkpoints WHERE channel = $1', [options.channel]);
                return rows[0] !== undefined && BigInt(rows[0].next_block) > blockNumber;
            }),
        waitForNotifications: () =>
            until(timeoutMs, 'every notification published', async () => {
                const { rows } = await pool.query<{ pending: number }>('SELECT count(*)::int AS pending FROM outbox WHERE published_at IS NULL');
                return rows[0]?.pending === 0;
            }),
        stop,
        async drop() {
            await stop();
            await pool.end();
            const admin = new pg.Client({ connectionString: database.connectionString });
            await admin.connect();
            try {
                await admin.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
            } finally {
                await admin.end();
            }
        },
    };
}

/** Columns that say when the indexer did its work, not what the ledger holds: a rebuild differs in them. */
export const OPERATIONAL_COLUMNS: Readonly<Record<string, readonly string[]>> = {
    blocks: ['indexed_at'],
    checkpoints: ['updated_at'],
    outbox: ['id', 'created_at', 'published_at'],
};

/**
 * Every row of every table in the pool's schema but node-pg-migrate's own, by table, in a stable
 * order, without the `omit`ted columns.
 */
export async function indexContents(pool: pg.Pool, omit: Readonly<Record<string, readonly string[]>> = {}): Promise<Record<string, unknown[]>> {
    const { rows: tables } = await pool.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
         ORDER BY table_name`,
    );
    const contents: Record<string, unknown[]> = {};
    for (const { table_name: table } of tables) {
        const { rows } = await pool.query<{ row: unknown }>(
            `SELECT to_jsonb(t) - $1::text[] AS row FROM ${quoteIdentifier(table)} AS t ORDER BY (to_jsonb(t) - $1::text[])::text`,
            [omit[table] ?? []],
        );
        contents[table] = rows.map(({ row }) => row);
    }
    return contents;
}

async function until(timeoutMs: number, what: string, condition: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition())) {
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs.toString()} ms waiting for ${what}`);
        }
        await sleep(25);
    }
}
