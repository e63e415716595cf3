import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type JetStreamClient, type JetStreamManager, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { expect } from 'chai';
import { ensureNotificationStream } from '../../src/outbox/publisher.js';
import type { BuiltBlock } from '../support/block-builder.js';
import {
    type BurstChain,
    type LedgerBurst,
    type LiveLedger,
    chainOf,
    expectedMessageIds,
    recordBurst,
    writeProgressively,
} from '../support/burst.js';
import { worldStateByTable, writeBlockFiles } from '../support/journey.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { connectNats, messageIdsInStream as idsInStream, messagesInStream as countInStream, natsServers } from '../support/nats.js';

/**
 * The real `rcn-indexer` process (event-indexer/dist/main.js) following a live ledger of block files,
 * against the local PostgreSQL and NATS, while the process is killed or a neighbour goes away.
 * These tests stop and start the shared PostgreSQL and NATS: run them alone, not beside other suites.
 */

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = promisify(execFile);
/** Milliseconds between two committed blocks: the burst stays live while the faults happen. */
const BLOCK_INTERVAL = 20;

/** One `rcn-indexer` process, its JSON log lines collected. */
class IndexerProcess {
    readonly logs: Record<string, unknown>[] = [];
    readonly #child: ChildProcess;
    /** What it wrote besides its JSON log lines: stderr, mostly. */
    readonly #output: string[] = [];
    readonly exited: Promise<void>;

    constructor(env: Record<string, string>) {
        this.#child = spawn(process.execPath, ['event-indexer/dist/main.js'], {
            cwd: ROOT,
            env: { ...process.env, ...env },
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        createInterface({ input: this.#child.stdout! }).on('line', (line) => {
            try {
                this.logs.push(JSON.parse(line) as Record<string, unknown>);
            } catch {
                this.#output.push(line);
            }
        });
        createInterface({ input: this.#child.stderr! }).on('line', (line) => this.#output.push(line));
        this.exited = new Promise((resolve) => this.#child.once('exit', () => { resolve(); }));
    }

    get alive(): boolean {
        return this.#child.exitCode === null && this.#child.signalCode === null;
    }

    /** Why the process is no longer running, for a failure message. */
    get obituary(): string {
        return `exit ${String(this.#child.exitCode ?? this.#child.signalCode)}; last output: ${this.#output.slice(-10).join('\n')}`;
    }

    async kill(signal: NodeJS.Signals): Promise<void> {
        if (this.alive) {
            this.#child.kill(signal);
            await this.exited;
        }
    }

    /** Notifications JetStream acknowledged as duplicates of messages it already held: re-sends. */
    get duplicatesLogged(): number {
        return this.logs.reduce((sum, line) => sum + (typeof line.duplicates === 'number' ? line.duplicates : 0), 0);
    }
}

const INDEXER_SESSION = 'rcn-indexer-under-test';

/** The database URL with the application name that tells the indexer's sessions apart in pg_stat_activity. */
function sessionsNamed(connectionString: string): string {
    const url = new URL(connectionString);
    url.searchParams.set('application_name', INDEXER_SESSION);
    return url.toString();
}

/** Polls `probe` until it returns a value other than undefined or false; fails after `timeoutMs` or if `indexer` died. */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, indexer?: IndexerProcess, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (indexer !== undefined && !indexer.alive) {
            throw new Error(`the indexer died while waiting for ${what}: ${indexer.obituary}`);
        }
        const value = await probe();
        if (value !== undefined && value !== false) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        }
        await sleep(20);
    }
}

async function network(...args: string[]): Promise<void> {
    await run('./test-network.sh', args, { cwd: ROOT });
}

