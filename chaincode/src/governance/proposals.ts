import { channelClubs, requireActiveClub } from '../clubs/clubs';
import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { Keys } from '../ledger/keys';
import type { Club } from '../model/club';
import type { ConsortiumRules, Proposal, ProposalRequest } from '../model/governance';

const HOUR_MS = 60 * 60 * 1000;

export async function requireProposal(ctx: RecordContext, proposalId: string): Promise<Proposal> {
    return ctx.state.require<Proposal>(Keys.proposal(proposalId), `proposal ${proposalId}`);
}

/** The clubs ACTIVE on the channel now, in MSP ID order: a new proposal's voters. */
export async function activeClubs(ctx: RecordContext): Promise<string[]> {
    const clubs = await channelClubs(ctx);
    return clubs
        .filter((club) => club.status === 'ACTIVE')
        .map((club) => club.mspId)
        .sort();
}

/** The clubs a proposal concerns: its voters and the club it would admit or suspend. */
export function partiesOf(proposal: Proposal): string[] {
    return 'targetClub' in proposal ? [...proposal.eligibleVoters, proposal.targetClub] : [...proposal.eligibleVoters];
}

/**
 * Checks that a voting deadline lies after the transaction time, within the rules' voting period,
 * and returns it in the one ISO form the ledger stores.
 */
export function votingDeadlineWithin(rules: ConsortiumRules, now: Date, deadline: string): string {
    const periodMs = Date.parse(deadline) - now.getTime();
    if (periodMs <= 0) {
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `votingDeadline ${deadline} is not after ${now.toISOString()}`);
    }
    if (periodMs < rules.minVotingHours * HOUR_MS || periodMs > rules.maxVotingHours * HOUR_MS) {
        throw new ChaincodeError(
            ErrorCode.INVALID_ARGUMENT,
            `votingDeadline must be between ${rules.minVotingHours} and ${rules.maxVotingHours} hours after ${now.toISOString()}`,
        );
    }
    return new Date(deadline).toISOString();
}

/** A club can be admitted unless it is ACTIVE already, and suspended only while it is ACTIVE. */
export async function requireTargetOf(ctx: RecordContext, request: ProposalRequest): Promise<void> {
    if (request.type === 'SUSPEND_CLUB') {
        await requireActiveClub(ctx, request.targetClub);
    }
    if (request.type === 'ADMIT_CLUB') {
        const club = await ctx.state.get<Club>(Keys.club(request.targetClub));
        if (club?.status === 'ACTIVE') {
            throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `club ${request.targetClub} is ACTIVE already`);
        }
    }
}

/** Voting runs while the proposal is OPEN and until, not at, its deadline. */
export function requireVotingOpen(now: Date, proposal: Proposal): void {
    if (proposal.status !== 'OPEN') {
        throw new ChaincodeError(ErrorCode.VOTING_CLOSED, `proposal ${proposal.proposalId} is ${proposal.status}`);
    }
    if (now.getTime() >= Date.parse(proposal.votingDeadline)) {
        throw new ChaincodeError(ErrorCode.VOTING_CLOSED, `voting on proposal ${proposal.proposalId} closed at ${proposal.votingDeadline}`);
    }
}

/** A proposal closes once, after its deadline. */
export function requireClosable(now: Date, proposal: Proposal): void {
    if (proposal.status !== 'OPEN') {
        throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `proposal ${proposal.proposalId} is ${proposal.status} already`);
    }
    if (now.getTime() < Date.parse(proposal.votingDeadline)) {
        throw new ChaincodeError(ErrorCode.VOTING_OPEN, `voting on proposal ${proposal.proposalId} runs until ${proposal.votingDeadline}`);
    }
}
