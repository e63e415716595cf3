import { parseBlock } from '../event-indexer/src/blocks/parse-block.js';
import { FileBlockSource } from '../event-indexer/src/source/file-block-source.js';
import { freshDatabase, networkProfile } from '../event-indexer/test/support/database.js';
import { type BenchChain, type ChainShape, benchChain, describeChain } from './support/bench-chain.js';
import { catchUpFigures } from './support/catch-up-figures.js';
import type { CatchUpJob, CatchUpReport } from './support/catch-up-process.js';
import { firstMessage, forkTypeScript } from './support/child-process.js';
import { type ReadingPass, cpuTable, withComponentCpu } from './support/component-cpu.js';
import { type BenchReport, progress } from './support/report.js';
import { msSince } from './support/stats.js';

const NAME = 'indexer-catch-up';
/** Decoded before the measured pass, so neither side pays for JIT warm-up or a cold page cache. */
const WARM_UP_BLOCKS = 200n;
/** Time the catch-up process may take to start (the TypeScript loader) besides the run's own timeout. */
const CHILD_START_MS = 60_000;

export interface CatchUpOptions {
    readonly chain: ChainShape;
    readonly regenerate: boolean;
    readonly timeoutMs: number;
}

/** A fresh index catching up on a whole chain from block 0, against a stream that only reads and decodes the same blocks. */
export async function indexerCatchUp(options: CatchUpOptions): Promise<BenchReport> {
    const chain = await benchChain(options.chain, { regenerate: options.regenerate, log: (message) => { progress(NAME, message); } });
    const lastBlock = BigInt(chain.blocks - 1);

    progress(NAME, 'raw stream: reading and decoding every block');
    await decodeStream(chain, lastBlock < WARM_UP_BLOCKS ? lastBlock : WARM_UP_BLOCKS, options.timeoutMs);
    const { stateDir } = networkProfile();
    const raw = await withComponentCpu(stateDir, () => decodeStream(chain, lastBlock, options.timeoutMs));

    progress(NAME, 'indexer: applying every block to a fresh schema');
    const database = await freshDatabase();
    try {
        const job: CatchUpJob = { dir: chain.dir, channel: chain.channel, database: database.options, lastBlock: lastBlock.toString(), timeoutMs: options.timeoutMs };
        const child = forkTypeScript(new URL('./support/catch-up-process.ts', import.meta.url), [JSON.stringify(job)]);
        const indexed = await withComponentCpu(stateDir, () => firstMessage<CatchUpReport>(child, options.timeoutMs + CHILD_START_MS, 'the catch-up process'));
        return {
            benchmark: NAME,
            figures: catchUpFigures('catch-up throughput (tx/s)', chain.transactions, indexed, raw),
            notes: [
                describeChain(chain),
                `indexer: the channel loop (FileBlockSource → parseBlock → applyBlocks: history, projections, outbox, checkpoint in one ` +
                    `database transaction per batch of blocks) into a fresh migrated schema, in a process of its own, ` +
                    `${chain.transactions.toLocaleString('en-US')} transactions in ${indexed.seconds.toFixed(1)} s; the NATS publisher does not ` +
                    'run (it drains the outbox apart from the loop)',
                `decode only: FileBlockSource + parseBlock over the same ${chain.blocks.toLocaleString('en-US')} block files, ` +
                    `${raw.seconds.toFixed(2)} s, after a warm-up pass over the first ${WARM_UP_BLOCKS.toString()} blocks`,
                'block apply time: the database transaction that applied the block, from taking a pooled connection to releasing it after ' +
                    'COMMIT; while catching up one transaction applies a batch of blocks, and each block of it counts that time',
                "peak RSS: the catch-up process's peak resident set from its start (getrusage's ru_maxrss), TypeScript loader included",
                "CPU table: each pass from its start to its last block (the catch-up's from forking its process, so its wall time " +
                    "includes the process's start; the process's own CPU from its loop's start); the product's components from /proc " +
                    "(test-network.sh's pid files, with descendants: PostgreSQL's backends are the postmaster's children); the whole " +
                    'machine from the kernel\'s per-core times, so whatever else runs meanwhile shows as the difference',
            ],
            tables: [cpuTable(raw, indexed)],
        };
    } finally {
        await database.drop();
    }
}

interface StreamRun extends ReadingPass {
    readonly transactions: number;
    readonly seconds: number;
}

/** Reads and decodes blocks 0 to `lastBlock` as the indexer's loop does, writing nothing. */
async function decodeStream(chain: BenchChain, lastBlock: bigint, timeoutMs: number): Promise<StreamRun> {
    const cpuAtStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const blocks = await new FileBlockSource(chain.dir).blocksFrom(chain.channel, 0n);
    // A missing block file would keep the source polling: closing it ends the loop.
    const timer = setTimeout(() => {
        blocks.close();
    }, timeoutMs);
    let transactions = 0;
    let reached = false;
    try {
        for await (const delivered of blocks) {
            const parsed = parseBlock(chain.channel, delivered.block, delivered.privateData);
            transactions += parsed.transactions.length;
            if (parsed.number >= lastBlock) {
                reached = true;
                break;
            }
        }
    } finally {
        clearTimeout(timer);
        blocks.close();
    }
    if (!reached) {
        throw new Error(`the block files stop before block ${lastBlock.toString()}, or reading them took over ${timeoutMs.toString()} ms`);
    }
    const cpu = process.cpuUsage(cpuAtStart);
    return { transactions, seconds: msSince(started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}
