import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { type GraphqlAnswer, TOKEN_LIFETIME, checkIn, checkOut, enrolMembers } from './support/api-client.js';
import { type IndexerLag, IndexerLagSampler } from './support/indexer-lag.js';
import { enrolledOnLedger } from './support/ledger-visits.js';
import { type ComponentFootprint, ProcessFootprintSampler } from './support/process-footprint.js';
import { type StepTiming, metricsSources, scrapeSources, stepTimings } from './support/product-metrics.js';
import { type BenchReport, type Figure, type ReportTable, progress } from './support/report.js';
import { DEMO_AGREEMENT, type HostDesk, type RunningProduct, connectHostDesk, runningProduct } from './support/running-product.js';
import { StateFile } from './support/state-file.js';
import { type Percentiles, formatCount, formatMs, percentiles } from './support/stats.js';

const NAME = 'whole-stack';
const RATE_BAR = 200;
const P95_BAR_MS = 1_000;
/** Load before the measured window: connections, JIT, the peers' caches. */
const WARM_UP_SECONDS = 5;
const MIB = 1024 * 1024;

export interface WholeStackOptions {
    /** Length of the measured window. */
    readonly seconds: number;
    /** Check-ins in flight: closed-loop workers, each a staff subject of its own. */
    readonly concurrency: number;
    /**
     * Members with visits left this month to have ready before the load starts; by default enough while each worker
     * commits at most one check-in a second, warm-up included, with one member per worker to spare.
     */
    readonly members?: number;
}

const PoolMember = z.object({
    memberNumber: z.string(),
    enrolledTxId: z.string(),
    /** The month (YYYY-MM, UTC, as the chaincode dates visits) `visits` counts in. */
    month: z.string().optional(),
    visits: z.number().int().nonnegative(),
});
type PoolMember = z.infer<typeof PoolMember>;

const Pool = z.object({ channel: z.string(), members: z.array(PoolMember) });
type Pool = z.infer<typeof Pool>;

function visitsLeft(member: PoolMember, month: string): number {
    return DEMO_AGREEMENT.visitsPerMonth - (member.month === month ? member.visits : 0);
}

/**
 * Committed check-ins per second, each endorsed by two clubs (a Harbour member at Alpine), sent through the running
 * GraphQL API by closed-loop workers for a fixed window with everything running; where the time goes, from the
 * metrics the product exports; each indexer's lag; the memory and CPU of every process of the product.
 */
export async function wholeStack(options: WholeStackOptions): Promise<BenchReport> {
    const product = await runningProduct();
    const desk = await connectHostDesk(product);
    const month = new Date().toISOString().slice(0, 7);
    const file = new StateFile(`${NAME}-members.json`, Pool);
    try {
        const wanted = options.members ?? options.concurrency * (Math.ceil((WARM_UP_SECONDS + options.seconds) / DEMO_AGREEMENT.visitsPerMonth) + 1);
        const members = await readyMembers({ product, desk, file, wanted, month });
        const tokens = await Promise.all(
            Array.from({ length: options.concurrency }, (_, worker) =>
                product.issuer.issue({ sub: `bench-stack-desk-${worker.toString()}`, club: DEMO_AGREEMENT.host, role: 'staff' }, TOKEN_LIFETIME),
            ),
        );
        const run = await measuredRun({ product, tokens, queue: [...members.ready], seconds: options.seconds, month });
        // Members a failure may have left with an open visit are not used again.
        await file.write({ channel: DEMO_AGREEMENT.channel, members: [...members.spare, ...members.ready.filter((member) => !run.load.retired.has(member))] });
        return report(options, members, run);
    } finally {
        desk.connection.close();
    }
}

interface ReadyMembers {
    /** Handed to the load, partly used ones first. */
    readonly ready: PoolMember[];
    /** Kept in the record for a later run: no visit left this month, or more than were wanted. */
    readonly spare: PoolMember[];
    readonly reused: number;
    readonly enrolled: number;
    readonly enrolSeconds: number;
}

interface PoolSetup {
    readonly product: RunningProduct;
    readonly desk: HostDesk;
    readonly file: StateFile<Pool>;
    readonly wanted: number;
    readonly month: string;
}

/**
 * The recorded members with visits left this month (the record is dropped when its first or last member is not on
 * the ledger as enrolled then: the network was made anew), topped up with fresh members enrolled through the API.
 * The record keeps only the spare ones while the load runs.
 */
