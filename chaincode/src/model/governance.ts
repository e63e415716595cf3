import { z } from 'zod';
import { ChangeStamp, LongText, MspId, ShortText } from './common';

export const ProposalType = z.enum(['ADMIT_CLUB', 'SUSPEND_CLUB', 'AMEND_RULES', 'GENERAL']);
export type ProposalType = z.infer<typeof ProposalType>;

export const PassRule = z.enum(['SIMPLE', 'TWO_THIRDS', 'THREE_QUARTERS', 'UNANIMOUS']);
export type PassRule = z.infer<typeof PassRule>;

export const VoteChoice = z.enum(['YES', 'NO', 'ABSTAIN']);
export type VoteChoice = z.infer<typeof VoteChoice>;

export const ProposalStatus = z.enum(['OPEN', 'PASSED', 'REJECTED']);
export type ProposalStatus = z.infer<typeof ProposalStatus>;

/** How strict each pass rule is, weakest first: admission and suspension need TWO_THIRDS at least. */
export const passRuleStrength: Readonly<Record<PassRule, number>> = {
    SIMPLE: 0,
    TWO_THIRDS: 1,
    THREE_QUARTERS: 2,
    UNANIMOUS: 3,
};

const atLeastTwoThirds = PassRule.refine((rule) => passRuleStrength[rule] >= passRuleStrength.TWO_THIRDS, {
    message: 'admitting or suspending a club needs TWO_THIRDS at least',
});

/** The consortium's rules, one set per channel. */
export const ConsortiumRules = z
    .strictObject({
        /** Share of eligible clubs that must cast a vote (abstentions count), in percent. */
        quorumPercent: z.number().int().min(1).max(100),
        passRules: z.strictObject({
            ADMIT_CLUB: atLeastTwoThirds,
            SUSPEND_CLUB: atLeastTwoThirds,
            AMEND_RULES: PassRule,
            GENERAL: PassRule,
        }),
        /** Shortest and longest voting period a proposal may set, in hours. */
        minVotingHours: z.number().int().min(0).max(24 * 90),
        maxVotingHours: z.number().int().min(1).max(24 * 365),
        /** Once true, a club can register only after a passed ADMIT_CLUB proposal. */
        admissionRequired: z.boolean(),
    })
    .refine((rules) => rules.maxVotingHours >= rules.minVotingHours, {
        message: 'maxVotingHours must not be less than minVotingHours',
        path: ['maxVotingHours'],
    });
export type ConsortiumRules = z.infer<typeof ConsortiumRules>;

export const defaultConsortiumRules: ConsortiumRules = {
    quorumPercent: 50,
    passRules: { ADMIT_CLUB: 'TWO_THIRDS', SUSPEND_CLUB: 'TWO_THIRDS', AMEND_RULES: 'TWO_THIRDS', GENERAL: 'SIMPLE' },
    minVotingHours: 0,
    maxVotingHours: 24 * 60,
    admissionRequired: false,
};

/** What every proposal states; the deadline is an ISO 8601 UTC instant. */
const proposalBasics = { title: ShortText, description: LongText, votingDeadline: z.iso.datetime() };

export const ProposalRequest = z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('ADMIT_CLUB'), targetClub: MspId, ...proposalBasics }),
    z.strictObject({ type: z.literal('SUSPEND_CLUB'), targetClub: MspId, ...proposalBasics }),
    z.strictObject({ type: z.literal('AMEND_RULES'), rules: ConsortiumRules, ...proposalBasics }),
    z.strictObject({ type: z.literal('GENERAL'), ...proposalBasics }),
]);
export type ProposalRequest = z.infer<typeof ProposalRequest>;

export interface Tally {
    readonly yes: number;
    readonly no: number;
    readonly abstain: number;
    readonly eligible: number;
    readonly quorumReached: boolean;
    readonly passed: boolean;
}

interface ProposalRecord {
    readonly proposalId: string;
    readonly title: string;
    readonly description: string;
    readonly proposer: string;
    readonly votingDeadline: string;
    readonly quorumPercent: number;
    readonly passRule: PassRule;
    /** Clubs ACTIVE on the channel when the proposal opened, fixed then. */
    readonly eligibleVoters: readonly string[];
    readonly status: ProposalStatus;
    /** Set when the proposal closes. */
    readonly tally?: Tally;
    readonly created: ChangeStamp;
    readonly closed?: ChangeStamp;
}

/** What a proposal is about decides what it carries: the club concerned or the new rules. */
export type ProposalSubject =
    | { readonly type: 'ADMIT_CLUB' | 'SUSPEND_CLUB'; readonly targetClub: string }
    | { readonly type: 'AMEND_RULES'; readonly rules: ConsortiumRules }
    | { readonly type: 'GENERAL' };

export type Proposal = ProposalRecord & ProposalSubject;

/** Lets a club that is not registered yet register while the rules require admission; used up by registering. */
export interface Admission {
    readonly proposalId: string;
}

export interface Vote {
    readonly proposalId: string;
    readonly club: string;
    readonly choice: VoteChoice;
    readonly cast: ChangeStamp;
}
