import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ChainBlockSpec, TEST_CHANNEL, buildChain } from '../../event-indexer/test/support/block-builder.js';
import { runJourney, writeBlockFiles } from '../../event-indexer/test/support/journey.js';
import { replicateVisitBlock, visitBlocks, visitTransactionIds } from './visit-replicas.js';

/** Where generated chains are kept between runs: under the local network's ignored state folder. */
export const BENCH_STATE_DIR = fileURLToPath(new URL('../../.network/bench', import.meta.url));

/** Bumped whenever the generator changes what it writes, so a stale cache is never reused. */
const GENERATOR_VERSION = 3;
/** Blocks built and written per step: the whole chain is never held in memory as protobuf objects. */
const BLOCKS_PER_STEP = 250;

export interface ChainShape {
    /** The chain holds at least this many transactions (it ends on a block boundary). */
    readonly transactions: number;
    /** Check-ins of the genuine journey, whose visit blocks are then replicated. */
    readonly genuineVisits: number;
    /** The most transactions the orderer cuts into one block. */
    readonly maxTransactionsPerBlock: number;
}

/** A chain of block files `<dir>/<channel>/<n>.block`, from block 0, as FileBlockSource reads them. */
export interface BenchChain {
    readonly dir: string;
    readonly channel: string;
    readonly blocks: number;
    readonly transactions: number;
    /** Run by the real contracts on the chaincode's FakeLedger (event-indexer/test/support/journey.ts). */
    readonly genuineTransactions: number;
    /** Copies of the journey's visit blocks with IDs of their own. */
    readonly replicatedTransactions: number;
    readonly checkIns: number;
    /** Seconds spent generating it in this run; absent when it came from the cache. */
    readonly generatedInSeconds?: number;
}

type Manifest = Omit<BenchChain, 'dir' | 'generatedInSeconds'> & { readonly version: number };

const chainDir = (shape: ChainShape) =>
    path.join(
        BENCH_STATE_DIR,
        'chains',
        `v${GENERATOR_VERSION.toString()}-tx${shape.transactions.toString()}-visits${shape.genuineVisits.toString()}-block${shape.maxTransactionsPerBlock.toString()}`,
    );

/** The chain of this shape: from the cache, or generated once into it. */
export async function benchChain(shape: ChainShape, options: { readonly regenerate?: boolean; readonly log: (message: string) => void }): Promise<BenchChain> {
    const dir = chainDir(shape);
    if (options.regenerate === true) {
        await rm(dir, { recursive: true, force: true });
    }
    const cached = await readManifest(dir);
    if (cached !== undefined) {
        return { ...cached, dir };
    }
    options.log(`generating a chain of ${shape.transactions.toString()} transactions into ${path.relative(process.cwd(), dir)} (once; later runs reuse it)`);
    const started = performance.now();
    const manifest = await generate(shape, dir);
    return { ...manifest, dir, generatedInSeconds: (performance.now() - started) / 1000 };
}

export function describeChain(chain: BenchChain): string {
    const source = chain.generatedInSeconds === undefined ? 'from the cache' : `generated in ${chain.generatedInSeconds.toFixed(1)} s`;
    return (
        `chain: ${chain.transactions.toLocaleString('en-US')} transactions in ${chain.blocks.toLocaleString('en-US')} blocks (${source}): ` +
        `${chain.genuineTransactions.toLocaleString('en-US')} genuine, from journey.ts (the real contracts on FakeLedger, with private data), and ` +
        `${chain.replicatedTransactions.toLocaleString('en-US')} replicated from its visit blocks (check-in, check-out, cancel) under distinct ` +
        `transaction and visit IDs, each copy's dates shifted by 0–9 days; ${chain.checkIns.toLocaleString('en-US')} check-ins`
    );
}

async function readManifest(dir: string): Promise<Manifest | undefined> {
    const text = await readFile(path.join(dir, 'manifest.json'), 'utf8').catch(() => undefined);
    const manifest = text === undefined ? undefined : (JSON.parse(text) as Manifest);
    return manifest?.version === GENERATOR_VERSION ? manifest : undefined;
}

async function generate(shape: ChainShape, dir: string): Promise<Manifest> {
    const channel = TEST_CHANNEL;
    const journey = await runJourney({ channel, visits: shape.genuineVisits, maxTransactionsPerBlock: shape.maxTransactionsPerBlock });
    const templates = visitBlocks(journey.blockSpecs);
    const templateSize = countTransactions(templates);
    if (templateSize === 0) {
        throw new Error('the journey has no block of visit transactions to replicate');
    }
    const ids = visitTransactionIds(templates);
    const specs: ChainBlockSpec[] = [...journey.blockSpecs];
    const genuineTransactions = countTransactions(journey.blockSpecs);
    let transactions = genuineTransactions;
    const copies = Math.ceil(Math.max(0, shape.transactions - transactions) / templateSize);
    for (let copy = 1; copy <= copies; copy += 1) {
        for (const template of templates) {
            if (transactions >= shape.transactions) {
                break;
            }
            specs.push(replicateVisitBlock(template, copy, ids));
            transactions += template.transactions.length;
        }
    }

    // Written aside and renamed into place: an interrupted run never leaves a chain that looks complete.
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    let previousHash: Uint8Array | undefined;
    for (let from = 0; from < specs.length; from += BLOCKS_PER_STEP) {
        const built = buildChain(specs.slice(from, from + BLOCKS_PER_STEP), { channel, from: BigInt(from), ...(previousHash && { previousHash }) });
        await writeBlockFiles(partial, channel, built);
        previousHash = built.at(-1)?.headerHash;
    }
    const checkIns = specs.reduce((sum, block) => sum + block.transactions.filter((tx) => 'function' in tx && tx.function === 'Visit:checkIn').length, 0);
    const manifest: Manifest = {
        version: GENERATOR_VERSION,
        channel,
        blocks: specs.length,
        transactions,
        genuineTransactions,
        replicatedTransactions: transactions - genuineTransactions,
        checkIns,
    };
    await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
    return manifest;
}

/** Every envelope, block 0's configuration transaction included: what the indexer records and the raw stream decodes. */
function countTransactions(blocks: readonly ChainBlockSpec[]): number {
    return blocks.reduce((sum, block) => sum + block.transactions.length, 0);
}
