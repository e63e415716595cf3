import { setTimeout as sleep } from 'node:timers/promises';
import { EndorseError } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { toApiError } from '../gateway-api/src/ledger-errors.js';
import { enrolMembers } from './support/api-client.js';
import { type CommitPhases, cancelProposal, checkInProposal, endorseAndCommit, endorsersForCheckIn, enrolledOnLedger, visitOnLedger } from './support/ledger-visits.js';
import { type BenchReport, type Figure, progress } from './support/report.js';
import { DEMO_AGREEMENT, type HostDesk, type RunningProduct, connectHostDesk, runningProduct } from './support/running-product.js';
import { StateFile } from './support/state-file.js';
import { formatCount, formatMs, formatRatio, percentiles } from './support/stats.js';

const NAME = 'check-in-history';
const RATIO_BAR = 1.2;
/** Rounds before the timed ones: a cached history starts on cold gRPC channels. */
const WARM_UP_ROUNDS = 2;
const ACTOR = 'bench-history-desk';
/** A member serves a history of n prior visits while it has at most 10 % more: every measured check-in adds one. */
const HISTORY_SLACK = 0.1;
/** A step failing this many times in a row ends the run: long enough to outlast a component's restart. */
const ATTEMPTS = 30;
const MAX_PAUSE_MS = 10_000;
const PROGRESS_EVERY = 250;

export interface CheckInHistoryOptions {
    /** Prior visits of the member whose check-ins are compared. */
    readonly history: number;
    /** Prior visits of the member it is compared with. */
    readonly baselineHistory: number;
    /** Timed check-ins per member. */
    readonly samples: number;
}

const HistoryMember = z.object({
    memberNumber: z.string(),
    enrolledTxId: z.string(),
    /** Cancelled visits on the ledger: the member's history. */
    priorVisits: z.number().int().nonnegative(),
    /** A check-in sent and not yet known to be cancelled: written before it is endorsed, so a killed run leaves no open visit unknown. */
    pendingVisitId: z.string().optional(),
});
type HistoryMember = z.infer<typeof HistoryMember>;

const HistoryRecord = z.object({ channel: z.string(), members: z.array(HistoryMember) });
type HistoryRecord = z.infer<typeof HistoryRecord>;

type Role = 'history' | 'baseline';

/** The record file and the desk that changes the members it lists: every change is written before and after. */
interface Histories {
    readonly desk: HostDesk;
    readonly file: StateFile<HistoryRecord>;
    readonly record: HistoryRecord;
    /** Every failed step that was tried again, as `what: code message`. */
    readonly failures: string[];
}

/**
 * Endorse-to-commit latency of a `Visit:checkIn` for a member with a long visit history against one with a short one,
 * through @hyperledger/fabric-gateway as the host's desk. The histories are check-in and `Visit:cancel` pairs, built
 * once and kept: the record in `.network/bench/check-in-history.json` lists each member and its prior visits.
 */
export async function checkInHistory(options: CheckInHistoryOptions): Promise<BenchReport> {
    const product = await runningProduct();
    const desk = await connectHostDesk(product);
    try {
        const file = new StateFile(`${NAME}.json`, HistoryRecord);
        const record = { channel: DEMO_AGREEMENT.channel, members: await membersStillEnrolled(desk, file) };
        const histories: Histories = { desk, file, record, failures: [] };
        await file.write(record);
        const targets: Record<Role, number> = { history: options.history, baseline: options.baselineHistory };
        const members = await chooseMembers(histories, targets, product);
        const setup = await buildHistories(histories, members, targets);
        const failuresBefore = histories.failures.length;
        const { samples, priorAtFirst } = await measure(histories, members, options.samples);
        return {
            benchmark: NAME,
            figures: figures(samples, priorAtFirst),
            notes: notes({
                file: file.path,
                members,
                priorAtFirst,
                setup,
                samples: options.samples,
                measuringFailures: histories.failures.slice(failuresBefore),
                setupFailures: histories.failures.slice(0, failuresBefore),
            }),
        };
    } finally {
        desk.connection.close();
    }
}

/** The recorded members the ledger still holds as enrolled then: none once the network was made anew. */
async function membersStillEnrolled(desk: HostDesk, file: StateFile<HistoryRecord>): Promise<HistoryMember[]> {
    const recorded = await file.read();
    const candidates = recorded?.channel === DEMO_AGREEMENT.channel ? recorded.members : [];
    const present = await Promise.all(candidates.map((member) => enrolledOnLedger(desk.contract, member)));
    const members = candidates.filter((_, index) => present[index] === true);
    if (members.length < candidates.length) {
        progress(NAME, `${(candidates.length - members.length).toString()} recorded member(s) no longer on the ledger (the network was made anew?): their histories start over`);
    }
    return members;
}

