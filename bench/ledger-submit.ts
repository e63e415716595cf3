import type { Contract } from '@hyperledger/fabric-gateway';
import { ENROL_CONCURRENCY, TOKEN_LIFETIME, checkIn, checkOut, enrolMembers } from './support/api-client.js';
import { forEachConcurrently } from './support/concurrently.js';
import { type CommitPhases, checkInProposal, endorseAndCommit, endorsersForCheckIn } from './support/ledger-visits.js';
import { API_FABRIC_SECONDS } from './support/product-metrics.js';
import { type Sample, histogramWindow, scrape, windowMean } from './support/prometheus.js';
import { type BenchReport, type Figure, progress } from './support/report.js';
import { DEMO_AGREEMENT, connectHostDesk, runningProduct } from './support/running-product.js';
import { formatMs, formatRatio, percentiles } from './support/stats.js';

const NAME = 'ledger-submit';
const { home: HOME, host: HOST, channel: CHANNEL, visitsPerMonth: VISITS_PER_MEMBER } = DEMO_AGREEMENT;
const THROUGHPUT_RATIO_BAR = 0.9;
const P95_RATIO_BAR = 1.1;
/** Check-ins per mode before anything is timed: gRPC channels, HTTP keep-alive connections, JIT. */
const WARM_UP_PER_MODE = 4;
const CHECK_OUT_CONCURRENCY = 16;

export interface LedgerSubmitOptions {
    /** Check-ins per mode at concurrency 1. */
    readonly serialCheckIns: number;
    /** Check-ins per mode at concurrency 16. */
    readonly concurrentCheckIns: number;
    readonly concurrency: number;
}

type Mode = 'graphql' | 'raw';

/** One check-in to make: a fresh member, and the staff subject (its own token) that makes it. */
interface Job {
    readonly member: string;
    readonly subject: string;
    readonly token: string;
}

/** Where the raw path's time went, per check-in. */
interface RawPhases extends CommitPhases {
    readonly evaluateMs: number;
}

interface ModeSamples {
    readonly latencyMs: number[];
    /** Wall time of this mode's batches only: the other mode's batches in between are not counted. */
    seconds: number;
    readonly phases: RawPhases[];
    /** Visits to check out (with the token of the member's desk) before the member's next round. */
    readonly openVisits: OpenVisit[];
}

interface OpenVisit {
    readonly visitId: string;
    readonly token: string;
}

/**
 * `Visit:checkIn` at Alpine for a Harbour member, submitted and awaited through the API's `checkIn` mutation and
 * directly through @hyperledger/fabric-gateway as Alpine's staff identity on the same Gateway service, with the
 * same endorsers, each request for a member of its own.
 */
