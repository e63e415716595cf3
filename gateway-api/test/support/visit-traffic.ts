import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveNetwork } from './live-network.js';

/** Members of `homeClub` checked in and out at `hostClub` by the host's staff. */
export interface VisitCohort {
    readonly homeClub: string;
    readonly hostClub: string;
    readonly members: readonly string[];
}

export interface VisitTrafficOptions {
    readonly live: LiveNetwork;
    readonly channel: string;
    readonly cohorts: readonly VisitCohort[];
    /** Check-ins per member: at most the agreement's monthly allowance. */
    readonly visitsPerMember: number;
    /** Front desks working at once, each with a staff login of its own (the API rate-limits per subject). */
    readonly desks: number;
    /** New mutations started per second over all desks; retries are not paced. */
    readonly mutationsPerSecond: number;
    /** How long one mutation is retried before it counts as unresolved. */
    readonly giveUpAfterMs: number;
}

/** How one attempt ended: `ok`, the GraphQL error's `extensions.code`, or TRANSPORT when no GraphQL answer came. */
export interface Attempt {
    readonly startedAt: number;
    readonly endedAt: number;
    readonly answer: string;
    readonly reason?: string;
    readonly transactionId?: string;
}

/** A check-in (keyed by its clientRequestId) or a check-out, with every attempt until it was resolved. */
export interface Mutation {
    readonly kind: 'checkIn' | 'checkOut';
    readonly hostClub: string;
    readonly memberNumber: string;
    readonly requestId?: string;
    readonly attempts: Attempt[];
    visitId?: string;
    /** The transaction that did it, as the answer named it. */
    transactionId?: string;
    /**
     * How it was resolved: `committed` (this attempt recorded it), `replayed` (a check-in an earlier attempt had
     * recorded), `found-closed` (a check-out refused because an earlier attempt had closed the visit).
     */
    resolution?: 'committed' | 'replayed' | 'found-closed';
}

/** Codes after which the same mutation is tried again, as a client of the API would. */
const RETRIED = new Set(['LEDGER_UNAVAILABLE', 'LEDGER_OUTCOME_UNKNOWN', 'ENDORSEMENT_FAILED', 'CONFLICT', 'RATE_LIMITED', 'TRANSPORT']);
/** Attempts whose outcome the client cannot know: the transaction may have been recorded. */
export const OUTCOME_UNKNOWN = new Set(['LEDGER_OUTCOME_UNKNOWN', 'TRANSPORT']);

const CHECK_IN = `mutation($channel: String!, $member: String!, $requestId: String!) {
    checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0, clientRequestId: $requestId }) {
        visit { visitId } transactionId replayed
    }
}`;
const CHECK_OUT = `mutation($channel: String!, $visitId: String!) { checkOut(channel: $channel, visitId: $visitId) { transactionId } }`;

interface CheckInAnswer {
    readonly checkIn: { visit: { visitId: string }; transactionId: string; replayed: boolean };
}
interface CheckOutAnswer {
    readonly checkOut: { transactionId: string };
}

/**
 * Front desks checking members in and out through the API for as long as it runs, the way a careful client does:
 * each check-in carries a clientRequestId and is retried with it until it is answered; each check-out is retried
 * until the visit is closed. Every attempt is kept, so a test can hold each answer against the ledger afterwards.
 */
export class VisitTraffic {
    readonly mutations: Mutation[] = [];
    readonly #options: VisitTrafficOptions;
    readonly #runId = Date.now().toString(36);
    #nextStart = 0;
    #desks: Promise<void>[] = [];
    #stopped = false;

    constructor(options: VisitTrafficOptions) {
        this.#options = options;
    }

    start(): void {
        const queues = this.#options.cohorts.flatMap((cohort) => cohort.members.map((memberNumber) => ({ cohort, memberNumber })));
        this.#desks = Array.from({ length: this.#options.desks }, (_, desk) => this.#desk(desk, queues.filter((_, index) => index % this.#options.desks === desk)));
    }