async function readyMembers({ product, desk, file, wanted, month }: PoolSetup): Promise<ReadyMembers> {
    const recorded = await file.read();
    let members = recorded?.channel === DEMO_AGREEMENT.channel ? recorded.members : [];
    const probes = [members[0], members.at(-1)].filter((member) => member !== undefined);
    if (!(await Promise.all(probes.map((member) => enrolledOnLedger(desk.contract, member)))).every(Boolean)) {
        progress(NAME, `the recorded members are not on the ledger (the network was made anew?): starting over`);
        members = [];
    }
    const usable = members.filter((member) => visitsLeft(member, month) > 0).sort((a, b) => visitsLeft(a, month) - visitsLeft(b, month));
    const resting = members.filter((member) => visitsLeft(member, month) <= 0);
    const reused = Math.min(wanted, usable.length);
    const missing = Math.max(0, wanted - usable.length);
    const started = performance.now();
    if (missing > 0) {
        progress(NAME, `enrolling ${formatCount(missing)} fresh ${DEMO_AGREEMENT.home} members through the API (${formatCount(usable.length)} recorded ones have visits left this month)`);
        await enrolMembers(product.graphqlUrl, product.issuer, missing, (member) => {
            usable.push({ ...member, visits: 0 });
            const enrolled = usable.length - reused;
            if (enrolled % 50 === 0) {
                progress(NAME, `${formatCount(enrolled)}/${formatCount(missing)} enrolled`);
                // Kept as they come, so an interrupted enrolment is not lost.
                file.write({ channel: DEMO_AGREEMENT.channel, members: [...resting, ...usable] }).catch((error: unknown) => {
                    progress(NAME, `could not write ${file.path}: ${String(error)}`);
                });
            }
        });
    }
    const ready = usable.slice(0, wanted);
    const spare = [...resting, ...usable.slice(wanted)];
    await file.write({ channel: DEMO_AGREEMENT.channel, members: spare });
    return { ready, spare, reused, enrolled: missing, enrolSeconds: (performance.now() - started) / 1000 };
}

type Operation = 'checkIn' | 'checkOut';

/** A request the API answered as asked, by `performance.now()`. */
interface Answered {
    readonly sentMs: number;
    readonly answeredMs: number;
}

interface LoadFailure {
    readonly operation: Operation;
    /** `extensions.code` (with `extensions.reason` when given) of each error, an HTTP status, or NO_ANSWER. */
    readonly code: string;
    readonly atMs: number;
}

interface Load {
    readonly checkIns: Answered[];
    readonly checkOuts: Answered[];
    readonly failures: LoadFailure[];
    /** Members a failed request may have left with an open visit or a used allowance. */
    readonly retired: Set<PoolMember>;
    /** When the first worker found no member left, if one did before the window ended. */
    exhaustedAtMs?: number;
}

interface LoadPlan {
    readonly graphqlUrl: string;
    /** One staff token per worker: the API admits 600 requests a minute per subject. */
    readonly tokens: readonly string[];
    readonly queue: PoolMember[];
    readonly stopAtMs: number;
    readonly month: string;
}

/**
 * Closed loop: each worker takes the member at the head of the queue, checks it in and out, and puts it back at the
 * tail while it has visits left this month: a member is in one worker's hands at a time, and its next visit comes a
 * whole queue later, as at a real desk (a check-in sent the moment the previous check-out committed on the host's
 * peer may meet the home club's peer a block behind). No check-in starts after `stopAtMs`; one answered after it is
 * still checked out.
 */
async function runLoad(plan: LoadPlan): Promise<Load> {
    const load: Load = { checkIns: [], checkOuts: [], failures: [], retired: new Set() };
    const worker = async (token: string): Promise<void> => {
        while (performance.now() < plan.stopAtMs) {
            const member = plan.queue.shift();
            if (member === undefined) {
                load.exhaustedAtMs ??= performance.now();
                return;
            }
            if (await visited(plan, load, token, member)) {
                if (visitsLeft(member, plan.month) > 0) plan.queue.push(member);
            } else {
                load.retired.add(member);
            }
        }
    };
    await Promise.all(plan.tokens.map(worker));
    return load;
}