export async function ledgerSubmit(options: LedgerSubmitOptions): Promise<BenchReport> {
    const product = await runningProduct();
    const { apiUrl, graphqlUrl, host, issuer } = product;
    const { connection, contract } = await connectHostDesk(product);
    try {
        const levels = [
            { concurrency: 1, membersPerMode: Math.ceil(options.serialCheckIns / VISITS_PER_MEMBER) },
            { concurrency: options.concurrency, membersPerMode: Math.ceil(options.concurrentCheckIns / VISITS_PER_MEMBER) },
        ];
        const total = 2 * (WARM_UP_PER_MODE + levels.reduce((sum, level) => sum + level.membersPerMode, 0));
        progress(NAME, `enrolling ${total.toString()} fresh ${HOME} members through the API (${ENROL_CONCURRENCY.toString()} at a time: enrolments contend for the club's member sequence)`);
        const enrolStarted = performance.now();
        const members = (await enrolMembers(graphqlUrl, issuer, total)).map((member) => member.memberNumber);
        const enrolSeconds = (performance.now() - enrolStarted) / 1000;
        const jobs = await Promise.all(
            members.map(async (member, index) => {
                const subject = `bench-desk-${index.toString()}`;
                return { member, subject, token: await issuer.issue({ sub: subject, club: HOST, role: 'staff' }, TOKEN_LIFETIME) };
            }),
        );
        const take = (count: number): Job[] => jobs.splice(0, count);
        const run = (mode: Mode, batch: readonly Job[], concurrency: number, into: ModeSamples) =>
            runBatch(batch, concurrency, into, mode === 'graphql' ? (job) => graphqlCheckIn(graphqlUrl, job) : (job) => rawCheckIn(contract, job));
        const checkOutAll = async (samples: readonly ModeSamples[]) => {
            const visits = samples.flatMap((sample) => sample.openVisits.splice(0));
            await forEachConcurrently(visits, CHECK_OUT_CONCURRENCY, (visit) => checkedOut(graphqlUrl, visit));
        };

        progress(NAME, `warming up: ${WARM_UP_PER_MODE.toString()} check-ins per mode`);
        const discard = (): ModeSamples => ({ latencyMs: [], seconds: 0, phases: [], openVisits: [] });
        await run('graphql', take(WARM_UP_PER_MODE), 4, discard());
        await run('raw', take(WARM_UP_PER_MODE), 4, discard());

        const figures: Figure[] = [];
        const phaseNotes: string[] = [];
        let checkOutSeconds = 0;
        for (const level of levels) {
            const samples: Record<Mode, ModeSamples> = { graphql: discard(), raw: discard() };
            const cohort: Record<Mode, Job[]> = { graphql: take(level.membersPerMode), raw: take(level.membersPerMode) };
            const metricsBefore = await scrape(apiUrl);
            for (let round = 0; round < VISITS_PER_MEMBER; round += 1) {
                // Alternating which mode goes first, so neither always runs on the warmer (or noisier) half.
                const order: Mode[] = round % 2 === 0 ? ['graphql', 'raw'] : ['raw', 'graphql'];
                for (const mode of order) {
                    progress(NAME, `concurrency ${level.concurrency.toString()}, round ${(round + 1).toString()}/${VISITS_PER_MEMBER.toString()}: ${level.membersPerMode.toString()} check-ins via ${mode}`);
                    await run(mode, cohort[mode], level.concurrency, samples[mode]);
                }
                const started = performance.now();
                await checkOutAll([samples.graphql, samples.raw]);
                checkOutSeconds += (performance.now() - started) / 1000;
            }
            figures.push(...levelFigures(level.concurrency, samples));
            phaseNotes.push(phaseNote(level.concurrency, samples.raw.phases));
            phaseNotes.push(apiNote(level.concurrency, samples.graphql.latencyMs, metricsBefore, await scrape(apiUrl)));
        }
        return {
            benchmark: NAME,
            figures,
            notes: [
                `the running product (./test-network.sh up): ${HOME} members checked in at ${HOST} on ${CHANNEL} under the demo agreement; GraphQL = the API's checkIn mutation over HTTP/1.1 keep-alive (${graphqlUrl}, a LocalIssuer staff JWT of ${HOST}, one subject per request so the API's per-caller rate limit never refuses); raw = @hyperledger/fabric-gateway in this process as ${HOST}'s staff identity (the one the API signs with for a staff caller) on the same Gateway service (${host.gateway.endpoint})`,
                `both paths do the same ledger work per check-in: evaluate Visit:endorsersForCheckIn(member), then submit Visit:checkIn with those endorsingOrganizations, the same argument {memberNumber, facility: DINING, guests: 0, nights: 0} and the same transient actor, and wait for the commit status (raw: newProposal → endorse → submit → getStatus, which is what contract.submit does; the API: submitAsync → getStatus). The evaluate is timed in both, as the API does it per check-in`,
                `members: fresh ones enrolled through the API before anything is timed (${members.length.toString()} in ${enrolSeconds.toFixed(1)} s; enrolments cannot run wide, every one writes the club's member sequence). Each level has its own cohort per mode (${levels.map((level) => `${level.membersPerMode.toString()} at c=${level.concurrency.toString()}`).join(', ')}), and runs ${VISITS_PER_MEMBER.toString()} rounds: in each, every member of a cohort checks in once (so a check-in never meets another of the same member, and the monthly limit of ${VISITS_PER_MEMBER.toString()} is never passed), then every visit of the round is checked out through the API, untimed (${checkOutSeconds.toFixed(1)} s in all), so no check-in closes an open visit and both modes meet a member at the same visit of the month`,
                `closed loop: n workers each send the next check-in when the previous one's commit status arrives; in each round the GraphQL and raw batches run back to back, which goes first alternating, after ${WARM_UP_PER_MODE.toString()} warm-up check-ins per mode; throughput = a mode's check-ins / the summed wall time of its own batches; latency from send to committed answer`,
                `the orderer cuts a block every 200 ms (BatchTimeout) or at 100 transactions: at concurrency 1 that timeout is most of each check-in's latency, in both modes`,
                ...phaseNotes,
            ],
        };
    } finally {
        connection.close();
    }
}

async function checkedOut(graphqlUrl: string, visit: OpenVisit): Promise<void> {
    const answer = await checkOut(graphqlUrl, visit.token, visit.visitId);
    if (!answer.data?.checkOut) throw new Error(`checkOut of ${visit.visitId} failed: ${JSON.stringify(answer)}`);
}

async function graphqlCheckIn(url: string, job: Job): Promise<Outcome> {
    const answer = await checkIn(url, job.token, job.member);
    const checkedIn = answer.data?.checkIn;
    if (answer.errors !== undefined || checkedIn?.replayed !== false || checkedIn.blockNumber === null || checkedIn.visit.memberNumber !== job.member) {
        throw new Error(`GraphQL check-in of ${job.member} failed: ${JSON.stringify(answer)}`);
    }
    return { visitId: checkedIn.visit.visitId };
}

