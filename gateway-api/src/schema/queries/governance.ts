import { type ConsortiumRules, EntityId, defaultConsortiumRules } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { ConsortiumRulesRef, ProposalRef, type ProposalWithVotes } from '../types/governance.js';
import { ChannelName, parsedArgument } from './arguments.js';
import { SqlConditions, keysetConnection } from './keyset.js';

/** A proposal's entity with its votes, by club, folded in. */
const proposalWithVotes = `proposal.data || jsonb_build_object('votes', coalesce(
    (SELECT jsonb_agg(vote.data ORDER BY vote.club) FROM votes AS vote
     WHERE vote.channel = proposal.channel AND vote.proposal_id = proposal.proposal_id), '[]'::jsonb)) AS data`;

builder.queryFields((t) => ({
    openProposals: t.connection(
        {
            type: ProposalRef,
            description: 'The proposals still open for votes on the channel, soonest deadline first.',
            args: { channel: t.arg.string({ required: true }) },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const where = new SqlConditions();
                where.add(`proposal.channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`proposal.status = 'OPEN'`);
                return keysetConnection(context.services.readModel, caller.club, args, {
                    name: 'openProposals',
                    select: proposalWithVotes,
                    from: 'proposals AS proposal',
                    where,
                    orderBy: [
                        { column: 'proposal.voting_deadline', type: 'timestamptz', of: (proposal) => proposal.votingDeadline },
                        { column: 'proposal.proposal_id', type: 'text', of: (proposal) => proposal.proposalId },
                    ],
                    toNode: (row: { data: ProposalWithVotes }) => row.data,
                });
            },
        },
        { name: 'ProposalConnection' },
        { name: 'ProposalEdge' },
    ),
    proposal: t.field({
        type: ProposalRef,
        nullable: true,
        description: 'A proposal on the channel, open or closed.',
        args: {
            channel: t.arg.string({ required: true }),
            proposalId: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'clubData');
            const rows = await context.services.readModel.query<{ data: ProposalWithVotes }>(
                caller.club,
                `SELECT ${proposalWithVotes} FROM proposals AS proposal WHERE proposal.channel = $1 AND proposal.proposal_id = $2`,
                [parsedArgument(ChannelName, args.channel, 'channel'), parsedArgument(EntityId, args.proposalId, 'proposalId')],
            );
            return rows[0]?.data ?? null;
        },
    }),
    consortiumRules: t.field({
        type: ConsortiumRulesRef,
        nullable: true,
        description:
            'The consortium’s rules: as last amended, or the defaults the chaincode applies before any amendment. ' +
            'Null for a channel with no club on it.',
        args: { channel: t.arg.string({ required: true }) },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'clubData');
            const rows = await context.services.readModel.query<{ data: ConsortiumRules | null; known: boolean }>(
                caller.club,
                `SELECT (SELECT data FROM consortium_rules WHERE channel = $1) AS data,
                        EXISTS (SELECT FROM clubs WHERE channel = $1) AS known`,
                [parsedArgument(ChannelName, args.channel, 'channel')],
            );
            const row = rows[0];
            return row?.known ? (row.data ?? defaultConsortiumRules) : null;
        },
    }),
}));
