import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { freshDatabase } from '../event-indexer/test/support/database.js';
import type { WriterJob, WriterReport } from './support/block-writer-process.js';
import { BENCH_STATE_DIR, type ChainShape, benchChain, describeChain } from './support/bench-chain.js';
import { runChannel } from './support/channel-run.js';
import { firstMessage, forkTypeScript } from './support/child-process.js';
import { type BenchReport, progress } from './support/report.js';
import { formatMs, percentiles } from './support/stats.js';

const NAME = 'indexer-live-lag';
/** The bar on the 95th percentile of commit-to-visible lag. */
const P95_BAR_MS = 250;
/** The indexer's own default (FileBlockSource), as a deployment following block files runs it. */
const POLL_INTERVAL_MS = 50;
/** Time the indexer may take past the last block's slot before the run is called failed. */
const GRACE_MS = 60_000;

export interface LiveLagOptions {
    readonly chain: ChainShape;
    readonly regenerate: boolean;
    readonly blocksPerSecond: number;
    readonly seconds: number;
}

/** An indexer following a channel while blocks are committed at a steady rate: how soon each block's rows are visible. */
export async function indexerLiveLag(options: LiveLagOptions): Promise<BenchReport> {
    const chain = await benchChain(options.chain, { regenerate: options.regenerate, log: (message) => { progress(NAME, message); } });
    const blocks = Math.min(chain.blocks, Math.max(1, Math.round(options.blocksPerSecond * options.seconds)));
    const liveDir = path.join(BENCH_STATE_DIR, `live-${randomBytes(4).toString('hex')}`);
    const database = await freshDatabase();
    const visibleAt = new Map<bigint, bigint>();
    try {
        progress(NAME, `committing ${blocks.toString()} blocks at ${options.blocksPerSecond.toString()} blocks/s while the indexer follows them`);
        const timeoutMs = (blocks / options.blocksPerSecond) * 1000 + GRACE_MS;
        const indexing = runChannel({
            dir: liveDir,
            channel: chain.channel,
            pool: database.pool,
            lastBlock: BigInt(blocks - 1),
            timeoutMs,
            pollIntervalMs: POLL_INTERVAL_MS,
            onCommitted: (blockNumber, at) => visibleAt.set(blockNumber, at),
        });
        const job: WriterJob = { sourceDir: chain.dir, targetDir: liveDir, channel: chain.channel, blocks, blocksPerSecond: options.blocksPerSecond };
        const writer = forkTypeScript(new URL('./support/block-writer-process.ts', import.meta.url), [JSON.stringify(job)]);
        const [report] = await Promise.all([firstMessage<WriterReport>(writer, timeoutMs, 'the block writer'), indexing]);

        const lagMs = report.committedAt.map((committed, n) => {
            const visible = visibleAt.get(BigInt(n));
            if (visible === undefined) {
                throw new Error(`block ${n.toString()} was written but never reported applied`);
            }
            return Number(visible - BigInt(committed)) / 1e6;
        });
        const lag = percentiles(lagMs);
        const transactions = await database.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM transactions');
        const indexedTransactions = transactions.rows[0]?.count ?? 0;
        return {
            benchmark: NAME,
            figures: [
                { figure: 'commit → rows visible p50', measured: formatMs(lag.p50) },
                { figure: 'commit → rows visible p95', measured: formatMs(lag.p95), bar: `p95 < ${P95_BAR_MS.toString()} ms`, meetsBar: lag.p95 < P95_BAR_MS },
            ],
            notes: [
                describeChain(chain),
                `load: blocks 0–${(blocks - 1).toString()} of that chain (${indexedTransactions.toLocaleString('en-US')} transactions) committed at ` +
                    `${options.blocksPerSecond.toString()} blocks/s for ${(blocks / options.blocksPerSecond).toFixed(0)} s by a separate writer process; ` +
                    `max lag ${formatMs(Math.max(...lagMs))}`,
                '"commit" here is the block file appearing (renamed into place after being written aside), not a peer\'s commit event; ' +
                    '"visible" is the channel loop reporting the block applied, which happens after its database transaction committed',
                `the indexer follows the folder with FileBlockSource polling every ${POLL_INTERVAL_MS.toString()} ms (its default), so up to ` +
                    `${POLL_INTERVAL_MS.toString()} ms of each lag is polling that a peer's block event stream would not add`,
            ],
        };
    } finally {
        await database.drop();
        await rm(liveDir, { recursive: true, force: true });
    }
}
