import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseBlock } from '../event-indexer/src/blocks/parse-block.js';
import { type TestDatabase, freshDatabase } from '../event-indexer/test/support/database.js';
import { MB, catchUpFigures } from './support/catch-up-figures.js';
import { firstMessage, forkTypeScript } from './support/child-process.js';
import { type IndexerLedger, connectAsIndexer } from './support/club-indexer.js';
import type { Heard, ListenerJob, Listening, StopListening } from './support/commit-listener-process.js';
import { heightOf } from './support/indexer-lag.js';
import type { CaughtUp, Followed, PeerIndexerJob, StopAfter } from './support/peer-indexer-process.js';
import { type WithCpu, cpuTable, withComponentCpu } from './support/component-cpu.js';
import { type BenchReport, type Figure, progress } from './support/report.js';
import { DEMO_AGREEMENT, connectHostDesk, runningProduct } from './support/running-product.js';
import { formatCount, formatMs, msSince, percentiles } from './support/stats.js';
import { type FailureCount, type PairMember, VisitPairs } from './support/visit-pairs.js';

const NAME = 'indexer-peer-stream';
/** The club whose indexer is measured: the demo agreement's home club, a party to every visit of the load. */
const CLUB = DEMO_AGREEMENT.home;
const CHANNEL = DEMO_AGREEMENT.channel;
/** The issue's bar on the live lag's p95 (catching up's bars are catchUpFigures'). */
const P95_BAR_MS = 250;
/** Decoded before the measured pass, so it pays for neither JIT warm-up nor the peer's cold block files. */
const WARM_UP_BLOCKS = 500n;
/** Members making check-in + cancel pairs side by side (one member's pairs are sequential). */
const PAIR_MEMBERS = 48;
const ACTOR = 'bench-peer-stream-desk';
/** Reading the whole chain once, decoding it or catching up on it. */
const PASS_TIMEOUT_MS = 10 * 60_000;
/** Time a child process may take to start (the TypeScript loader), or to answer once asked. */
const CHILD_MS = 60_000;
/** After the load, for its last blocks to reach the listener. */
const DRAIN_MS = 1_000;
const PROGRESS_EVERY = 1_000;

export interface PeerStreamOptions {
    /** The ledger is topped up to at least this many transactions. */
    readonly peerTransactions: number;
    /** Steady load while the live lag is measured. */
    readonly lagSeconds: number;
    /** Transactions per second of that load. */
    readonly lagRate: number;
}

/**
 * A club's indexer against its real peer's block stream: a fresh index catching up on the channel from block 0
 * against a stream that only decodes the same blocks, then the lag from the peer's commit of each block to its rows
 * being visible while the indexer follows a steady load. The ledger is first topped up with check-in + cancel pairs
 * when it holds fewer than `peerTransactions`.
 */
export async function indexerPeerStream(options: PeerStreamOptions): Promise<BenchReport> {
    const product = await runningProduct();
    const ledger = await connectAsIndexer(CLUB);
    const desk = await connectHostDesk(product);
    try {
        const pairs = await VisitPairs.prepare({ product, desk, recordName: `${NAME}-members.json`, members: PAIR_MEMBERS, actor: ACTOR, log: (message) => { progress(NAME, message); } });
        const { decoded, topUp } = await ledgerOfAtLeast({ ledger, pairs, stateDir: product.profile.stateDir }, options.peerTransactions);
        const database = await freshDatabase();
        const children: ChildProcess[] = [];
        try {
            const indexer = startIndexer(database, decoded.lastBlock);
            children.push(indexer);
            const caughtUp = await withComponentCpu(product.profile.stateDir, () => firstMessage<CaughtUp>(indexer, PASS_TIMEOUT_MS + CHILD_MS, 'the peer indexer'));
            const indexed = await indexedTransactions(database, decoded.lastBlock);
            const listener = await startListener(ledger);
            children.push(listener);
            const live = await liveLag({ ledger, pairs, options, indexer, listener });
            return report({ options, ledger, decoded, topUp, caughtUp, indexed, live, failures: pairs.failures });
        } finally {
            for (const child of children) child.kill();
            await database.drop();
        }
    } finally {
        desk.connection.close();
        ledger.close();
    }
}

