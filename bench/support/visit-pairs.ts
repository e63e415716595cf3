import { setTimeout as sleep } from 'node:timers/promises';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { toApiError } from '../../gateway-api/src/ledger-errors.js';
import { enrolMembers } from './api-client.js';
import { cancelProposal, checkInProposal, endorseAndCommit, endorsersForCheckIn, enrolledOnLedger, visitOnLedger } from './ledger-visits.js';
import { DEMO_AGREEMENT, type HostDesk, type RunningProduct } from './running-product.js';
import { StateFile } from './state-file.js';

/**
 * Load made of check-in + `Visit:cancel` pairs of the demo agreement's home members at the host's desk, through
 * @hyperledger/fabric-gateway as check-in-history builds its histories: a cancellation gives the visit allowance back,
 * so a member can make pairs without end. One member's pairs are sequential (each check-in reads what the previous
 * cancellation wrote); many members make pairs side by side. The members are kept in a record under `.network/bench/`
 * with the check-in in flight, written before it is endorsed, so a killed run leaves no open visit unknown.
 */

const PairMember = z.object({
    memberNumber: z.string(),
    enrolledTxId: z.string(),
    /** A check-in that may be open on the ledger: cancelled before the member's next check-in. */
    pendingVisitId: z.string().optional(),
});
export type PairMember = z.infer<typeof PairMember>;

const PairMembers = z.object({ channel: z.string(), members: z.array(PairMember) });
type PairMembers = z.infer<typeof PairMembers>;

/** A transaction failing this many times in a row ends the run: long enough to outlast a component's restart. */
const ATTEMPTS = 20;

/** What a member does next: ask the ledger what a failed attempt left, check in, or cancel its open visit. */
type Step = { readonly kind: 'settle' } | { readonly kind: 'check-in' } | { readonly kind: 'cancel'; readonly visitId: string };

/** Failures of one kind of step with one code: how many, and the first one's message. */
export interface FailureCount {
    count: number;
    readonly example: string;
}

export interface VisitPairsOptions {
    readonly product: RunningProduct;
    readonly desk: HostDesk;
    /** The record's file name under `.network/bench/`. */
    readonly recordName: string;
    readonly members: number;
    /** The transient actor of every transaction. */
    readonly actor: string;
    readonly log: (message: string) => void;
}

export class VisitPairs {
    readonly members: readonly PairMember[];
    /** Failed steps that were tried again, by `<step> <code>`. */
    readonly failures = new Map<string, FailureCount>();
    readonly #desk: HostDesk;
    readonly #file: StateFile<PairMembers>;
    readonly #record: PairMembers;
    readonly #actor: string;
    /** Asked once per member: they change only with an open visit at another host, which these members never make. */
    readonly #endorsers = new Map<PairMember, readonly string[]>();
    /** Members whose last transaction failed: what it left is asked of the ledger before their next one. */
    readonly #unsettled = new Set<PairMember>();

    private constructor(options: VisitPairsOptions, file: StateFile<PairMembers>, record: PairMembers) {
        this.#desk = options.desk;
        this.#file = file;
        this.#record = record;
        this.#actor = options.actor;
        this.members = record.members.slice(0, options.members);
        for (const member of this.members) {
            if (member.pendingVisitId !== undefined) this.#unsettled.add(member);
        }
    }

    /**
     * The recorded members (all dropped when the first or the last is not on the ledger as enrolled then: the network
     * was made anew), topped up with fresh ones enrolled through the API.
     */
    static async prepare(options: VisitPairsOptions): Promise<VisitPairs> {
        const file = new StateFile(options.recordName, PairMembers);
        const recorded = await file.read();
        let members = recorded?.channel === DEMO_AGREEMENT.channel ? recorded.members : [];
        const probes = [members[0], members.at(-1)].filter((member) => member !== undefined);
        if (!(await Promise.all(probes.map((member) => enrolledOnLedger(options.desk.contract, member)))).every(Boolean)) {
            options.log(`the members recorded in ${file.path} are not on the ledger (the network was made anew?): starting over`);
            members = [];
        }
        const missing = Math.max(0, options.members - members.length);
        if (missing > 0) {
            options.log(`enrolling ${missing.toString()} fresh ${DEMO_AGREEMENT.home} members through the API for check-in + cancel pairs`);
            const enrolled = await enrolMembers(options.product.graphqlUrl, options.product.issuer, missing);
            members = [...members, ...enrolled];
        }
        const record = { channel: DEMO_AGREEMENT.channel, members };
        await file.write(record);
        return new VisitPairs(options, file, record);
    }

