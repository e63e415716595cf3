import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { requireActiveClub, requireClub } from '../clubs/clubs';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { Keys } from '../ledger/keys';
import { EntityId } from '../model/common';
import { EventName } from '../model/events';
import { type Proposal, ProposalRequest, type Vote, VoteChoice } from '../model/governance';
import { enact } from './enactment';
import {
    activeClubs,
    partiesOf,
    requireClosable,
    requireProposal,
    requireTargetOf,
    requireVotingOpen,
    votingDeadlineWithin,
} from './proposals';
import { currentRules } from './rules';
import { tally } from './tally';


@Info({ title: 'Governance', description: 'The consortium of a channel: proposals, votes of its ACTIVE clubs, and their effects.' })
export class GovernanceContract extends RecordContract {
    constructor() {
        super('Governance');
    }

    @Transaction()
    @Param('request', 'string', 'JSON ProposalRequest')
    @Returns('string')
    async propose(ctx: RecordContext, request: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const input = parseArgument(ProposalRequest, request, 'request');
        await requireActiveClub(ctx, mspId);
        const rules = await currentRules(ctx);
        const votingDeadline = votingDeadlineWithin(rules, ctx.now, input.votingDeadline);
        await requireTargetOf(ctx, input);

        const proposalId = ctx.txId;
        const proposal: Proposal = {
            ...input,
            proposalId,
            proposer: mspId,
            votingDeadline,
            // Fixed when the proposal opens: later amendments of the rules do not change a running vote.
            quorumPercent: rules.quorumPercent,
            passRule: rules.passRules[input.type],
            eligibleVoters: await activeClubs(ctx),
            status: 'OPEN',
            created: ctx.stamp(),
        };
        await ctx.state.put(Keys.proposal(proposalId), proposal);
        await ctx.state.put(Keys.openProposal(proposalId), proposalId);
        ctx.emit(EventName.ProposalOpened, partiesOf(proposal), [{ kind: 'proposal', value: proposal }]);
        return JSON.stringify(proposal);
    }

    @Transaction()
    @Param('proposalId', 'string', 'ID of the proposal')
    @Param('choice', 'string', 'YES, NO or ABSTAIN; a second vote replaces the first')
    @Returns('string')
    async vote(ctx: RecordContext, proposalId: string, choice: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const id = parseValue(EntityId, proposalId, 'proposalId');
        const ballot = parseValue(VoteChoice, choice, 'choice');
        const proposal = await requireProposal(ctx, id);
        requireVotingOpen(ctx.now, proposal);
        if (!proposal.eligibleVoters.includes(mspId)) {
            throw new ChaincodeError(ErrorCode.NOT_ELIGIBLE_TO_VOTE, `club ${mspId} was not ACTIVE when proposal ${id} opened`);
        }
        await requireActiveClub(ctx, mspId);

        const vote: Vote = { proposalId: id, club: mspId, choice: ballot, cast: ctx.stamp() };
        await ctx.state.put(Keys.vote(id, mspId), vote);
        ctx.emit(EventName.VoteCast, partiesOf(proposal), [{ kind: 'vote', value: vote }]);
        return JSON.stringify(vote);
    }

    @Transaction()
    @Param('proposalId', 'string', 'ID of the proposal')
    @Returns('string')
    async close(ctx: RecordContext, proposalId: string): Promise<string> {
        const { mspId } = ctx.requireReader();
        const id = parseValue(EntityId, proposalId, 'proposalId');
        await requireClub(ctx, mspId);
        const proposal = await requireProposal(ctx, id);
        requireClosable(ctx.now, proposal);

        const result = tally(proposal, await ctx.state.list<Vote>(Keys.votesOn(id)));
        const stamp = ctx.stamp();
        const closed: Proposal = { ...proposal, status: result.passed ? 'PASSED' : 'REJECTED', tally: result, closed: stamp };
        const effects = result.passed ? await enact(ctx, closed, stamp) : [];
        await ctx.state.put(Keys.proposal(id), closed);
        await ctx.state.delete(Keys.openProposal(id));
        ctx.emit(EventName.ProposalClosed, partiesOf(closed), [{ kind: 'proposal', value: closed }, ...effects]);
        return JSON.stringify(closed);
    }

    @Transaction(false)
    @Param('proposalId', 'string', 'ID of the proposal')
    @Returns('string')
    async get(ctx: RecordContext, proposalId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireProposal(ctx, parseValue(EntityId, proposalId, 'proposalId')));
    }

    @Transaction(false)
    @Returns('string')
    async listOpen(ctx: RecordContext): Promise<string> {
        ctx.requireReader();
        const ids = await ctx.state.list<string>(Keys.openProposals());
        const open = await Promise.all(ids.map((id) => requireProposal(ctx, id)));
        return JSON.stringify(open.sort(byDeadline));
    }

    @Transaction(false)
    @Param('proposalId', 'string', 'ID of the proposal')
    @Returns('string')
    async votes(ctx: RecordContext, proposalId: string): Promise<string> {
        ctx.requireReader();
        const id = parseValue(EntityId, proposalId, 'proposalId');
        await requireProposal(ctx, id);
        return JSON.stringify(await ctx.state.list<Vote>(Keys.votesOn(id)));
    }

    @Transaction(false)
    @Returns('string')
    async rules(ctx: RecordContext): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await currentRules(ctx));
    }
}

/** The proposal whose vote ends first comes first; the ID breaks ties so every peer lists the same order. */
function byDeadline(a: Proposal, b: Proposal): number {
    return compare(a.votingDeadline, b.votingDeadline) || compare(a.proposalId, b.proposalId);
}

/** Code-unit order, independent of the peer's locale. */
function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
