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
    const checkouts = new CheckoutTimer(pool);

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
                    applyMs.push(checkouts.lastMs);
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
        checkouts.detach();
    }
    if (end.at === undefined) {
        throw new Error(`the indexer did not apply block ${lastBlock.toString()} within ${options.timeoutMs.toString()} ms`);
    }
    return { seconds: msSince(started, end.at) / 1000, applyMs };
}

/**
 * How long the pool's latest checkout lasted, from taking a connection to releasing it: while the channel loop is the
 * pool's only user, the whole database transaction of applyBlocks.
 */
export class CheckoutTimer {
    readonly #pool: pg.Pool;
    #takenAt: bigint | undefined;
    #lastMs = Number.NaN;
    readonly #onAcquire = () => {
        this.#takenAt = process.hrtime.bigint();
    };
    readonly #onRelease = () => {
        if (this.#takenAt !== undefined) {
            this.#lastMs = msSince(this.#takenAt);
        }
    };

    constructor(pool: pg.Pool) {
        this.#pool = pool;
        pool.on('acquire', this.#onAcquire);
        pool.on('release', this.#onRelease);
    }

    get lastMs(): number {
        return this.#lastMs;
    }

    detach(): void {
        this.#pool.off('acquire', this.#onAcquire);
        this.#pool.off('release', this.#onRelease);
    }
}
