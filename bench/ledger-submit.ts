import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Contract } from '@hyperledger/fabric-gateway';
import { type GatewayConnection, LOCAL_NETWORK_PROFILE, connectToGateway, loadNetworkProfile } from '@reciprocal-clubs/ledger-connection';
import { ACTOR_TRANSIENT_KEY } from '@reciprocal-clubs/chaincode/model';
import { personalData } from '../chaincode/test/support/member-fixtures.js';
import { LOCAL_ISSUER_DIRECTORY } from '../gateway-api/src/auth/issuer.js';
import { LocalIssuer } from '../gateway-api/src/auth/local-issuer.js';
import { type BenchReport, type Figure, progress } from './support/report.js';
import { formatMs, formatRatio, percentiles } from './support/stats.js';

const NAME = 'ledger-submit';
const HOME = 'HarbourMSP';
const HOST = 'AlpineMSP';
const CHANNEL = 'atlantic';
const THROUGHPUT_RATIO_BAR = 0.9;
const P95_RATIO_BAR = 1.1;
/** Check-ins per mode before anything is timed: gRPC channels, HTTP keep-alive connections, JIT. */
const WARM_UP_PER_MODE = 4;
const ENROL_CONCURRENCY = 3;
/** Enrolments in the same block invalidate each other (member sequence): tried again, as a client would. */
const ENROL_ATTEMPTS = 10;
const CHECK_OUT_CONCURRENCY = 16;
/** The demo agreement's monthly limit: each member checks in this many times, once per round, checked out between. */
const VISITS_PER_MEMBER = 4;
/** The API admits 600 requests a minute per (club, subject): a token per request keeps the limiter out of the figures. */
const TOKEN_LIFETIME = '30m';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

