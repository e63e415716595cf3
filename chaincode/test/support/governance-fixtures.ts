import { ClubContract } from '../../src/clubs/club-contract';
import { GovernanceContract } from '../../src/governance/governance-contract';
import type { Club } from '../../src/model/club';
import {
    type ConsortiumRules,
    type Proposal,
    type ProposalRequest,
    type Vote,
    type VoteChoice,
    defaultConsortiumRules,
} from '../../src/model/governance';
import { HARBOUR, admin, auditor, clubRegistration } from './fixtures';
import type { FakeLedger, Submitter, TransactionOutcome } from './ledger';

/** Clubs beyond the three of fixtures.ts, for votes that need more voters. */
export const LAKE = 'LakeMSP';
export const COAST = 'CoastMSP';
const extraPrefixes: Record<string, string> = { [LAKE]: 'LAK', [COAST]: 'COA' };

export const HOUR_MS = 60 * 60 * 1000;

export function hoursAfter(instant: Date, hours: number): Date {
    return new Date(instant.getTime() + hours * HOUR_MS);
}

export function msAfter(instant: Date, ms: number): Date {
    return new Date(instant.getTime() + ms);
}

/** The deadline the fixtures use unless a test sets one: two days after the ledger's clock. */
export function defaultDeadline(ledger: FakeLedger): Date {
    return hoursAfter(ledger.clock, 48);
}

const about = { title: 'Shared events calendar', description: 'Publish every club event on one shared calendar.' };

export function generalRequest(deadline: Date): ProposalRequest {
    return { type: 'GENERAL', ...about, votingDeadline: deadline.toISOString() };
}

export function suspensionRequest(targetClub: string, deadline: Date): ProposalRequest {
    return { type: 'SUSPEND_CLUB', targetClub, ...about, votingDeadline: deadline.toISOString() };
}

export function admissionRequest(targetClub: string, deadline: Date): ProposalRequest {
    return { type: 'ADMIT_CLUB', targetClub, ...about, votingDeadline: deadline.toISOString() };
}

export function amendmentRequest(rules: ConsortiumRules, deadline: Date): ProposalRequest {
    return { type: 'AMEND_RULES', rules, ...about, votingDeadline: deadline.toISOString() };
}

/** Rules that differ from the defaults in every field, for amendments. */
export const stricterRules: ConsortiumRules = {
    quorumPercent: 75,
    passRules: { ADMIT_CLUB: 'THREE_QUARTERS', SUSPEND_CLUB: 'UNANIMOUS', AMEND_RULES: 'THREE_QUARTERS', GENERAL: 'TWO_THIRDS' },
    minVotingHours: 24,
    maxVotingHours: 24 * 14,
    admissionRequired: true,
};

/** Stores consortium rules directly, as if an amendment had passed. */
export function arrangeRules(ledger: FakeLedger, overrides: Partial<ConsortiumRules>): void {
    ledger.write({ ...defaultConsortiumRules, ...overrides }, 'rules');
}

/** Sets a registered club's status directly, to arrange a test. */
export function arrangeClubStatus(ledger: FakeLedger, mspId: string, status: Club['status']): void {
    const club = ledger.read<Club>('club', mspId);
    if (club === undefined) {
        throw new Error(`arrange: club ${mspId} is not registered`);
    }
    ledger.write({ ...club, status }, 'club', mspId);
}

/** Registers clubs beyond the three of fixtures.ts, each with a prefix of its own. */
export async function registerMoreClubs(ledger: FakeLedger, ...mspIds: string[]): Promise<void> {
    const clubs = new ClubContract();
    for (const mspId of mspIds) {
        const registration = clubRegistration(mspId, { memberPrefix: extraPrefixes[mspId] ?? 'ZZZ' });
        ledger.joinChannel(mspId);
        await ledger.submit(admin(mspId), (ctx) => clubs.register(ctx, JSON.stringify(registration)));
    }
}

const governance = new GovernanceContract();

export async function propose(ledger: FakeLedger, request: ProposalRequest, submitter: Submitter = admin(HARBOUR)): Promise<Proposal> {
    const { result } = await ledger.submit(submitter, (ctx) => governance.propose(ctx, JSON.stringify(request)));
    return JSON.parse(result) as Proposal;
}

/** Casts one vote per club, each by the club's admin at the ledger's clock. */
export async function castVotes(ledger: FakeLedger, proposalId: string, choices: Record<string, VoteChoice>): Promise<void> {
    for (const [mspId, choice] of Object.entries(choices)) {
        await ledger.submit(admin(mspId), (ctx) => governance.vote(ctx, proposalId, choice));
    }
}

/** Closes a proposal at its deadline, by an auditor of Harbour unless a submitter is given. */
export async function closeAtDeadline(
    ledger: FakeLedger,
    proposal: Proposal,
    submitter: Submitter = auditor(HARBOUR),
): Promise<TransactionOutcome<Proposal>> {
    const at = new Date(proposal.votingDeadline);
    const outcome = await ledger.submit({ ...submitter, at }, (ctx) => governance.close(ctx, proposal.proposalId));
    return { ...outcome, result: JSON.parse(outcome.result) as Proposal };
}

/** A vote record as the chaincode writes it, for arranging votes the contract would refuse. */
export function voteRecord(proposalId: string, club: string, choice: VoteChoice): Vote {
    return { proposalId, club, choice, cast: { by: `admin@${club}`, club, at: '2026-03-02T10:00:00.000Z', txId: proposalId } };
}
