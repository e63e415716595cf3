import { EntityId, type Proposal, ProposalRequest, type Vote, VoteChoice } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { VoteChoiceEnum } from '../types/enums.js';
import { ProposalRef, VoteRef } from '../types/governance.js';
import { callerWithRole, channelArgument, committedPayload, evaluated, ledgerInput, submitted } from './committed.js';
import { ProposalInput } from './inputs.js';

const ProposalPayload = committedPayload('ProposalPayload', 'proposal', ProposalRef, 'A proposal as the committed transaction left it.');
const VotePayload = committedPayload<Vote>('VotePayload', 'vote', VoteRef, 'A vote as cast.');

builder.mutationFields((t) => ({
    openProposal: t.field({
        type: ProposalPayload,
        description: 'Opens a proposal to the consortium of the channel (admin).',
        args: { channel: t.arg.string({ required: true }), input: t.arg({ type: ProposalInput, required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const request = ledgerInput(ProposalRequest, args.input, 'input');
            const opened = await submitted<Proposal>(context, caller, {
                channel: channelArgument(args.channel),
                transaction: 'Governance:propose',
                args: [JSON.stringify(request)],
            });
            // Nobody has voted on a proposal that just opened.
            return { ...opened, value: { ...opened.value, votes: [] } };
        },
    }),
    castVote: t.field({
        type: VotePayload,
        description: 'Casts or changes the caller’s club’s vote until the deadline (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            proposalId: t.arg.string({ required: true }),
            choice: t.arg({ type: VoteChoiceEnum, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const proposalId = parsedArgument(EntityId, args.proposalId, 'proposalId');
            return submitted<Vote>(context, caller, {
                channel: channelArgument(args.channel),
                transaction: 'Governance:vote',
                args: [proposalId, parsedArgument(VoteChoice, args.choice, 'choice')],
            });
        },
    }),
    closeProposal: t.field({
        type: ProposalPayload,
        description: 'Tallies a proposal after its deadline; a passed one takes effect in the same transaction (admin, staff, auditor).',
        args: { channel: t.arg.string({ required: true }), proposalId: t.arg.string({ required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin', 'staff', 'auditor');
            const channel = channelArgument(args.channel);
            const proposalId = parsedArgument(EntityId, args.proposalId, 'proposalId');
            const closed = await submitted<Proposal>(context, caller, { channel, transaction: 'Governance:close', args: [proposalId] });
            const votes = await evaluated<Vote[]>(context, caller, { channel, transaction: 'Governance:votes', args: [proposalId] });
            return { ...closed, value: { ...closed.value, votes } };
        },
    }),
}));
