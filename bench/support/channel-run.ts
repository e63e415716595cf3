import type pg from 'pg';
import { pino } from 'pino';
import { indexChannel } from '../../event-indexer/src/indexer/channel-indexer.js';
import { IndexerMetrics } from '../../event-indexer/src/indexer/metrics.js';
import { FileBlockSource } from '../../event-indexer/src/source/file-block-source.js';
import { TEST_CHAINCODE, TEST_CLUB } from '../../event-indexer/test/support/block-builder.js';
import { msSince } from './stats.js';

export interface ChannelRunOptions {
    /** Folder of block files `<dir>/<channel>/<n>.block`. */
    readonly dir: string;
    readonly channel: string;
    /** A migrated schema's pool, as the indexer opens it. */
    readonly pool: pg.Pool;
    /** The run ends once this block is applied. */
    readonly lastBlock: bigint;
    readonly timeoutMs: number;
    /** How often FileBlockSource looks for a block not written yet; its default when absent. */
    readonly pollIntervalMs?: number;
    /** Called once each block's rows are committed, with the `process.hrtime.bigint()` reading of that moment. */
    readonly onCommitted?: (blockNumber: bigint, at: bigint) => void;
}

export interface ChannelRun {
    readonly seconds: number;
    /** Per block: from taking a connection to releasing it after COMMIT (applyBlock's whole database transaction). */
    readonly applyMs: readonly number[];
}

/**
 * The indexer's own channel loop (FileBlockSource → parseBlock → applyBlock, the checkpoint in each block's
 * transaction) from the schema's checkpoint until `lastBlock`. Only the NATS publisher is left out: it drains the
 * outbox apart from the loop.
 */
export async function runChannel(options: ChannelRunOptions): Promise<ChannelRun> {
    const { pool, lastBlock } = options;
    const applyMs: number[] = [];
    let takenAt: bigint | undefined;
    let lastApplyMs = Number.NaN;
    const onAcquire = () => {
        takenAt = process.hrtime.bigint();
    };
    const onRelease = () => {
        if (takenAt !== undefined) {
            lastApplyMs = msSince(takenAt);
        }
    };
    pool.on('acquire', onAcquire);
    pool.on('release', onRelease);

    const abort = new AbortController();
    const end: { at?: bigint } = {};
    const timer = setTimeout(() => {
        abort.abort();
    }, options.timeoutMs);
    const started = process.hrtime.bigint();
    try {
        await indexChannel(
            {
                channel: options.channel,
                pool,
                source: new FileBlockSource(options.dir, options.pollIntervalMs),
                writer: { chaincodeName: TEST_CHAINCODE, ownClub: TEST_CLUB },
                logger: pino({ level: 'warn' }),
                metrics: new IndexerMetrics(),
                onBlock: (blockNumber) => {
                    const at = process.hrtime.bigint();
                    applyMs.push(lastApplyMs);
                    options.onCommitted?.(blockNumber, at);
                    if (blockNumber >= lastBlock) {
                        end.at = at;
                        abort.abort();
                    }
                },
            },
            abort.signal,
        );
    } finally {
        clearTimeout(timer);
        pool.off('acquire', onAcquire);
        pool.off('release', onRelease);
    }
    if (end.at === undefined) {
        throw new Error(`the indexer did not apply block ${lastBlock.toString()} within ${options.timeoutMs.toString()} ms`);
    }
    return { seconds: msSince(started, end.at) / 1000, applyMs };
}