/** One check-in and its check-out; false when either failed. */
async function visited(plan: LoadPlan, load: Load, token: string, member: PoolMember): Promise<boolean> {
    const checkedIn = await answered(load, 'checkIn', load.checkIns, () => checkIn(plan.graphqlUrl, token, member.memberNumber), (data) => {
        const visit = data?.checkIn;
        return visit?.replayed === false && visit.blockNumber !== null && visit.visit.memberNumber === member.memberNumber;
    });
    const visitId = checkedIn?.checkIn?.visit.visitId;
    if (visitId === undefined) return false;
    member.visits = (member.month === plan.month ? member.visits : 0) + 1;
    member.month = plan.month;
    const checkedOut = await answered(load, 'checkOut', load.checkOuts, () => checkOut(plan.graphqlUrl, token, visitId), (data) => Boolean(data?.checkOut));
    return checkedOut !== undefined;
}

/** The answer's data when the API did as asked; otherwise the failure is counted and undefined returned. */
async function answered<Data>(
    load: Load,
    operation: Operation,
    into: Answered[],
    send: () => Promise<GraphqlAnswer<Data>>,
    accepted: (data: Data | null | undefined) => boolean,
): Promise<Data | undefined> {
    const sentMs = performance.now();
    let answer: GraphqlAnswer<Data> | undefined;
    let code: string | undefined;
    try {
        answer = await send();
    } catch (error) {
        code = noAnswer(error);
    }
    if (answer !== undefined) code = failureOf(answer, accepted(answer.data));
    const answeredMs = performance.now();
    if (code !== undefined) {
        load.failures.push({ operation, code, atMs: answeredMs });
        return undefined;
    }
    into.push({ sentMs, answeredMs });
    return answer?.data ?? undefined;
}

function failureOf(answer: GraphqlAnswer<unknown>, accepted: boolean): string | undefined {
    const errors = answer.errors ?? [];
    if (errors.length > 0) {
        return errors
            .map(({ extensions }) => (extensions?.reason === undefined ? (extensions?.code ?? 'NO_CODE') : `${extensions.code ?? 'NO_CODE'} (${extensions.reason})`))
            .join(' + ');
    }
    if (answer.httpStatus !== 200) return `HTTP ${answer.httpStatus.toString()}`;
    return accepted ? undefined : 'UNEXPECTED_ANSWER';
}

/** A request that got no GraphQL answer: fetch's network error names its cause (ECONNREFUSED, UND_ERR_SOCKET, …). */
function noAnswer(error: unknown): string {
    const cause = error instanceof Error ? error.cause : undefined;
    if (cause instanceof Error) return `NO_ANSWER (${'code' in cause ? String(cause.code) : cause.message})`;
    return `NO_ANSWER (${error instanceof Error ? error.message : String(error)})`;
}

interface RunPlan {
    readonly product: RunningProduct;
    readonly tokens: readonly string[];
    readonly queue: PoolMember[];
    readonly seconds: number;
    readonly month: string;
}

interface Run {
    /** The host club's key in the profile (`alpine`), which names its components. */
    readonly hostKey: string;
    readonly pidDir: string;
    readonly load: Load;
    readonly windowStartMs: number;
    readonly windowEndMs: number;
    readonly timings: readonly StepTiming[];
    readonly unavailableMetrics: readonly string[];
    readonly lags: readonly IndexerLag[];
    readonly processes: readonly ComponentFootprint[];
    readonly drainSeconds: number;
}

/** The load with the samplers around it: processes from its start to its end, metrics and lag over the window only. */
async function measuredRun(plan: RunPlan): Promise<Run> {
    const { profile, graphqlUrl } = plan.product;
    const sources = metricsSources(profile, DEMO_AGREEMENT.channel);
    const footprint = new ProcessFootprintSampler(profile.stateDir);
    const lag = await IndexerLagSampler.open(profile, DEMO_AGREEMENT.channel);
    try {
        footprint.start();
        const windowStartMs = performance.now() + WARM_UP_SECONDS * 1000;
        const windowEndMs = windowStartMs + plan.seconds * 1000;
        progress(NAME, `${plan.tokens.length.toString()} workers, ${WARM_UP_SECONDS.toString()} s of warm-up, then ${plan.seconds.toString()} s measured`);
        const loading = runLoad({ graphqlUrl, tokens: plan.tokens, queue: plan.queue, stopAtMs: windowEndMs, month: plan.month });
        await sleep(Math.max(0, windowStartMs - performance.now()));
        const [before] = await Promise.all([scrapeSources(sources), footprint.markWindow('windowStart')]);
        lag.start();
        await sleep(Math.max(0, windowEndMs - performance.now()));
        const [after] = await Promise.all([scrapeSources(sources), footprint.markWindow('windowEnd')]);
        const lags = await lag.stop();
        progress(NAME, 'window over: checking out the visits still open');
        const load = await loading;
        const drainSeconds = (performance.now() - windowEndMs) / 1000;
        const { timings, unavailable } = stepTimings(sources, before, after);
        return {
            hostKey: plan.product.host.key,
            pidDir: footprint.pidDir,
            load,
            windowStartMs,
            windowEndMs,
            timings,
            unavailableMetrics: unavailable,
            lags,
            processes: await footprint.stop(),
            drainSeconds,
        };
    } finally {
        await footprint.stop();
        await lag.close();
    }
}