/**
 * For each role, shorter target first (so a long history is not spent on it), the recorded member with the longest
 * history that still fits; fresh ones enrolled for the rest.
 */
async function chooseMembers(histories: Histories, targets: Readonly<Record<Role, number>>, product: RunningProduct): Promise<Record<Role, HistoryMember>> {
    const taken: HistoryMember[] = [];
    const fitting = (target: number) =>
        histories.record.members
            .filter((member) => !taken.includes(member) && member.priorVisits <= target * (1 + HISTORY_SLACK))
            .sort((a, b) => b.priorVisits - a.priorVisits)[0];
    const chosen: Partial<Record<Role, HistoryMember>> = {};
    for (const role of (['history', 'baseline'] as const).toSorted((a, b) => targets[a] - targets[b])) {
        const member = fitting(targets[role]);
        if (member !== undefined) {
            taken.push(member);
            chosen[role] = member;
        }
    }
    const missing = (['history', 'baseline'] as const).filter((role) => chosen[role] === undefined);
    if (missing.length > 0) {
        progress(NAME, `enrolling ${missing.length.toString()} fresh ${DEMO_AGREEMENT.home} member(s) through the API`);
        const enrolled = await enrolMembers(product.graphqlUrl, product.issuer, missing.length);
        for (const [index, role] of missing.entries()) {
            const member = enrolled[index];
            if (member === undefined) throw new Error('the API enrolled fewer members than asked');
            const fresh: HistoryMember = { ...member, priorVisits: 0 };
            histories.record.members.push(fresh);
            chosen[role] = fresh;
        }
        await histories.file.write(histories.record);
    }
    const { history, baseline } = chosen;
    if (history === undefined || baseline === undefined) throw new Error('no member for a role');
    return { history, baseline };
}

/** Pairs built this run for a member, and how long its own sequence took. */
interface Built {
    readonly pairs: number;
    readonly seconds: number;
}

type Setup = Record<Role, Built>;

/** Tops each member's history up to its target, the two members side by side, each one pair after the other. */
async function buildHistories(histories: Histories, members: Readonly<Record<Role, HistoryMember>>, targets: Readonly<Record<Role, number>>): Promise<Setup> {
    const build = async (role: Role): Promise<Built> => {
        const member = members[role];
        await persistently(histories, `settling ${member.memberNumber}'s check-in in flight`, () => settle(histories, member));
        const missing = Math.max(0, targets[role] - member.priorVisits);
        if (missing > 0) {
            progress(NAME, `${role} member ${member.memberNumber}: ${formatCount(member.priorVisits)} prior visits, building ${formatCount(missing)} more (check-in + cancel pairs)`);
        }
        const started = performance.now();
        for (let pair = 1; pair <= missing; pair += 1) {
            await visitAndCancel(histories, member);
            if (pair % PROGRESS_EVERY === 0) {
                const rate = pair / ((performance.now() - started) / 1000);
                progress(NAME, `${role} member ${member.memberNumber}: ${formatCount(member.priorVisits)}/${formatCount(targets[role])} prior visits, ${rate.toFixed(1)} pairs/s, about ${Math.ceil((missing - pair) / rate / 60).toString()} min left`);
            }
        }
        return { pairs: missing, seconds: (performance.now() - started) / 1000 };
    };
    const [history, baseline] = await Promise.all([build('history'), build('baseline')]);
    return { history, baseline };
}

type Samples = Record<Role, CommitPhases[]>;

interface Measured {
    readonly samples: Samples;
    /** Each member's prior visits at its first timed check-in. */
    readonly priorAtFirst: Readonly<Record<Role, number>>;
}

/** Timed check-ins, the two members alternating (which goes first too), each cancelled untimed before the next. */
async function measure(histories: Histories, members: Readonly<Record<Role, HistoryMember>>, samples: number): Promise<Measured> {
    progress(NAME, `${WARM_UP_ROUNDS.toString()} warm-up rounds, then ${samples.toString()} timed check-ins per member, alternating`);
    for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
        for (const role of ['history', 'baseline'] as const) await visitAndCancel(histories, members[role]);
    }
    const measured: Samples = { history: [], baseline: [] };
    const priorAtFirst = { history: members.history.priorVisits, baseline: members.baseline.priorVisits };
    for (let round = 0; round < samples; round += 1) {
        const order: Role[] = round % 2 === 0 ? ['history', 'baseline'] : ['baseline', 'history'];
        for (const role of order) {
            measured[role].push(await visitAndCancel(histories, members[role]));
        }
    }
    return { samples: measured, priorAtFirst };
}