    /**
     * The member's check-in and its cancellation (after cancelling what a failed run or attempt left open), each tried
     * again while it fails: the valid transactions this committed.
     */
    async pair(member: PairMember): Promise<number> {
        let committed = 0;
        let checkedIn = false;
        let failures = 0;
        while (!checkedIn || member.pendingVisitId !== undefined) {
            const step = this.#nextStep(member);
            try {
                await this.#take(member, step);
                if (step.kind !== 'settle') committed += 1;
                if (step.kind === 'check-in') checkedIn = true;
                failures = 0;
            } catch (error) {
                failures += 1;
                await this.#failed(member, step, error, failures);
            }
        }
        return committed;
    }

    #nextStep(member: PairMember): Step {
        if (this.#unsettled.has(member)) return { kind: 'settle' };
        return member.pendingVisitId === undefined ? { kind: 'check-in' } : { kind: 'cancel', visitId: member.pendingVisitId };
    }

    async #take(member: PairMember, step: Step): Promise<void> {
        switch (step.kind) {
            case 'settle':
                return this.#settle(member);
            case 'check-in':
                return this.#checkIn(member);
            case 'cancel':
                return this.#cancel(member, step.visitId);
        }
    }

    async #checkIn(member: PairMember): Promise<void> {
        const proposal = checkInProposal(this.#desk.contract, member.memberNumber, { actor: this.#actor, endorsers: await this.#endorsersOf(member) });
        member.pendingVisitId = proposal.getTransactionId();
        await this.#file.write(this.#record);
        await endorseAndCommit(proposal);
    }

    async #cancel(member: PairMember, visitId: string): Promise<void> {
        await endorseAndCommit(cancelProposal(this.#desk.contract, visitId, { actor: this.#actor, endorsers: await this.#endorsersOf(member) }));
        member.pendingVisitId = undefined;
        await this.#file.write(this.#record);
    }

    /** Keeps the pending check-in only while the ledger has it open. */
    async #settle(member: PairMember): Promise<void> {
        const visitId = member.pendingVisitId;
        if (visitId !== undefined && (await visitOnLedger(this.#desk.contract, visitId))?.status !== 'CHECKED_IN') {
            member.pendingVisitId = undefined;
            await this.#file.write(this.#record);
        }
        this.#unsettled.delete(member);
    }

    async #failed(member: PairMember, step: Step, error: unknown, failures: number): Promise<void> {
        const { code, message } = describeFailure(error);
        const failure = `${member.memberNumber}: ${message.slice(0, 160)}`;
        const key = `${step.kind} ${code}`;
        const counted = this.failures.get(key);
        if (counted === undefined) this.failures.set(key, { count: 1, example: failure });
        else counted.count += 1;
        if (failures >= ATTEMPTS) {
            throw new Error(`${failure} (${failures.toString()} attempts in a row; ${this.#file.path} keeps what is in flight)`, { cause: error });
        }
        if (member.pendingVisitId !== undefined) this.#unsettled.add(member);
        // A refused endorsement sent nothing, and is most often one peer a block behind the other; a transaction that
        // reached the orderer may still commit, so it is looked for on the ledger a block's time later at least.
        await sleep(error instanceof EndorseError ? 100 : 1_000);
    }

    /** The clubs the chaincode names for the member's check-in (home and host), which endorse its cancellation too. */
    async #endorsersOf(member: PairMember): Promise<readonly string[]> {
        const known = this.#endorsers.get(member);
        if (known !== undefined) return known;
        const endorsers = await endorsersForCheckIn(this.#desk.contract, member.memberNumber, this.#actor);
        this.#endorsers.set(member, endorsers);
        return endorsers;
    }
}

/** The chaincode's refusal when a peer gave one, else the gateway's words; any other error (an invalidated transaction) as it is. */
function describeFailure(error: unknown): { readonly code: string; readonly message: string } {
    if (error instanceof GatewayError) {
        const { code, message } = toApiError(error);
        return { code, message };
    }
    return { code: 'ERROR', message: error instanceof Error ? error.message : String(error) };
}
