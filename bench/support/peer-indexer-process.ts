import { pino } from 'pino';
import { indexChannel } from '../../event-indexer/src/indexer/channel-indexer.js';
import { IndexerMetrics } from '../../event-indexer/src/indexer/metrics.js';
import { type DatabaseOptions, openPool } from '../../event-indexer/src/store/database.js';
import { CheckoutTimer } from './channel-run.js';
import { serveParent } from './child-main.js';
import { connectAsIndexer } from './club-indexer.js';
import { msSince } from './stats.js';

/**
 * A child process running a club's indexer loop (indexChannel over GatewayBlockSource, configured and connected as
 * the club's production indexer) into a fresh schema: it reports once it has caught up to `lastBlock`, then keeps
 * following the chain until the parent names the last block to wait for, and reports when each block after
 * `lastBlock` became visible. NATS is left out: the publisher drains the outbox apart from the loop.
 */

export interface PeerIndexerJob {
    readonly club: string;
    readonly channel: string;
    /** A migrated schema. */
    readonly database: DatabaseOptions;
    /** Decimal: caught up once this block is applied. */
    readonly lastBlock: string;
}

export interface CaughtUp {
    /** From starting the loop to `lastBlock` applied. */
    readonly seconds: number;
    /** Per block up to `lastBlock`: the database transaction that applied it (see CheckoutTimer). */
    readonly applyMs: readonly number[];
    /** The process's peak resident set from its start to the moment it caught up (getrusage's ru_maxrss). */
    readonly peakRssBytes: number;
    /** The resident set as the loop started: the runtime, the TypeScript loader and the modules, before any block. */
    readonly startRssBytes: number;
    /** CPU seconds (user + system) of the process from starting the loop to the moment it caught up. */
    readonly cpuSeconds: number;
}

/** The parent's word to stop once this block (decimal) is applied. */
export interface StopAfter {
    readonly stopAfter: string;
}

export interface Followed {
    /** `[block, process.hrtime.bigint() when its rows were committed]` for each block after `lastBlock`, as decimals. */
    readonly visibleAt: readonly (readonly [string, string])[];
}

/** The first message: the final one, Followed, is serveParent's. */
function sendCaughtUp(message: CaughtUp): void {
    process.send?.(message);
}

async function follow(job: PeerIndexerJob): Promise<Followed> {
    const ledger = await connectAsIndexer(job.club);
    const pool = openPool(job.database);
    const checkouts = new CheckoutTimer(pool);
    const lastBlock = BigInt(job.lastBlock);
    const abort = new AbortController();
    const applyMs: number[] = [];
    const visibleAt: (readonly [string, string])[] = [];
    let applied = -1n;
    let stopAfter: bigint | undefined;
    const logger = pino({ level: 'warn' });
    process.on('message', (message: StopAfter) => {
        stopAfter = BigInt(message.stopAfter);
        // Stopping cancels the block stream, which the loop reports as a warning.
        logger.level = 'error';
        if (applied >= stopAfter) abort.abort();
    });
    const startRssBytes = process.memoryUsage().rss;
    const cpuAtStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    try {
        await indexChannel(
            {
                channel: job.channel,
                pool,
                source: ledger.source,
                writer: { chaincodeName: ledger.config.chaincodeName, ownClub: ledger.config.club },
                batchTransactions: ledger.config.batchTransactions,
                logger,
                metrics: new IndexerMetrics(),
                onBlock: (blockNumber) => {
                    const at = process.hrtime.bigint();
                    applied = blockNumber;
                    if (blockNumber > lastBlock) {
                        visibleAt.push([blockNumber.toString(), at.toString()]);
                    } else {
                        applyMs.push(checkouts.lastMs);
                    }
                    if (blockNumber === lastBlock) {
                        const cpu = process.cpuUsage(cpuAtStart);
                        sendCaughtUp({
                            seconds: msSince(started, at) / 1000,
                            applyMs,
                            peakRssBytes: process.resourceUsage().maxRSS * 1024,
                            startRssBytes,
                            cpuSeconds: (cpu.user + cpu.system) / 1e6,
                        });
                    }
                    if (stopAfter !== undefined && blockNumber >= stopAfter) abort.abort();
                },
            },
            abort.signal,
        );
        return { visibleAt };
    } finally {
        checkouts.detach();
        await pool.end();
        ledger.close();
    }
}

serveParent('the peer indexer', follow);