/** One more prior visit: a check-in (its phases returned) and its cancellation, each tried again until it holds. */
async function visitAndCancel(histories: Histories, member: HistoryMember): Promise<CommitPhases> {
    const phases = await persistently(histories, `check-in of ${member.memberNumber}`, () => checkIn(histories, member));
    // A first attempt knows the visit is open; a later one asks the ledger what the earlier one left.
    await persistently(histories, `cancel of ${member.memberNumber}'s visit`, (attempt) => (attempt === 1 ? cancelPending(histories, member) : settle(histories, member)));
    return phases;
}

async function checkIn(histories: Histories, member: HistoryMember): Promise<CommitPhases> {
    await settle(histories, member);
    const endorsers = await endorsersForCheckIn(histories.desk.contract, member.memberNumber, ACTOR);
    const proposal = checkInProposal(histories.desk.contract, member.memberNumber, { actor: ACTOR, endorsers });
    member.pendingVisitId = proposal.getTransactionId();
    await histories.file.write(histories.record);
    return endorseAndCommit(proposal);
}

async function cancelPending(histories: Histories, member: HistoryMember): Promise<void> {
    const visitId = member.pendingVisitId;
    if (visitId === undefined) return;
    const endorsers = await endorsersForCheckIn(histories.desk.contract, member.memberNumber, ACTOR);
    await endorseAndCommit(cancelProposal(histories.desk.contract, visitId, { actor: ACTOR, endorsers }));
    await counted(histories, member);
}

/** What became of the pending check-in: never recorded, open (cancelled now) or closed; counted when recorded. */
async function settle(histories: Histories, member: HistoryMember): Promise<void> {
    const visitId = member.pendingVisitId;
    if (visitId === undefined) return;
    const visit = await visitOnLedger(histories.desk.contract, visitId);
    if (visit?.status === 'CHECKED_IN') {
        await cancelPending(histories, member);
    } else if (visit === undefined) {
        member.pendingVisitId = undefined;
        await histories.file.write(histories.record);
    } else {
        await counted(histories, member);
    }
}

async function counted(histories: Histories, member: HistoryMember): Promise<void> {
    member.priorVisits += 1;
    member.pendingVisitId = undefined;
    await histories.file.write(histories.record);
}

/**
 * The step, tried again after a pause while it fails (a component restarting, a peer a block behind the other): the
 * record keeps what committed, so giving up loses nothing a next run cannot resume.
 */
async function persistently<T>(histories: Histories, what: string, step: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
        try {
            return await step(attempt);
        } catch (error) {
            const failure = `${what}: ${describeFailure(error)}`;
            histories.failures.push(failure);
            if (attempt >= ATTEMPTS) {
                throw new Error(`${failure} (${attempt.toString()} attempts; ${histories.file.path} keeps what committed: run again to resume)`, { cause: error });
            }
            const pauseMs = Math.min(MAX_PAUSE_MS, firstPauseMs(error) * 2 ** (attempt - 1));
            if (pauseMs >= 1_000) progress(NAME, `${failure}; trying again in ${(pauseMs / 1000).toString()} s`);
            await sleep(pauseMs);
        }
    }
}

/**
 * A refused endorsement sent nothing to the orderer, and is most often one endorsing peer not having committed the
 * previous block yet, which a moment fixes. A transaction that reached the orderer may still commit: before it is
 * settled, at least a block's time.
 */
function firstPauseMs(error: unknown): number {
    return error instanceof EndorseError ? 100 : 1_000;
}

function describeFailure(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    return `${toApiError(error).code} ${message.slice(0, 160)}`;
}

const PHASES: readonly { readonly label: string; readonly ms: (phases: CommitPhases) => number; readonly barred: boolean }[] = [
    { label: 'endorse → commit', ms: (phases) => phases.endorseMs + phases.submitMs + phases.commitMs, barred: true },
    { label: 'endorse', ms: (phases) => phases.endorseMs, barred: false },
    { label: 'submit → commit', ms: (phases) => phases.submitMs + phases.commitMs, barred: false },
];