    /** Resolves when every member has had all their visits (each mutation resolved or given up). */
    async finished(): Promise<void> {
        await Promise.all(this.#desks);
    }

    /**
     * Starts no other attempt and resolves once the desks are idle. A test that fails half-way stops its traffic:
     * left going, a desk retries each mutation against a killed process until giveUpAfterMs, for every member it has.
     */
    async stop(): Promise<void> {
        this.#stopped = true;
        await this.finished();
    }

    /**
     * When every host's desks had committed again: for each host, the end of its first attempt that started at or
     * after `since` and committed; the latest of those (undefined while a host has none).
     */
    everyHostCommittedSince(since: number): number | undefined {
        const firstCommits = this.#options.cohorts.map(({ hostClub }) => {
            const ends = this.mutations
                .filter((mutation) => mutation.hostClub === hostClub && mutation.resolution === 'committed' && (mutation.attempts.at(-1)?.startedAt ?? 0) >= since)
                .map((mutation) => mutation.attempts.at(-1)?.endedAt ?? Infinity);
            return ends.length === 0 ? undefined : Math.min(...ends);
        });
        return firstCommits.includes(undefined) ? undefined : Math.max(...(firstCommits as number[]));
    }

    async #desk(desk: number, queue: { cohort: VisitCohort; memberNumber: string }[]): Promise<void> {
        const tokens = new Map<string, string>();
        const staffOf = async (club: string): Promise<string> => {
            const token = tokens.get(club) ?? (await this.#options.live.token({ sub: `desk-${desk}`, club, role: 'staff' }));
            tokens.set(club, token);
            return token;
        };
        for (let visit = 0; visit < this.#options.visitsPerMember; visit += 1) {
            for (const { cohort, memberNumber } of queue) {
                if (this.#stopped) return;
                const staff = await staffOf(cohort.hostClub);
                const checkIn = await this.#resolved(staff, { kind: 'checkIn', hostClub: cohort.hostClub, memberNumber, requestId: `fault-${this.#runId}-${memberNumber}-${visit}`, attempts: [] });
                if (checkIn.visitId === undefined) continue;
                await this.#resolved(staff, { kind: 'checkOut', hostClub: cohort.hostClub, memberNumber, visitId: checkIn.visitId, attempts: [] });
            }
        }
    }

    /** Paces the start, then tries the mutation until it is answered with success, a final refusal or the deadline. */
    async #resolved(staff: string, mutation: Mutation): Promise<Mutation> {
        this.mutations.push(mutation);
        await this.#paced();
        const deadline = Date.now() + this.#options.giveUpAfterMs;
        for (let delay = 250; Date.now() < deadline && !this.#stopped; delay = Math.min(delay * 2, 2_000)) {
            const attempt = await this.#attempt(staff, mutation);
            mutation.attempts.push(attempt);
            if (mutation.resolution !== undefined || !RETRIED.has(attempt.answer) || this.#closedEarlier(mutation, attempt)) return mutation;
            await sleep(delay);
        }
        return mutation;
    }

    async #paced(): Promise<void> {
        const now = Date.now();
        const start = Math.max(now, this.#nextStart);
        this.#nextStart = start + 1_000 / this.#options.mutationsPerSecond;
        await sleep(start - now);
    }

    /** A check-out refused because the visit is already closed, after an attempt that may have closed it: resolved. */
    #closedEarlier(mutation: Mutation, attempt: Attempt): boolean {
        if (mutation.kind !== 'checkOut' || attempt.reason !== 'INVALID_TRANSITION') return false;
        if (mutation.attempts.slice(0, -1).some((earlier) => OUTCOME_UNKNOWN.has(earlier.answer))) mutation.resolution = 'found-closed';
        return true;
    }

    async #attempt(staff: string, mutation: Mutation): Promise<Attempt> {
        const startedAt = Date.now();
        const { live, channel } = this.#options;
        try {
            if (mutation.kind === 'checkIn') {
                const result = await live.graphql<CheckInAnswer>(staff, CHECK_IN, { channel, member: mutation.memberNumber, requestId: mutation.requestId });
                if (result.data?.checkIn) {
                    const { visit, transactionId, replayed } = result.data.checkIn;
                    Object.assign(mutation, { visitId: visit.visitId, transactionId, resolution: replayed ? 'replayed' : 'committed' });
                }
                return refusalOf(startedAt, result.errors);
            }
            const result = await live.graphql<CheckOutAnswer>(staff, CHECK_OUT, { channel, visitId: mutation.visitId });
            if (result.data?.checkOut) Object.assign(mutation, { transactionId: result.data.checkOut.transactionId, resolution: 'committed' });
            return refusalOf(startedAt, result.errors);
        } catch (error) {
            return { startedAt, endedAt: Date.now(), answer: 'TRANSPORT', reason: error instanceof Error ? error.message : String(error) };
        }
    }
}

type GraphqlErrors = Awaited<ReturnType<LiveNetwork['graphql']>>['errors'];

function refusalOf(startedAt: number, errors: GraphqlErrors): Attempt {
    const endedAt = Date.now();
    const first = errors?.[0];
    if (first === undefined) return { startedAt, endedAt, answer: 'ok' };
    const { extensions } = first;
    return {
        startedAt,
        endedAt,
        answer: extensions?.code ?? 'UNTYPED',
        ...(extensions?.reason === undefined ? {} : { reason: extensions.reason }),
        ...(extensions?.transactionId === undefined ? {} : { transactionId: extensions.transactionId }),
    };
}