describe('indexer resilience (the real rcn-indexer process, PostgreSQL and NATS)', function () {
    this.timeout(60_000);
    let burst: LedgerBurst;
    let blocksDir: string;
    let nats: NatsConnection;
    let manager: JetStreamManager;
    let js: JetStreamClient;
    let database: TestDatabase;
    let chain: BurstChain;
    const running: IndexerProcess[] = [];
    const databases: TestDatabase[] = [];
    const writers: LiveLedger[] = [];
    /** Whether the test stopped a neighbour of the network: only then does afterEach bring the network up again. */
    let stoppedNeighbour = false;

    const stopNeighbour = async (component: string): Promise<void> => {
        stoppedNeighbour = true;
        await network('stop', component);
    };

    /** Commits `blocks` to the channel's folder one by one, as a peer would under load. */
    const live = (blocks: readonly BuiltBlock[]): LiveLedger => {
        const writer = writeProgressively(blocksDir, chain.channel, blocks, BLOCK_INTERVAL);
        writers.push(writer);
        return writer;
    };

    const checkpointOf = async (): Promise<number> => {
        const { rows } = await database.pool.query<{ next_block: string }>('SELECT next_block FROM checkpoints WHERE channel = $1', [chain.channel]);
        return Number(rows[0]?.next_block ?? 0);
    };

    const outboxOf = async () => {
        const { rows } = await database.pool.query<{ total: number; pending: number }>(
            `SELECT count(*)::int AS total, count(*) FILTER (WHERE published_at IS NULL)::int AS pending FROM outbox WHERE channel = $1`,
            [chain.channel],
        );
        return rows[0]!;
    };

    const unpublishedIds = async (): Promise<Set<string>> => {
        const { rows } = await database.pool.query<{ msg_id: string }>('SELECT msg_id FROM outbox WHERE channel = $1 AND published_at IS NULL', [
            chain.channel,
        ]);
        return new Set(rows.map((row) => row.msg_id));
    };

    /** The PostgreSQL sessions of the indexer processes this test starts. */
    const indexerSessions = async (): Promise<number> => {
        const { rows } = await database.pool.query<{ sessions: number }>('SELECT count(*)::int AS sessions FROM pg_stat_activity WHERE application_name = $1', [INDEXER_SESSION]);
        return rows[0]?.sessions ?? 0;
    };

    const messagesInStream = (): Promise<number> => countInStream(manager, chain.channel);

    /** True when JetStream holds more of the channel's messages than the outbox has marked published (read in that order). */
    const publishingInFlight = async (): Promise<boolean> => {
        const inStream = await messagesInStream();
        const { total, pending } = await outboxOf();
        return inStream > total - pending;
    };

    const messageIdsInStream = (): Promise<string[]> => idsInStream(manager, js, chain.channel);

    function startIndexer(port: number): IndexerProcess {
        const indexer = new IndexerProcess({
            INDEXER_CLUB: 'HarbourMSP',
            INDEXER_BLOCKS_DIR: blocksDir,
            INDEXER_CHANNELS: chain.channel,
            DATABASE_URL: sessionsNamed(database.options.connectionString),
            INDEXER_SCHEMA: database.options.schema,
            NATS_SERVERS: natsServers().join(','),
            INDEXER_HTTP_PORT: String(port),
            LOG_LEVEL: 'info',
        });
        running.push(indexer);
        return indexer;
    }

    async function readiness(port: number): Promise<{ status: number; checks: Record<string, boolean> } | undefined> {
        try {
            const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
            const body = (await response.json()) as { checks: Record<string, boolean> };
            return { status: response.status, checks: body.checks };
        } catch {
            return undefined;
        }
    }

    /** Waits until the whole chain is indexed and every notification acknowledged by JetStream. */
    async function caughtUp(indexer: IndexerProcess): Promise<void> {
        await until('the checkpoint after the last block', async () => (await checkpointOf()) === chain.blocks.length, indexer);
        await until('an empty outbox', async () => (await outboxOf()).pending === 0, indexer);
    }

    /** Every transaction once, the read model equal to the ledger's world state, every notification in JetStream once. */
    async function expectCompleteIndex(): Promise<void> {
        const checkpoint = await database.pool.query('SELECT next_block::int, next_tx_index FROM checkpoints WHERE channel = $1', [chain.channel]);
        expect(checkpoint.rows).to.deep.equal([{ next_block: chain.blocks.length, next_tx_index: 0 }]);

        const blocks = await database.pool.query<{ n: number }>('SELECT block_number::int AS n FROM blocks WHERE channel = $1 ORDER BY 1', [
            chain.channel,
        ]);
        expect(blocks.rows.map((row) => row.n)).to.deep.equal(chain.blocks.map((_, number) => number));
        const history = await database.pool.query<{ block: number; tx_index: number; tx_id: string }>(
            'SELECT block_number::int AS block, tx_index, tx_id FROM transactions WHERE channel = $1 ORDER BY block_number, tx_index',
            [chain.channel],
        );
        expect(history.rows).to.deep.equal(chain.transactions.map(({ blockNumber, txIndex, txId }) => ({ block: Number(blockNumber), tx_index: txIndex, tx_id: txId })));

        for (const [table, entities] of Object.entries(worldStateByTable(burst.ledger))) {
            expect(await differencesFrom(table, entities), table).to.deep.equal({ rows: entities.length, missing: [], unexpected: [] });
        }

        const expected = expectedMessageIds(chain);
        expect(await outboxOf()).to.deep.equal({ total: expected.length, pending: 0 });
        const counts = new Map<string, number>();
        for (const id of await messageIdsInStream()) {
            counts.set(id, (counts.get(id) ?? 0) + 1);
        }
        expect([...counts].filter(([, count]) => count > 1), 'messages held more than once').to.deep.equal([]);
        expect(expected.filter((id) => !counts.has(id)), 'messages missing').to.deep.equal([]);
        expect(counts.size, 'messages held').to.equal(expected.length);
    }

    /** A table's rows of the channel against the world state's entities, compared as multisets of JSON values. */
    async function differencesFrom(table: string, entities: readonly unknown[]) {
        const { rows } = await database.pool.query<{ side: 'missing' | 'unexpected'; data: unknown }>(
            `SELECT 'missing' AS side, data FROM (SELECT value AS data FROM jsonb_array_elements($2::jsonb)
                                                  EXCEPT ALL SELECT data FROM ${table} WHERE channel = $1) AS missing
             UNION ALL
             SELECT 'unexpected', data FROM (SELECT data FROM ${table} WHERE channel = $1
                                             EXCEPT ALL SELECT value FROM jsonb_array_elements($2::jsonb)) AS unexpected`,
            [chain.channel, JSON.stringify(entities)],
        );
        const count = await database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE channel = $1`, [chain.channel]);
        return {
            rows: count.rows[0]!.n,
            missing: rows.filter((row) => row.side === 'missing').map((row) => row.data),
            unexpected: rows.filter((row) => row.side === 'unexpected').map((row) => row.data),
        };
    }

    before(async function () {
        this.timeout(180_000);
        await run('npx', ['tsc', '--build', 'event-indexer'], { cwd: ROOT });
        burst = await recordBurst({ membersPerClub: 12, visitsPerMember: 7 });
        blocksDir = await mkdtemp(path.join(tmpdir(), 'rcn-resilience-'));
        nats = await connectNats();
        manager = await ensureNotificationStream(nats);
        js = jetstream(nats);
    });

    beforeEach(async () => {
        database = await freshDatabase();
        databases.push(database);
        chain = chainOf(burst, `res${randomBytes(4).toString('hex')}`);
    });

    afterEach(async () => {
        for (const writer of writers.splice(0)) {
            writer.stop();
            await writer.done;
        }
        await Promise.all(running.splice(0).map((indexer) => indexer.kill('SIGKILL')));
        if (stoppedNeighbour) {
            stoppedNeighbour = false;
            await network('up');
        }
        await Promise.all(databases.splice(0).map((created) => created.drop()));
    });

    after(async () => {
        await nats.drain();
        await rm(blocksDir, { recursive: true, force: true });
    });

    it('loses, repeats and re-announces nothing when killed with SIGKILL three times during a burst of 600 transactions', async () => {
        expect(burst.events).to.have.length.above(600);
        live(chain.blocks);
        let indexer = startIndexer(17470);
        let resendsAwaited = 0;
        let unpublishedAtKills = 0;
        for (const share of [0.25, 0.5, 0.75]) {
            await until(`${share * 100}% of the chain indexed`, async () => (await checkpointOf()) >= share * chain.blocks.length, indexer);
            // Aim, for a while, at a publishing round that has sent messages it has not yet marked published.
            const aimUntil = Date.now() + 1_500;
            while (Date.now() < aimUntil && !(await publishingInFlight())) {
                // polling as fast as NATS and PostgreSQL answer
            }
            await indexer.kill('SIGKILL');
            // The killed process's last COMMIT may still be on its way to the server: read the outbox once its sessions are gone.
            await until('the killed indexer’s sessions to end', async () => (await indexerSessions()) === 0);

            const unpublished = await unpublishedIds();
            const inStream = new Set(await messageIdsInStream());
            const resendable = [...unpublished].filter((id) => inStream.has(id)).length;
            unpublishedAtKills += unpublished.size;
            resendsAwaited += resendable;

            indexer = startIndexer(17470);
            // The new process sends every unpublished row again; JetStream drops those it already holds.
            await until(`${resendable} re-sends acknowledged as duplicates`, () => Promise.resolve(indexer.duplicatesLogged >= resendable), indexer);
        }
        await caughtUp(indexer);

        await expectCompleteIndex();
        const duplicates = running.reduce((sum, process) => sum + process.duplicatesLogged, 0);
        expect(duplicates, 're-sends JetStream dropped').to.be.at.least(resendsAwaited).and.at.most(unpublishedAtKills);
    });

    it('loses and repeats nothing when killed with SIGKILL inside the database transaction of a batch of several blocks', async () => {
        // The whole chain is committed before the indexer starts, so it catches up in batches of several blocks.
        await writeBlockFiles(blocksDir, chain.channel, chain.blocks);
        const holder = await database.pool.connect();
        const lockKey = randomBytes(6).readUIntBE(0, 6);
        try {
            // A batch spanning two blocks or more waits at its checkpoint, every row of it written, until the lock is released.
            await database.pool.query(`
                CREATE FUNCTION hold_multi_block_checkpoint() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.next_block - OLD.next_block >= 2 THEN
                        PERFORM pg_advisory_xact_lock(${lockKey.toString()});
                    END IF;
                    RETURN NEW;
                END $$;
                CREATE TRIGGER hold_multi_block_checkpoint BEFORE UPDATE ON checkpoints
                    FOR EACH ROW EXECUTE FUNCTION hold_multi_block_checkpoint()`);
            await holder.query('SELECT pg_advisory_lock($1)', [lockKey]);
            const indexer = startIndexer(17473);

            const held = await until('a batch of several blocks waiting at its checkpoint', async () => {
                const { rows } = await database.pool.query<{ pid: number }>(
                    `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
                    [INDEXER_SESSION],
                );
                return rows[0]?.pid;
            }, indexer);
            const { rows: written } = await database.pool.query<{ name: string }>(
                `SELECT relation::regclass::text AS name FROM pg_locks WHERE pid = $1 AND mode = 'RowExclusiveLock' AND locktype = 'relation'`,
                [held],
            );
            expect(written.map(({ name }) => name), 'tables the open batch wrote').to.include.members(['blocks', 'transactions', 'outbox']);
            const committed = await checkpointOf();

            await indexer.kill('SIGKILL');
            await holder.query('SELECT pg_advisory_unlock($1)', [lockKey]);
            await until('the killed indexer’s sessions to end', async () => (await indexerSessions()) === 0);

            // Nothing of the killed batch is in the index: it ends where the last committed checkpoint says.
            expect(await checkpointOf(), 'the checkpoint').to.equal(committed);
            const indexed = chain.transactions.filter(({ blockNumber }) => Number(blockNumber) < committed);
            const { rows: history } = await database.pool.query<{ blocks: number; transactions: number; messages: number }>(
                `SELECT (SELECT count(*)::int FROM blocks WHERE channel = $1) AS blocks,
                        (SELECT count(*)::int FROM transactions WHERE channel = $1) AS transactions,
                        (SELECT count(*)::int FROM outbox WHERE channel = $1) AS messages`,
                [chain.channel],
            );
            const messages = expectedMessageIds(chain).filter((id) => Number(id.split(':')[1]) < committed);
            expect(history).to.deep.equal([{ blocks: committed, transactions: indexed.length, messages: messages.length }]);
        } finally {
            holder.release();
        }
        await database.pool.query('DROP TRIGGER hold_multi_block_checkpoint ON checkpoints');

        const restarted = startIndexer(17473);
        await caughtUp(restarted);

        await expectCompleteIndex();
    });

    it('keeps indexing while NATS is down, reports not ready, and delivers every notification exactly once when it is back', async () => {
        const port = 17471;
        const indexer = startIndexer(port);
        const head = live(chain.blocks.slice(0, 40));
        await until('block 25 indexed', async () => (await checkpointOf()) >= 25, indexer);
        try {
            await stopNeighbour('nats');
            await head.done;
            await live(chain.blocks.slice(40, 70)).done;

            await until('the blocks committed while NATS is down indexed', async () => (await checkpointOf()) === 70, indexer);
            expect((await outboxOf()).pending, 'notifications waiting in the outbox').to.be.greaterThan(0);
            const notReady = await until('readiness to report NATS unreachable', async () => {
                const ready = await readiness(port);
                return ready?.checks.nats === false && ready;
            }, indexer);
            expect(notReady).to.deep.equal({ status: 503, checks: { postgres: true, nats: false } });
        } finally {
            await network('up');
        }
        live(chain.blocks.slice(70));
        await caughtUp(indexer);
        await until('readiness', async () => (await readiness(port))?.status === 200, indexer);

        await expectCompleteIndex();
    });

    it('waits while PostgreSQL restarts, reports not ready, then resumes by itself and catches up', async () => {
        const port = 17472;
        const indexer = startIndexer(port);
        const head = live(chain.blocks.slice(0, 40));
        await until('block 25 indexed', async () => (await checkpointOf()) >= 25, indexer);
        try {
            await stopNeighbour('postgres');
            await head.done;
            await live(chain.blocks.slice(40, 70)).done;
            const notReady = await until('readiness to report PostgreSQL unreachable', async () => {
                const ready = await readiness(port);
                return ready?.checks.postgres === false && ready;
            }, indexer);
            expect(notReady).to.deep.equal({ status: 503, checks: { postgres: false, nats: true } });
        } finally {
            await network('up');
        }
        live(chain.blocks.slice(70));
        await caughtUp(indexer);
        await until('readiness', async () => (await readiness(port))?.status === 200, indexer);
        expect(indexer.alive, 'the same process resumed').to.be.true;

        await expectCompleteIndex();
    });
});
