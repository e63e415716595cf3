import type { ConsortiumRules, Proposal, Tally, Vote } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef } from './common.js';
import { PassRuleEnum, ProposalStatusEnum, ProposalTypeEnum, VoteChoiceEnum } from './enums.js';

type PassRules = ConsortiumRules['passRules'];

const PassRulesRef = builder.objectRef<PassRules>('PassRules').implement({
    description: 'The pass rule of each type of proposal.',
    fields: (t) => ({
        admitClub: t.expose('ADMIT_CLUB', { type: PassRuleEnum }),
        suspendClub: t.expose('SUSPEND_CLUB', { type: PassRuleEnum }),
        amendRules: t.expose('AMEND_RULES', { type: PassRuleEnum }),
        general: t.expose('GENERAL', { type: PassRuleEnum }),
    }),
});

export const ConsortiumRulesRef = builder.objectRef<ConsortiumRules>('ConsortiumRules').implement({
    description: 'The rules of the consortium that shares a channel.',
    fields: (t) => ({
        quorumPercent: t.exposeInt('quorumPercent', { description: 'Share of eligible clubs that must vote, abstentions included.' }),
        passRules: t.expose('passRules', { type: PassRulesRef }),
        minVotingHours: t.exposeInt('minVotingHours'),
        maxVotingHours: t.exposeInt('maxVotingHours'),
        admissionRequired: t.exposeBoolean('admissionRequired', {
            description: 'Whether a club registers only after a passed ADMIT_CLUB proposal.',
        }),
    }),
});

const TallyRef = builder.objectRef<Tally>('Tally').implement({
    description: 'The count when the proposal closed.',
    fields: (t) => ({
        yes: t.exposeInt('yes'),
        no: t.exposeInt('no'),
        abstain: t.exposeInt('abstain'),
        eligible: t.exposeInt('eligible'),
        quorumReached: t.exposeBoolean('quorumReached'),
        passed: t.exposeBoolean('passed'),
    }),
});

export const VoteRef = builder.objectRef<Vote>('Vote').implement({
    description: 'One club’s vote on a proposal; changeable until the deadline.',
    fields: (t) => ({
        proposalId: t.exposeString('proposalId'),
        club: t.exposeString('club'),
        choice: t.expose('choice', { type: VoteChoiceEnum }),
        cast: t.expose('cast', { type: ChangeStampRef }),
    }),
});

/** A proposal with the votes cast on it so far, read together in one query. */
export type ProposalWithVotes = Proposal & { readonly votes: readonly Vote[] };

export const ProposalRef = builder.objectRef<ProposalWithVotes>('Proposal').implement({
    description: 'A governance proposal of the consortium.',
    fields: (t) => ({
        proposalId: t.exposeString('proposalId'),
        type: t.expose('type', { type: ProposalTypeEnum }),
        title: t.exposeString('title'),
        description: t.exposeString('description'),
        proposer: t.exposeString('proposer'),
        votingDeadline: t.expose('votingDeadline', { type: 'DateTime' }),
        quorumPercent: t.exposeInt('quorumPercent'),
        passRule: t.expose('passRule', { type: PassRuleEnum }),
        eligibleVoters: t.exposeStringList('eligibleVoters', { description: 'Clubs ACTIVE on the channel when it opened.' }),
        status: t.expose('status', { type: ProposalStatusEnum }),
        tally: t.expose('tally', { type: TallyRef, nullable: true }),
        targetClub: t.string({
            nullable: true,
            description: 'The club to admit or suspend.',
            resolve: (proposal) => ('targetClub' in proposal ? proposal.targetClub : null),
        }),
        rules: t.field({
            type: ConsortiumRulesRef,
            nullable: true,
            description: 'The rules an AMEND_RULES proposal would put in force.',
            resolve: (proposal) => ('rules' in proposal ? proposal.rules : null),
        }),
        votes: t.expose('votes', { type: [VoteRef], description: 'One per club that voted, by club.' }),
        created: t.expose('created', { type: ChangeStampRef }),
        closed: t.expose('closed', { type: ChangeStampRef, nullable: true }),
    }),
});