function report(options: WholeStackOptions, members: ReadyMembers, run: Run): BenchReport {
    const checkIns = run.load.checkIns.filter((request) => inWindow(run, request.answeredMs));
    const checkOuts = run.load.checkOuts.filter((request) => inWindow(run, request.answeredMs));
    const rate = checkIns.length / options.seconds;
    const checkInLatency = latencyOf(checkIns);
    const checkOutLatency = latencyOf(checkOuts);
    const p95Met = checkInLatency !== undefined && checkInLatency.p95 < P95_BAR_MS;
    const failuresInWindow = run.load.failures.filter((failure) => inWindow(run, failure.atMs)).length;
    const at = `c=${options.concurrency.toString()}, ${options.seconds.toString()} s`;
    const figures: Figure[] = [
        {
            figure: `committed check-ins/s (2 clubs endorsing), ${at}`,
            measured: `${rate.toFixed(1)}/s (${formatCount(checkIns.length)})`,
            bar: `≥ ${RATE_BAR.toString()}/s with p95 < ${formatCount(P95_BAR_MS)} ms`,
            meetsBar: rate >= RATE_BAR && p95Met,
        },
        { figure: `check-in p50 (send → committed answer), ${at}`, measured: checkInLatency === undefined ? 'none' : formatMs(checkInLatency.p50) },
        {
            figure: `check-in p95 (send → committed answer), ${at}`,
            measured: checkInLatency === undefined ? 'none' : formatMs(checkInLatency.p95),
            bar: `< ${formatCount(P95_BAR_MS)} ms`,
            meetsBar: p95Met,
        },
        { figure: `committed transactions/s (check-ins + check-outs), ${at}`, measured: `${((checkIns.length + checkOuts.length) / options.seconds).toFixed(1)}/s` },
        { figure: `check-out p50 / p95, ${at}`, measured: checkOutLatency === undefined ? 'none' : `${formatMs(checkOutLatency.p50)} / ${formatMs(checkOutLatency.p95)}` },
        { figure: `failed requests (in the window), ${at}`, measured: `${formatCount(run.load.failures.length)} (${formatCount(failuresInWindow)})` },
        ...run.lags.map((lag) => ({
            figure: `indexer lag p95, ${lag.club}`,
            measured: lag.lagBlocks.length === 0 ? 'no sample' : `${percentiles(lag.lagBlocks).p95.toString()} blocks, ${percentiles(lag.lagSeconds).p95.toFixed(2)} s`,
        })),
    ];
    return {
        benchmark: NAME,
        figures,
        notes: notes(options, members, run),
        tables: [timingTable(run.timings), failureTable(run), lagTable(run.lags), processTable(run.processes, options.seconds)],
    };
}

function inWindow(run: Run, ms: number): boolean {
    return ms >= run.windowStartMs && ms <= run.windowEndMs;
}

function latencyOf(requests: readonly Answered[]): Percentiles | undefined {
    return requests.length === 0 ? undefined : percentiles(requests.map((request) => request.answeredMs - request.sentMs));
}

