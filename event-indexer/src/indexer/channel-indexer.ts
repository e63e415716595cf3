import type pg from 'pg';
import type { Logger } from 'pino';
import { parseBlock } from '../blocks/parse-block.js';
import type { ParsedBlock } from '../blocks/parsed-block.js';
import type { BlockSource, DeliveredBlock } from '../source/block-source.js';
import { type BlockOutcome, type BlockWriterOptions, applyBlocks } from '../store/block-writer.js';
import { readCheckpoint } from '../store/checkpoint.js';
import type { IndexerMetrics } from './metrics.js';
import { readAhead } from './read-ahead.js';
import { retryUntilAborted } from './retry-until-aborted.js';

/** Transactions applied in one database transaction at most, while the index is behind. */
export const DEFAULT_BATCH_TRANSACTIONS = 500;

export interface ChannelIndexerOptions {
    readonly channel: string;
    readonly pool: pg.Pool;
    readonly source: BlockSource;
    readonly writer: BlockWriterOptions;
    readonly logger: Logger;
    readonly metrics: IndexerMetrics;
    /** Transactions per database transaction at most while behind (whole blocks; a larger block goes alone). */
    readonly batchTransactions?: number;
    /** Backoff between failed attempts to stream, in milliseconds. */
    readonly retry?: { readonly minTimeout: number; readonly maxTimeout: number };
    /** Called after each applied block (tests and benchmarks wait on it). */
    readonly onBlock?: (blockNumber: bigint, outcome: BlockOutcome) => void;
}

/**
 * Streams one channel into the index until `signal` aborts. Every (re)connection starts from the
 * checkpoint stored with the rows, so a peer, PostgreSQL or process restart neither skips nor repeats.
 * Blocks are read and decoded ahead while the previous ones are written: caught up, each block is applied
 * as soon as it arrives; behind, the blocks that arrived meanwhile are applied together, in one database
 * transaction with one checkpoint. Failures back off exponentially; an attempt that applied blocks before
 * failing resets the backoff.
 */
export async function indexChannel(options: ChannelIndexerOptions, signal: AbortSignal): Promise<void> {
    const { channel, logger } = options;
    while (!signal.aborted) {
        await retryUntilAborted(() => streamOnce(options, signal), {
            minTimeout: options.retry?.minTimeout ?? 500,
            maxTimeout: options.retry?.maxTimeout ?? 30_000,
            signal,
            onFailedAttempt: (error) => {
                options.metrics.errors.inc({ channel, stage: 'stream' });
                logger.warn({ channel, attempt: error.attemptNumber, err: error }, 'block stream failed; retrying');
            },
        });
    }
}

/** Streams from the checkpoint until the stream ends; throws when it ended or failed before applying anything. */
async function streamOnce(options: ChannelIndexerOptions, signal: AbortSignal): Promise<void> {
    const { channel, pool, source, logger, metrics } = options;
    const { nextBlock } = await readCheckpoint(pool, channel);
    logger.info({ channel, startBlock: nextBlock.toString() }, 'streaming blocks');
    const blocks = await source.blocksFrom(channel, nextBlock);
    const closeOnAbort = () => { blocks.close(); };
    signal.addEventListener('abort', closeOnAbort, { once: true });
    let applied = 0;
    try {
        const batches = readAhead(parsed(channel, blocks), {
            weigh: (block) => Math.max(1, block.transactions.length),
            limit: options.batchTransactions ?? DEFAULT_BATCH_TRANSACTIONS,
        });
        for await (const batch of batches) {
            // Stopping: what was read ahead stays for the next start.
            if (signal.aborted) {
                break;
            }
            const stopTimer = metrics.blockSeconds.startTimer({ channel });
            const indexed = await applyBlocks(pool, batch, options.writer);
            stopTimer();
            for (const { block, outcome } of indexed) {
                record(options, block, outcome);
                options.onBlock?.(block.number, outcome);
            }
            applied += batch.length;
        }
        if (applied === 0 && !signal.aborted) {
            throw new Error(`the block stream of ${channel} ended without delivering a block`);
        }
    } catch (error) {
        if (signal.aborted) {
            // Closing the stream to stop ends it with CANCELLED: nothing failed.
            return;
        }
        if (applied === 0) {
            throw error;
        }
        metrics.errors.inc({ channel, stage: 'stream' });
        logger.warn({ channel, err: error, applied }, 'block stream broke after progress; reopening from the checkpoint');
    } finally {
        signal.removeEventListener('abort', closeOnAbort);
        blocks.close();
    }
}

async function* parsed(channel: string, blocks: AsyncIterable<DeliveredBlock>): AsyncGenerator<ParsedBlock> {
    for await (const delivered of blocks) {
        yield parseBlock(channel, delivered.block, delivered.privateData);
    }
}

function record(options: ChannelIndexerOptions, { number: blockNumber, transactions }: ParsedBlock, outcome: BlockOutcome): void {
    const { channel, metrics, logger } = options;
    if (outcome.alreadyIndexed) {
        return;
    }
    metrics.blocks.inc({ channel });
    metrics.lastBlock.set({ channel }, Number(blockNumber));
    for (const tx of transactions.slice(outcome.skipped)) {
        metrics.transactions.inc({ channel, validation_code: tx.validationCode });
    }
    const newest = transactions.at(-1);
    if (newest !== undefined) {
        metrics.lagSeconds.set({ channel }, Math.max(0, (Date.now() - newest.timestamp.getTime()) / 1000));
    }
    for (const skipped of outcome.unprojected) {
        metrics.unprojected.inc({ channel });
        logger.warn({ channel, block: blockNumber.toString(), txId: skipped.txId, reason: skipped.reason }, 'transaction recorded but not projected');
    }
}
