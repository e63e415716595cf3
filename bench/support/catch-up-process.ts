import type { DatabaseOptions } from '../../event-indexer/src/store/database.js';
import { openPool } from '../../event-indexer/src/store/database.js';
import { type ChannelRun, runChannel } from './channel-run.js';
import { serveParent } from './child-main.js';

/**
 * A child process that catches a fresh index up on a chain with the indexer's own channel loop (runChannel) and
 * reports, besides the run, its peak resident set: a process holding the indexer and nothing of the benchmark
 * harness, as the indexer's own process would.
 */

export interface CatchUpJob {
    readonly dir: string;
    readonly channel: string;
    /** A migrated schema. */
    readonly database: DatabaseOptions;
    /** Decimal: the run ends once this block is applied. */
    readonly lastBlock: string;
    readonly timeoutMs: number;
}

export interface CatchUpReport extends ChannelRun {
    /** The process's peak resident set from its start (getrusage's ru_maxrss). */
    readonly peakRssBytes: number;
    /** CPU seconds (user + system) of the process during the run. */
    readonly cpuSeconds: number;
}

async function catchUp(job: CatchUpJob): Promise<CatchUpReport> {
    const pool = openPool(job.database);
    try {
        const cpuAtStart = process.cpuUsage();
        const run = await runChannel({ dir: job.dir, channel: job.channel, pool, lastBlock: BigInt(job.lastBlock), timeoutMs: job.timeoutMs });
        const cpu = process.cpuUsage(cpuAtStart);
        return { ...run, peakRssBytes: process.resourceUsage().maxRSS * 1024, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
    } finally {
        await pool.end();
    }
}

serveParent('the catch-up', catchUp);