function notes(options: WholeStackOptions, members: ReadyMembers, run: Run): string[] {
    const { load } = run;
    const exhausted =
        load.exhaustedAtMs === undefined
            ? `no worker ran out of members`
            : `MEMBERS RAN OUT ${((load.exhaustedAtMs - run.windowStartMs) / 1000).toFixed(1)} s into the window: workers stopped one by one, so the figures understate what the stack sustains; run again with a larger --members`;
    const blocks = run.lags.find((lag) => lag.club === DEMO_AGREEMENT.host)?.heights;
    const committed = load.checkIns.length + load.checkOuts.length;
    return [
        `the running product (./test-network.sh up), everything in it running: ${DEMO_AGREEMENT.home} members checked in and out at ${DEMO_AGREEMENT.host} on ${DEMO_AGREEMENT.channel} through the API's checkIn and checkOut mutations (HTTP/1.1 keep-alive), each check-in endorsed by both clubs (the key-level policies of the visit, the usage counters and the open-visit pointer) and awaited to its commit, as are check-outs`,
        `members: ${formatCount(members.ready.length)} with visits left this month made ready before the load, untimed (${formatCount(members.reused)} from the record of earlier runs, ${formatCount(members.enrolled)} enrolled through the API in ${members.enrolSeconds.toFixed(1)} s); each worker takes the member at the head of a queue, checks it in and out, and puts it back at the tail while it has visits left of the ${DEMO_AGREEMENT.visitsPerMonth.toString()} a month, so no member is in two workers' hands, no check-in closes an open visit and a member's next visit comes a whole queue later; ${exhausted}`,
        `closed loop: ${options.concurrency.toString()} workers, each with a staff JWT of its own subject (the API admits 600 requests a minute per subject), send a check-in, then its check-out, then the next check-in as soon as each is answered; ${WARM_UP_SECONDS.toString()} s of warm-up, then ${options.seconds.toString()} s measured: a request counts when its answer arrives in the window (rates over the window's length, latency from send to committed answer); no check-in starts after the window, those still open were checked out in ${run.drainSeconds.toFixed(1)} s after it`,
        `failures are counted, never retried or dropped: ${formatCount(load.failures.length)} of ${formatCount(committed + load.failures.length)} requests failed (table below, by extensions.code and reason); a member whose request failed is not used again`,
        `where the time goes: ${timeSummary(run.timings, run.hostKey)} (table below: the product's own histograms, differences of two scrapes bracketing the window; p50/p95 interpolated within buckets as Prometheus's histogram_quantile does)`,
        ...(run.unavailableMetrics.length === 0 ? [] : [`metrics not available for the window: ${run.unavailableMetrics.join(', ')}`]),
        blocks === undefined
            ? 'blocks committed in the window: unknown (the host peer did not answer the lag sampler)'
            : `${formatCount(blocks[1] - blocks[0])} blocks committed on ${DEMO_AGREEMENT.channel} in the window (${((blocks[1] - blocks[0]) / options.seconds).toFixed(1)}/s; the orderer cuts one after 200 ms or 100 transactions)`,
        `indexer lag, sampled every 500 ms over the window: blocks = the club's peer height (qscc GetChainInfo through its gateway endpoint) less the indexer's checkpoint (indexer_<club>.checkpoints.next_block), as ./test-network.sh status computes it; seconds = the indexer's rcn_indexer_lag_seconds gauge (from a block's newest transaction timestamp, set when the client made the proposal, to the block's rows committed)`,
        `processes: every component in ${run.pidDir} with its descendants (PostgreSQL: the postmaster and its backends), /proc/<pid>/status every 500 ms from the start of the load to its end: peak RSS sums the tree's resident sets counting shared memory (RssShmem, PostgreSQL's shared buffers) once; VmHWM is the main process's own peak since it started; CPU is utime + stime of the tree within the window. This benchmark's own process (the load generator) shares the same 2 cores and is not in the table`,
    ];
}

function meanMs(timings: readonly StepTiming[], component: string, histogram: string, series = ''): string {
    const timing = timings.find((candidate) => candidate.component === component && candidate.histogram === histogram && candidate.series.includes(series));
    return timing === undefined ? 'n/a' : formatMs(1000 * timing.meanSeconds);
}

