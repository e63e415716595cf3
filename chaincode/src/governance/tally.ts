import type { PassRule, Proposal, Tally, Vote } from '../model/governance';

/** Whether the YES and NO votes satisfy a pass rule. Integer arithmetic only: every endorser must agree. */
export function meetsPassRule(rule: PassRule, yes: number, no: number): boolean {
    if (yes === 0) {
        return false;
    }
    switch (rule) {
        case 'SIMPLE':
            return yes > no;
        case 'TWO_THIRDS':
            return 3 * yes >= 2 * (yes + no);
        case 'THREE_QUARTERS':
            return 4 * yes >= 3 * (yes + no);
        case 'UNANIMOUS':
            return no === 0;
    }
}

/**
 * Counts the votes of the proposal's eligible voters (a vote from any other club is ignored)
 * against its quorum and pass rule. Abstentions count towards the quorum only.
 */
export function tally(proposal: Pick<Proposal, 'eligibleVoters' | 'quorumPercent' | 'passRule'>, votes: readonly Vote[]): Tally {
    const choiceOf = new Map(votes.map((vote) => [vote.club, vote.choice]));
    const choices = proposal.eligibleVoters.flatMap((club) => choiceOf.get(club) ?? []);
    const yes = choices.filter((choice) => choice === 'YES').length;
    const no = choices.filter((choice) => choice === 'NO').length;
    const abstain = choices.filter((choice) => choice === 'ABSTAIN').length;
    const eligible = proposal.eligibleVoters.length;
    const quorumReached = choices.length * 100 >= proposal.quorumPercent * eligible;
    return { yes, no, abstain, eligible, quorumReached, passed: quorumReached && meetsPassRule(proposal.passRule, yes, no) };
}