interface Decoded {
    readonly lastBlock: bigint;
    readonly transactions: number;
    readonly seconds: number;
    /** CPU seconds (user + system) of this process while it read and decoded. */
    readonly cpuSeconds: number;
}

/** Blocks 0 to `lastBlock` through the indexer's GatewayBlockSource, each parsed as the indexer parses it, nothing else. */
async function decodeBlocks(ledger: IndexerLedger, lastBlock: bigint): Promise<Decoded> {
    const cpuAtStart = process.cpuUsage();
    const started = process.hrtime.bigint();
    const blocks = await ledger.source.blocksFrom(CHANNEL, 0n);
    // A stalled stream would wait for ever: closing it ends the loop.
    const timer = setTimeout(() => {
        blocks.close();
    }, PASS_TIMEOUT_MS);
    let transactions = 0;
    try {
        for await (const delivered of blocks) {
            const parsed = parseBlock(CHANNEL, delivered.block, delivered.privateData);
            transactions += parsed.transactions.length;
            if (parsed.number >= lastBlock) {
                const seconds = msSince(started) / 1000;
                const cpu = process.cpuUsage(cpuAtStart);
                return { lastBlock, transactions, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
            }
        }
    } finally {
        clearTimeout(timer);
        blocks.close();
    }
    throw new Error(`the peer's block stream of ${CHANNEL} ended before block ${lastBlock.toString()}`);
}

async function lastCommittedBlock(ledger: IndexerLedger): Promise<bigint> {
    return BigInt(await heightOf(ledger.gateway, CHANNEL)) - 1n;
}

interface TopUp {
    readonly before: number;
    readonly transactions: number;
    readonly seconds: number;
}

interface Setup {
    readonly ledger: IndexerLedger;
    readonly pairs: VisitPairs;
    readonly stateDir: string;
}

/** The chain read and decoded from block 0 to its newest block after a warm-up, and again after a top-up if one was needed. */
async function ledgerOfAtLeast({ ledger, pairs, stateDir }: Setup, wanted: number): Promise<{ decoded: WithCpu<Decoded>; topUp?: TopUp }> {
    const newest = await lastCommittedBlock(ledger);
    const warmUpLast = newest < WARM_UP_BLOCKS ? newest : WARM_UP_BLOCKS;
    progress(NAME, `warm-up: blocks 0–${warmUpLast.toString()} from ${CLUB}'s gateway endpoint`);
    await decodeBlocks(ledger, warmUpLast);
    const surveyed = await withComponentCpu(stateDir, () => decodeBlocks(ledger, newest));
    progress(NAME, `${CHANNEL}: ${formatCount(surveyed.transactions)} transactions in blocks 0–${newest.toString()}, decoded in ${surveyed.seconds.toFixed(1)} s`);
    if (surveyed.transactions >= wanted) {
        return { decoded: surveyed };
    }
    const topUp = await topUpLedger(pairs, surveyed.transactions, wanted - surveyed.transactions);
    const lastBlock = await lastCommittedBlock(ledger);
    const decoded = await withComponentCpu(stateDir, () => decodeBlocks(ledger, lastBlock));
    progress(NAME, `${CHANNEL}: ${formatCount(decoded.transactions)} transactions in blocks 0–${decoded.lastBlock.toString()}, decoded in ${decoded.seconds.toFixed(1)} s`);
    return { decoded, topUp };
}

/** Check-in + cancel pairs by every member side by side until `missing` transactions committed. */
async function topUpLedger(pairs: VisitPairs, before: number, missing: number): Promise<TopUp> {
    progress(NAME, `topping the ledger up with ${formatCount(missing)} transactions: check-in + cancel pairs by ${pairs.members.length.toString()} members side by side`);
    const started = performance.now();
    const stop = new AbortController();
    let committed = 0;
    let reported = 0;
    const makePairs = async (member: PairMember): Promise<void> => {
        while (committed < missing && !stop.signal.aborted) {
            // Read after the pair, not before it: the other members add to it meanwhile.
            const transactions = await pairs.pair(member);
            committed += transactions;
            if (committed - reported >= PROGRESS_EVERY) {
                reported = committed;
                const rate = committed / ((performance.now() - started) / 1000);
                progress(NAME, `${formatCount(committed)}/${formatCount(missing)} transactions, ${rate.toFixed(1)} tx/s, about ${Math.ceil(Math.max(0, missing - committed) / rate).toString()} s left`);
            }
        }
    };
    await Promise.all(pairs.members.map((member) => makePairs(member).catch((error: unknown) => { stop.abort(error); })));
    stop.signal.throwIfAborted();
    return { before, transactions: committed, seconds: (performance.now() - started) / 1000 };
}

/** The indexer's loop in a child process, catching a fresh index up on blocks 0 to `lastBlock`, then following. */
function startIndexer(database: TestDatabase, lastBlock: bigint): ChildProcess {
    progress(NAME, `indexer: catching a fresh schema up on blocks 0–${lastBlock.toString()} from ${CLUB}'s gateway endpoint, in a process of its own`);
    const job: PeerIndexerJob = { club: CLUB, channel: CHANNEL, database: database.options, lastBlock: lastBlock.toString() };
    return forkTypeScript(new URL('./support/peer-indexer-process.ts', import.meta.url), [JSON.stringify(job)]);
}

async function indexedTransactions(database: TestDatabase, lastBlock: bigint): Promise<number> {
    const result = await database.pool.query<{ count: number }>('SELECT count(*)::int AS count FROM transactions WHERE channel = $1 AND block_number <= $2', [CHANNEL, lastBlock.toString()]);
    return result.rows[0]?.count ?? 0;
}

interface LiveLag {
    readonly lagMs: readonly number[];
    readonly firstBlock: bigint;
    readonly lastBlock: bigint;
    readonly load: SteadyLoad;
}

/** A listener of the benchmark's own on the club's peer, from its newest block, once that block was delivered. */
async function startListener(ledger: IndexerLedger): Promise<ChildProcess> {
    const job: ListenerJob = { club: CLUB, channel: CHANNEL, startBlock: (await lastCommittedBlock(ledger)).toString() };
    const listener = forkTypeScript(new URL('./support/commit-listener-process.ts', import.meta.url), [JSON.stringify(job)]);
    await firstMessage<Listening>(listener, CHILD_MS, 'the commit listener');
    return listener;
}

interface LiveRun {
    readonly ledger: IndexerLedger;
    readonly pairs: VisitPairs;
    readonly options: PeerStreamOptions;
    /** Caught up and following the chain. */
    readonly indexer: ChildProcess;
    readonly listener: ChildProcess;
}

/**
 * The steady load while the indexer follows the chain and the listener notes each block's commit on the club's peer;
 * the lag of every block committed after the listener was live.
 */
async function liveLag({ ledger, pairs, options, indexer, listener }: LiveRun): Promise<LiveLag> {
    // Every block from here on was committed after the listener's stream had delivered a block: none is a backlog.
    const firstBlock = await lastCommittedBlock(ledger) + 1n;
    progress(NAME, `live: ${options.lagRate.toString()} tx/s of check-in + cancel pairs for ${options.lagSeconds.toString()} s while the indexer follows`);
    const load = await steadyLoad(pairs, options.lagRate, options.lagSeconds);
    await sleep(DRAIN_MS);

    const heard = firstMessage<Heard>(listener, CHILD_MS, 'the commit listener');
    listener.send({ stop: true } satisfies StopListening);
    const { committedAt } = await heard;
    const lastHeard = committedAt.at(-1)?.[0];
    if (lastHeard === undefined) throw new Error(`the listener heard no block committed on ${CLUB}'s peer`);
    const followed = firstMessage<Followed>(indexer, CHILD_MS, 'the peer indexer');
    indexer.send({ stopAfter: lastHeard } satisfies StopAfter);
    const { visibleAt } = await followed;
    return { lagMs: lagsMs(committedAt, visibleAt, firstBlock), firstBlock, lastBlock: BigInt(lastHeard), load };
}

/** Per block from `firstBlock` on: from its commit on the peer to its rows committed in PostgreSQL. */
function lagsMs(committedAt: Heard['committedAt'], visibleAt: Followed['visibleAt'], firstBlock: bigint): number[] {
    const visible = new Map(visibleAt);
    return committedAt
        .filter(([block]) => BigInt(block) >= firstBlock)
        .map(([block, committed]) => {
            const at = visible.get(block);
            if (at === undefined) throw new Error(`block ${block} was committed on ${CLUB}'s peer but the indexer never reported it applied`);
            return Number(BigInt(at) - BigInt(committed)) / 1e6;
        });
}

interface SteadyLoad {
    readonly transactions: number;
    readonly seconds: number;
    /** Pairs not started because every member was busy with one. */
    readonly skippedPairs: number;
}

/** A check-in + cancel pair started every 2/`rate` s on a member not busy with one, for `seconds`; then the pairs finish. */
async function steadyLoad(pairs: VisitPairs, rate: number, seconds: number): Promise<SteadyLoad> {
    const idle = [...pairs.members];
    const running: Promise<void>[] = [];
    const stop = new AbortController();
    let committed = 0;
    let skippedPairs = 0;
    const pairIntervalMs = 2_000 / rate;
    const slots = Math.max(1, Math.round((seconds * rate) / 2));
    const started = performance.now();
    for (let slot = 0; slot < slots && !stop.signal.aborted; slot += 1) {
        // Each pair at its own slot from the start, so a late one does not push the rest back.
        const waitMs = started + slot * pairIntervalMs - performance.now();
        if (waitMs > 0) await sleep(waitMs);
        const member = idle.shift();
        if (member === undefined) {
            skippedPairs += 1;
            continue;
        }
        running.push(
            pairs.pair(member).then(
                (transactions) => {
                    committed += transactions;
                    idle.push(member);
                },
                (error: unknown) => {
                    stop.abort(error);
                },
            ),
        );
    }
    await Promise.all(running);
    stop.signal.throwIfAborted();
    return { transactions: committed, seconds: (performance.now() - started) / 1000, skippedPairs };
}

interface Measured {
    readonly options: PeerStreamOptions;
    readonly ledger: IndexerLedger;
    readonly decoded: WithCpu<Decoded>;
    readonly topUp: TopUp | undefined;
    readonly caughtUp: WithCpu<CaughtUp>;
    readonly indexed: number;
    readonly live: LiveLag;
    readonly failures: ReadonlyMap<string, FailureCount>;
}

function report(measured: Measured): BenchReport {
    return { benchmark: NAME, figures: figures(measured), notes: notes(measured), tables: [cpuTable(measured.decoded, measured.caughtUp)] };
}

function figures({ decoded, caughtUp, live }: Measured): Figure[] {
    const lag = percentiles(live.lagMs);
    return [
        ...catchUpFigures('catch-up from the peer (tx/s)', decoded.transactions, caughtUp, decoded),
        { figure: `peer commit → rows visible p50 (${live.lagMs.length.toString()} blocks)`, measured: formatMs(lag.p50) },
        { figure: `peer commit → rows visible p95 (${live.lagMs.length.toString()} blocks)`, measured: formatMs(lag.p95), bar: `p95 < ${P95_BAR_MS.toString()} ms`, meetsBar: lag.p95 < P95_BAR_MS },
    ];
}

function notes({ options, ledger, decoded, topUp, caughtUp, indexed, live, failures }: Measured): string[] {
    const { config, endpoint } = ledger;
    const blocks = `blocks 0–${decoded.lastBlock.toString()} of ${CHANNEL} (${formatCount(decoded.transactions)} transactions)`;
    const { load } = live;
    return [
        `the ledger: ${blocks}; ` +
            (topUp === undefined
                ? `no top-up: it held at least the ${formatCount(options.peerTransactions)} transactions asked for (--peer-transactions)`
                : `topped up from ${formatCount(topUp.before)} transactions with ${formatCount(topUp.transactions)} valid ones (check-in + Visit:cancel pairs of ${PAIR_MEMBERS.toString()} ${DEMO_AGREEMENT.home} members at ${DEMO_AGREEMENT.host}, raw fabric-gateway as ${DEMO_AGREEMENT.host}'s staff) in ${topUp.seconds.toFixed(0)} s, ${(topUp.transactions / topUp.seconds).toFixed(1)} tx/s`),
        `both passes read the chain as ${CLUB}'s production indexer does (event-indexer's loadConfig with only INDEXER_CLUB and the network profile, as scripts/network/indexers.sh starts it): GatewayBlockSource, i.e. fabric-gateway block-and-private-data events from block 0, on ${CLUB}'s gateway endpoint ${endpoint.endpoint} (TLS, its root and host alias ${endpoint.hostAlias ?? '(none)'} from the profile) as ${CLUB}'s auditor identity; the Gateway service relays the peer's DeliverWithPrivateData`,
        `decode only: GatewayBlockSource + parseBlock of each block, in this process, ${blocks} in ${decoded.seconds.toFixed(1)} s, after a warm-up pass over blocks 0–${WARM_UP_BLOCKS.toString()}`,
        `indexer: the channel loop indexChannel (read-ahead, a batch of up to ${config.batchTransactions.toString()} transactions per database transaction while behind, the checkpoint with each) with chaincode ${config.chaincodeName} and own club ${config.club}, into a fresh migrated schema (dropped afterwards), in a child process of its own: the same blocks in ${caughtUp.seconds.toFixed(1)} s from starting the loop to the last block's rows committed; ${formatCount(indexed)} transaction rows indexed for those blocks; the NATS publisher does not run (it drains the outbox apart from the loop)`,
        'block apply time: the database transaction that applied the block, from taking a pooled connection to releasing it after COMMIT; while catching up one transaction applies a batch of blocks, and each block of it counts that time',
        `peak RSS: the indexer child's peak resident set from its start until it had caught up (getrusage's ru_maxrss); it held ${(caughtUp.startRssBytes / MB).toFixed(0)} MB as its loop started, before any block: Node, the TypeScript loader (tsx: the production indexer runs compiled JavaScript) and the modules`,
        `live lag: with the caught-up child still following, check-in + cancel pairs started at ${options.lagRate.toString()} tx/s for ${options.lagSeconds.toString()} s (${formatCount(load.transactions)} transactions committed in ${load.seconds.toFixed(1)} s` +
            `${load.skippedPairs > 0 ? `; ${load.skippedPairs.toString()} pairs skipped, every member busy` : ''}); blocks ${live.firstBlock.toString()}–${live.lastBlock.toString()} measured (those committed after the listener's stream was live), max ${formatMs(Math.max(...live.lagMs))}`,
        `"commit" is the arrival of the block at a listener of the benchmark's own, in a process of its own, on ${CLUB}'s peer itself (fabric-gateway filtered block events, DeliverFiltered, as ${CLUB}'s auditor): a Fabric 2.1 peer delivers a block only once it is committed (its block store, state and history databases). "Visible" is the indexer child's onBlock, after the block's database transaction committed; both moments are process.hrtime.bigint(), one monotonic clock for the machine. The indexer receives the block through ${CLUB}'s Gateway service relay, as in production, so the lag includes that hop`,
        "CPU table: each pass from its start to its last block (the catch-up's from forking the child, so its wall time includes the child's start; the child's own CPU from its loop's start); the product's components from /proc (test-network.sh's pid files, with descendants), each club's indexer included; the whole machine from the kernel's per-core times, so whatever else runs meanwhile shows as the difference",
        failures.size === 0
            ? 'no transaction of the top-up or the load failed'
            : `steps of the top-up and the load that failed and were tried again (a cancellation endorsed the moment its check-in committed on ${DEMO_AGREEMENT.host}'s peer may meet ${DEMO_AGREEMENT.home}'s peer a block behind: NOT_FOUND), by step and code: ${[...failures].map(([key, { count, example }]) => `${key} ×${count.toString()} (first: ${example})`).join('; ')}`,
    ];
}