function timeSummary(timings: readonly StepTiming[], hostKey: string): string {
    const host = `gateway-${hostKey}`;
    const hostPeer = `peer-${hostKey}`;
    return [
        `the API's submit of Visit:checkIn ${meanMs(timings, 'api', 'rcn_api_fabric_seconds', 'operation=submit transaction=Visit:checkIn outcome=ok')} on average (its evaluate of Visit:endorsersForCheckIn ${meanMs(timings, 'api', 'rcn_api_fabric_seconds', 'transaction=Visit:endorsersForCheckIn outcome=ok')})`,
        `in ${DEMO_AGREEMENT.host}'s gateway service Endorse ${meanMs(timings, host, 'gateway_request_duration_seconds', 'method=Endorse')}, Submit ${meanMs(timings, host, 'gateway_request_duration_seconds', 'method=Submit')}, CommitStatus ${meanMs(timings, host, 'gateway_request_duration_seconds', 'method=CommitStatus')}`,
        `a block's fill in the orderer ${meanMs(timings, 'orderer', 'blockcutter_block_fill_duration')}`,
        `on ${DEMO_AGREEMENT.host}'s peer a proposal ${meanMs(timings, hostPeer, 'endorser_proposal_duration', 'success=true')}, a block's validation ${meanMs(timings, hostPeer, 'gossip_privdata_validation_duration')} and commit ${meanMs(timings, hostPeer, 'gossip_privdata_commit_block_duration')}`,
    ].join('; ');
}

function seconds(value: number): string {
    return Number.isNaN(value) ? 'n/a' : formatMs(1000 * value);
}

function timingTable(timings: readonly StepTiming[]): ReportTable {
    return {
        title: 'where the time goes over the window (the product’s histograms; p50/p95 estimated from buckets)',
        rows: timings.map((timing) => ({
            component: timing.component,
            histogram: timing.histogram,
            series: timing.series,
            count: formatCount(timing.count),
            mean: seconds(timing.meanSeconds),
            'p50 ≈': seconds(timing.p50Seconds),
            'p95 ≈': seconds(timing.p95Seconds),
        })),
    };
}

function failureTable(run: Run): ReportTable {
    const counts = new Map<string, { operation: Operation; code: string; all: number; inWindow: number }>();
    for (const failure of run.load.failures) {
        const key = `${failure.operation} ${failure.code}`;
        const count = counts.get(key) ?? { operation: failure.operation, code: failure.code, all: 0, inWindow: 0 };
        count.all += 1;
        if (inWindow(run, failure.atMs)) count.inWindow += 1;
        counts.set(key, count);
    }
    return {
        title: 'failed requests by extensions.code (reason), warm-up and drain included',
        rows:
            counts.size === 0
                ? [{ operation: '-', code: 'none', count: '0', 'in the window': '0' }]
                : [...counts.values()].map((count) => ({ operation: count.operation, code: count.code, count: formatCount(count.all), 'in the window': formatCount(count.inWindow) })),
    };
}

function lagTable(lags: readonly IndexerLag[]): ReportTable {
    return {
        title: `indexer lag on ${DEMO_AGREEMENT.channel} over the window (sampled every 500 ms)`,
        rows: lags.map((lag) => {
            const blocks = lag.lagBlocks.length === 0 ? undefined : percentiles(lag.lagBlocks);
            const lagSeconds = lag.lagSeconds.length === 0 ? undefined : percentiles(lag.lagSeconds);
            return {
                indexer: lag.club,
                samples: formatCount(lag.lagBlocks.length),
                'failed samples': formatCount(lag.failedSamples),
                'blocks p50 / p95 / max': blocks === undefined ? 'n/a' : `${blocks.p50.toString()} / ${blocks.p95.toString()} / ${Math.max(...lag.lagBlocks).toString()}`,
                'seconds p50 / p95': lagSeconds === undefined ? 'n/a' : `${lagSeconds.p50.toFixed(2)} / ${lagSeconds.p95.toFixed(2)}`,
            };
        }),
    };
}

function processTable(processes: readonly ComponentFootprint[], windowSeconds: number): ReportTable {
    return {
        title: 'processes of the product while the load ran',
        rows: [...processes]
            .sort((a, b) => a.component.localeCompare(b.component))
            .map((process) => ({
                component: process.component,
                pid: process.mainPids.join(' → '),
                'processes (peak)': process.peakProcesses.toString(),
                'peak RSS MiB': (process.peakRssBytes / MIB).toFixed(1),
                'VmHWM MiB (since start)': (process.mainHwmBytes / MIB).toFixed(1),
                'CPU s in window': process.windowCpuSeconds === undefined ? 'n/a' : process.windowCpuSeconds.toFixed(1),
                'CPU % of a core': process.windowCpuSeconds === undefined ? 'n/a' : ((100 * process.windowCpuSeconds) / windowSeconds).toFixed(0),
                'missed samples': process.missedSamples.toString(),
            })),
    };
}