function figures(samples: Samples, priorAtFirst: Readonly<Record<Role, number>>): Figure[] {
    return PHASES.flatMap(({ label, ms, barred }) => {
        const history = percentiles(samples.history.map(ms));
        const baseline = percentiles(samples.baseline.map(ms));
        return (['p50', 'p95'] as const).map((rank): Figure => {
            const ratio = history[rank] / baseline[rank];
            return {
                figure: `check-in ${label} ${rank}, ${formatCount(priorAtFirst.history)} prior visits (${samples.history.length.toString()})`,
                measured: formatMs(history[rank]),
                comparedWith: `${formatCount(priorAtFirst.baseline)} prior visits: ${formatMs(baseline[rank])} (${samples.baseline.length.toString()})`,
                ratio: formatRatio(ratio),
                ...(barred ? { bar: `≤ ${RATIO_BAR.toString()} × shorter history`, meetsBar: ratio <= RATIO_BAR } : {}),
            };
        });
    });
}

interface NoteFacts {
    readonly file: string;
    readonly members: Readonly<Record<Role, HistoryMember>>;
    readonly priorAtFirst: Readonly<Record<Role, number>>;
    readonly setup: Setup;
    readonly samples: number;
    readonly setupFailures: readonly string[];
    readonly measuringFailures: readonly string[];
}

function notes(facts: NoteFacts): string[] {
    const { members, priorAtFirst, setup } = facts;
    const member = (role: Role) =>
        `${members[role].memberNumber} (${formatCount(priorAtFirst[role])} prior visits at its first timed check-in, ${formatCount(members[role].priorVisits)} now)`;
    const builtFor = (role: Role) => {
        const { pairs, seconds } = setup[role];
        return pairs === 0
            ? `none for ${members[role].memberNumber}`
            : `${formatCount(pairs)} for ${members[role].memberNumber} in ${seconds.toFixed(1)} s (${(pairs / seconds).toFixed(2)} pairs/s, ${((2 * pairs) / seconds).toFixed(1)} tx/s)`;
    };
    const built = `pairs built this run (the setup rate; the two members side by side, one member's pairs sequential by nature, as each check-in reads the open-visit pointer and the usage counters the previous cancellation wrote): ${builtFor('history')}; ${builtFor('baseline')}`;
    return [
        `the running product (./test-network.sh up): ${DEMO_AGREEMENT.home} members checked in at ${DEMO_AGREEMENT.host} on ${DEMO_AGREEMENT.channel} under the demo agreement, through @hyperledger/fabric-gateway in this process as ${DEMO_AGREEMENT.host}'s staff identity on ${DEMO_AGREEMENT.host}'s gateway endpoint, with the endorsing organizations Visit:endorsersForCheckIn names (home and host); compared: ${member('history')} against ${member('baseline')}`,
        `histories are check-in + Visit:cancel pairs: the agreement caps a member's visits per month (${DEMO_AGREEMENT.visitsPerMonth.toString()} in the demo agreement; the domain allows at most 31 a month and 366 a year), and a cancellation gives the allowance back, so the usage counters stay at 0 while every pair leaves a cancelled visit, its entry in the member's visit index, and a new version of the open-visit pointer and of both counters; ${built}`,
        `resumable: ${facts.file} lists each member (number and enrolment transaction) with its prior visits and the check-in in flight, written before each check-in is endorsed and after it is cancelled; a run tops up only what is missing, after checking that the ledger still holds each member as enrolled then (a network made anew starts over) and settling a check-in a killed run left (cancelled if open, counted if recorded). A member serves a history of n while it has at most ${(HISTORY_SLACK * 100).toString()} % more, as every timed check-in adds one`,
        `timed: ${WARM_UP_ROUNDS.toString()} warm-up rounds, then ${facts.samples.toString()} rounds of one check-in per member, which member goes first alternating, each check-in cancelled (untimed) before the next one is sent, so one transaction is in flight at a time and the monthly limit is never reached; endorse = proposal.endorse() (both clubs' peers through the host's gateway), submit → commit = transaction.submit() to the orderer's acknowledgement plus commit.getStatus() until the host's peer committed it; Visit:endorsersForCheckIn is evaluated before each check-in, untimed`,
        `the orderer cuts a block 200 ms after its first transaction (BatchTimeout) when fewer than 100 wait: with one transaction in flight that wait is most of submit → commit for both members, so the history shows, if anywhere, in endorse (the chaincode's reads) and in the peers' validation and commit`,
        facts.setupFailures.length === 0 ? 'no step of the setup failed' : `setup steps that failed and were tried again (${facts.setupFailures.length.toString()}): ${facts.setupFailures.slice(0, 5).join('; ')}`,
        facts.measuringFailures.length === 0
            ? 'no timed check-in failed'
            : `steps that failed while timing and were tried again, not in the figures (${facts.measuringFailures.length.toString()}): ${facts.measuringFailures.slice(0, 5).join('; ')}`,
    ];
}