/** What the API's FabricLedger sends for a staff caller: the same arguments, endorsers and transient actor. */
async function rawCheckIn(contract: Contract, job: Job): Promise<Outcome> {
    const started = performance.now();
    const endorsers = await endorsersForCheckIn(contract, job.member, job.subject);
    const evaluateMs = performance.now() - started;
    const proposal = checkInProposal(contract, job.member, { actor: job.subject, endorsers });
    const phases = await endorseAndCommit(proposal);
    // The visit's ID is its check-in's transaction ID.
    return { visitId: proposal.getTransactionId(), phases: { evaluateMs, ...phases } };
}

interface Outcome {
    readonly visitId: string;
    readonly phases?: RawPhases;
}

/** `concurrency` workers through the batch, each starting its next check-in when the previous one is answered. */
async function runBatch(batch: readonly Job[], concurrency: number, into: ModeSamples, checkIn: (job: Job) => Promise<Outcome>): Promise<void> {
    const started = performance.now();
    await forEachConcurrently(batch, concurrency, async (job) => {
        const sent = performance.now();
        const outcome = await checkIn(job);
        into.latencyMs.push(performance.now() - sent);
        if (outcome.phases !== undefined) into.phases.push(outcome.phases);
        into.openVisits.push({ visitId: outcome.visitId, token: job.token });
    });
    into.seconds += (performance.now() - started) / 1000;
}

function levelFigures(concurrency: number, samples: Readonly<Record<Mode, ModeSamples>>): Figure[] {
    const at = `c=${concurrency.toString()}`;
    const rate = (mode: Mode) => samples[mode].latencyMs.length / samples[mode].seconds;
    const graphql = percentiles(samples.graphql.latencyMs);
    const raw = percentiles(samples.raw.latencyMs);
    const throughputRatio = rate('graphql') / rate('raw');
    const p95Ratio = graphql.p95 / raw.p95;
    const count = (mode: Mode) => samples[mode].latencyMs.length.toString();
    return [
        {
            figure: `GraphQL checkIn/s, ${at} (${count('graphql')})`,
            measured: `${rate('graphql').toFixed(1)}/s`,
            comparedWith: `raw ${rate('raw').toFixed(1)}/s (${count('raw')})`,
            ratio: formatRatio(throughputRatio),
            bar: `≥ ${THROUGHPUT_RATIO_BAR.toString()} × raw`,
            meetsBar: throughputRatio >= THROUGHPUT_RATIO_BAR,
        },
        { figure: `GraphQL checkIn p50, ${at}`, measured: formatMs(graphql.p50), comparedWith: `raw ${formatMs(raw.p50)}`, ratio: formatRatio(graphql.p50 / raw.p50) },
        {
            figure: `GraphQL checkIn p95, ${at}`,
            measured: formatMs(graphql.p95),
            comparedWith: `raw ${formatMs(raw.p95)}`,
            ratio: formatRatio(p95Ratio),
            bar: `≤ ${P95_RATIO_BAR.toString()} × raw`,
            meetsBar: p95Ratio <= P95_RATIO_BAR,
        },
    ];
}

/** The API's mean time in fabric-gateway per GraphQL check-in of the level, against the mean latency its client saw. */
function apiNote(concurrency: number, latencyMs: readonly number[], before: readonly Sample[], after: readonly Sample[]): string {
    const meanMs = (operation: string, transaction: string) =>
        1000 * windowMean(histogramWindow(before, after, API_FABRIC_SECONDS, { operation, transaction, outcome: 'ok' }));
    const evaluateMs = meanMs('evaluate', 'Visit:endorsersForCheckIn');
    const submitMs = meanMs('submit', 'Visit:checkIn');
    const clientMs = latencyMs.reduce((sum, value) => sum + value, 0) / latencyMs.length;
    return (
        `GraphQL path at c=${concurrency.toString()}, from the API's rcn_api_fabric_seconds (means): evaluate endorsersForCheckIn ${formatMs(evaluateMs)}, ` +
        `submit Visit:checkIn (endorse + order + commit status) ${formatMs(submitMs)}; the client saw ${formatMs(clientMs)}, ` +
        `so ${formatMs(clientMs - evaluateMs - submitMs)} per check-in is HTTP, JWT, GraphQL and the resolver`
    );
}

function phaseNote(concurrency: number, phases: readonly RawPhases[]): string {
    const part = (label: string, pick: (phase: RawPhases) => number) => {
        const { p50, p95 } = percentiles(phases.map(pick));
        return `${label} p50 ${formatMs(p50)} / p95 ${formatMs(p95)}`;
    };
    const mean = (pick: (phase: RawPhases) => number) => phases.reduce((sum, phase) => sum + pick(phase), 0) / phases.length;
    return (
        `raw path at c=${concurrency.toString()}, where the time goes (mean ${formatMs(mean((phase) => phase.evaluateMs + phase.endorseMs + phase.submitMs + phase.commitMs))} in all): ` +
        [
            part('evaluate endorsersForCheckIn', (phase) => phase.evaluateMs),
            part('endorse (both clubs)', (phase) => phase.endorseMs),
            part('submit to the orderer', (phase) => phase.submitMs),
            part('commit status (ordering into a block + validation + commit)', (phase) => phase.commitMs),
        ].join('; ')
    );
}