const CHECK_IN = `mutation($channel: String!, $member: String!) {
    checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0 }) {
        visit { visitId memberNumber } transactionId blockNumber replayed
    }
}`;
const ENROL = `mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { member { memberNumber } } }`;

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
interface RawPhases {
    readonly evaluateMs: number;
    readonly endorseMs: number;
    readonly submitMs: number;
    readonly commitMs: number;
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

interface GraphqlAnswer {
    readonly data?: { checkIn?: { replayed: boolean; blockNumber: string | null; visit: { visitId: string; memberNumber: string } } };
    readonly errors?: unknown[];
}

/**
 * `Visit:checkIn` at Alpine for a Harbour member, submitted and awaited through the API's `checkIn` mutation and
 * directly through @hyperledger/fabric-gateway as Alpine's staff identity on the same Gateway service, with the
 * same endorsers, each request for a member of its own.
 */
export async function ledgerSubmit(options: LedgerSubmitOptions): Promise<BenchReport> {
    const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
    const apiUrl = profile.api?.url;
    const host = profile.clubs[HOST];
    const staffIdentity = host?.identities.staff;
    if (apiUrl === undefined || host === undefined || staffIdentity === undefined) {
        throw new Error(`the network profile names no API or no ${HOST} staff identity: is the network up (./test-network.sh status)?`);
    }
    const issuer = await LocalIssuer.open(path.join(repositoryRoot, LOCAL_ISSUER_DIRECTORY));
    const connection: GatewayConnection<'staff'> = await connectToGateway({ mspId: HOST, gateway: host.gateway, identities: { staff: staffIdentity } });
    try {
        const contract = connection.as('staff').getNetwork(CHANNEL).getContract(profile.chaincode);
        const graphqlUrl = `${apiUrl}/graphql`;
        const levels = [
            { concurrency: 1, membersPerMode: Math.ceil(options.serialCheckIns / VISITS_PER_MEMBER) },
            { concurrency: options.concurrency, membersPerMode: Math.ceil(options.concurrentCheckIns / VISITS_PER_MEMBER) },
        ];
        const total = 2 * (WARM_UP_PER_MODE + levels.reduce((sum, level) => sum + level.membersPerMode, 0));
        progress(NAME, `enrolling ${total.toString()} fresh ${HOME} members through the API (${ENROL_CONCURRENCY.toString()} at a time: enrolments contend for the club's member sequence)`);
        const enrolStarted = performance.now();
        const members = await enrolMembers(graphqlUrl, issuer, total);
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
            await forEachConcurrently(visits, CHECK_OUT_CONCURRENCY, (visit) => checkOut(graphqlUrl, visit));
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
            const metricsBefore = await apiFabricSeconds(apiUrl);
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
            phaseNotes.push(apiNote(level.concurrency, samples.graphql.latencyMs, metricsBefore, await apiFabricSeconds(apiUrl)));
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

async function enrolMembers(graphqlUrl: string, issuer: LocalIssuer, count: number): Promise<string[]> {
    const validUntil = `${(new Date().getUTCFullYear() + 1).toString()}-12-31`;
    const members: string[] = [];
    await forEachConcurrently(Array.from({ length: count }, (_, index) => index), ENROL_CONCURRENCY, async (index) => {
        const token = await issuer.issue({ sub: `bench-enrol-${index.toString()}`, club: HOME, role: 'admin' }, TOKEN_LIFETIME);
        for (let attempt = 1; ; attempt += 1) {
            const answer = await postGraphql<{ data?: { enrolMember?: { member: { memberNumber: string } } }; errors?: unknown[] }>(graphqlUrl, token, ENROL, {
                channel: CHANNEL,
                input: { membershipType: 'REGULAR', validUntil, personalData: personalData() },
            });
            const member = answer.data?.enrolMember?.member.memberNumber;
            if (member !== undefined) {
                members.push(member);
                return;
            }
            if (attempt >= ENROL_ATTEMPTS) throw new Error(`enrolMember failed ${attempt.toString()} times: ${JSON.stringify(answer.errors)}`);
        }
    });
    return members;
}

async function checkOut(graphqlUrl: string, visit: OpenVisit): Promise<void> {
    const answer = await postGraphql<{ data?: { checkOut?: { transactionId: string } }; errors?: unknown[] }>(
        graphqlUrl,
        visit.token,
        'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }',
        { channel: CHANNEL, id: visit.visitId },
    );
    if (answer.data?.checkOut === undefined) throw new Error(`checkOut of ${visit.visitId} failed: ${JSON.stringify(answer.errors)}`);
}

/** `concurrency` workers through the items, each taking the next one when its previous one is done. */
async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        for (let index = next++; index < items.length; index = next++) {
            await work(items[index] as T);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function postGraphql<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as T;
    if (!response.ok) throw new Error(`HTTP ${response.status.toString()}: ${JSON.stringify(body)}`);
    return body;
}

async function graphqlCheckIn(url: string, job: Job): Promise<Outcome> {
    const answer = await postGraphql<GraphqlAnswer>(url, job.token, CHECK_IN, { channel: CHANNEL, member: job.member });
    const checkIn = answer.data?.checkIn;
    if (answer.errors !== undefined || checkIn === undefined || checkIn.replayed || checkIn.blockNumber === null || checkIn.visit.memberNumber !== job.member) {
        throw new Error(`GraphQL check-in of ${job.member} failed: ${JSON.stringify(answer)}`);
    }
    return { visitId: checkIn.visit.visitId };
}

/** What the API's FabricLedger sends for a staff caller: the same arguments, endorsers and transient actor. */
async function rawCheckIn(contract: Contract, job: Job): Promise<Outcome> {
    const transientData = { [ACTOR_TRANSIENT_KEY]: job.subject };
    const t0 = performance.now();
    const endorsers = JSON.parse(Buffer.from(await contract.evaluate('Visit:endorsersForCheckIn', { arguments: [job.member], transientData })).toString('utf8')) as string[];
    const t1 = performance.now();
    const proposal = contract.newProposal('Visit:checkIn', {
        arguments: [JSON.stringify({ memberNumber: job.member, facility: 'DINING', guests: 0, nights: 0 })],
        transientData,
        endorsingOrganizations: endorsers,
    });
    const transaction = await proposal.endorse();
    const t2 = performance.now();
    const commit = await transaction.submit();
    const t3 = performance.now();
    const status = await commit.getStatus();
    const t4 = performance.now();
    if (!status.successful) {
        throw new Error(`raw check-in of ${job.member} invalidated: code ${status.code.toString()}`);
    }
    // The visit's ID is its check-in's transaction ID.
    return { visitId: status.transactionId, phases: { evaluateMs: t1 - t0, endorseMs: t2 - t1, submitMs: t3 - t2, commitMs: t4 - t3 } };
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

/** The API's own Prometheus histogram of its gateway calls (`rcn_api_fabric_seconds`): sum and count of the two a check-in makes. */
interface FabricSeconds {
    readonly sum: number;
    readonly count: number;
}

const API_SERIES = [
    'rcn_api_fabric_seconds_{kind}{operation="evaluate",transaction="Visit:endorsersForCheckIn",outcome="ok"}',
    'rcn_api_fabric_seconds_{kind}{operation="submit",transaction="Visit:checkIn",outcome="ok"}',
] as const;

async function apiFabricSeconds(apiUrl: string): Promise<readonly FabricSeconds[]> {
    const text = await (await fetch(`${apiUrl}/metrics`)).text();
    const value = (series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.slice(series.length + 1) ?? '0');
    return API_SERIES.map((series) => ({ sum: value(series.replace('{kind}', 'sum')), count: value(series.replace('{kind}', 'count')) }));
}

/** The API's mean time in fabric-gateway per GraphQL check-in of the level, against the mean latency its client saw. */
function apiNote(concurrency: number, latencyMs: readonly number[], before: readonly FabricSeconds[], after: readonly FabricSeconds[]): string {
    const meanMs = (index: number) => {
        const sum = (after[index]?.sum ?? 0) - (before[index]?.sum ?? 0);
        const count = (after[index]?.count ?? 0) - (before[index]?.count ?? 0);
        return count === 0 ? Number.NaN : (1000 * sum) / count;
    };
    const evaluateMs = meanMs(0);
    const submitMs = meanMs(1);
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
