import { expect } from 'chai';
import { meetsPassRule, tally } from '../../src/governance/tally';
import type { PassRule, VoteChoice } from '../../src/model/governance';
import { ALPINE, HARBOUR, METRO } from '../support/fixtures';
import { COAST, LAKE, voteRecord } from '../support/governance-fixtures';

describe('governance tally', () => {
    describe('meetsPassRule', () => {
        const boundaries: [PassRule, number, number, boolean][] = [
            ['SIMPLE', 2, 1, true],
            ['SIMPLE', 1, 0, true],
            ['SIMPLE', 1, 1, false],
            ['SIMPLE', 1, 2, false],
            ['SIMPLE', 0, 0, false],
            ['TWO_THIRDS', 2, 1, true],
            ['TWO_THIRDS', 4, 2, true],
            ['TWO_THIRDS', 1, 0, true],
            ['TWO_THIRDS', 1, 1, false],
            ['TWO_THIRDS', 3, 2, false],
            ['TWO_THIRDS', 0, 0, false],
            ['THREE_QUARTERS', 3, 1, true],
            ['THREE_QUARTERS', 6, 2, true],
            ['THREE_QUARTERS', 2, 1, false],
            ['THREE_QUARTERS', 5, 2, false],
            ['THREE_QUARTERS', 0, 0, false],
            ['UNANIMOUS', 1, 0, true],
            ['UNANIMOUS', 5, 0, true],
            ['UNANIMOUS', 5, 1, false],
            ['UNANIMOUS', 0, 0, false],
        ];
        for (const [rule, yes, no, passes] of boundaries) {
            it(`${rule} with ${yes} yes and ${no} no ${passes ? 'passes' : 'fails'}`, () => {
                expect(meetsPassRule(rule, yes, no)).to.equal(passes);
            });
        }
    });

    describe('tally', () => {
        const voters = [ALPINE, HARBOUR, METRO, LAKE].sort();
        const votesOf = (choices: Record<string, VoteChoice>) =>
            Object.entries(choices).map(([club, choice]) => voteRecord('p', club, choice));

        it('counts each choice of the eligible voters', () => {
            const result = tally(
                { eligibleVoters: voters, quorumPercent: 50, passRule: 'SIMPLE' },
                votesOf({ [HARBOUR]: 'YES', [ALPINE]: 'NO', [METRO]: 'YES', [LAKE]: 'ABSTAIN' }),
            );
            expect(result).to.deep.equal({ yes: 2, no: 1, abstain: 1, eligible: 4, quorumReached: true, passed: true });
        });

        it('counts abstentions towards the quorum', () => {
            const result = tally(
                { eligibleVoters: voters, quorumPercent: 50, passRule: 'SIMPLE' },
                votesOf({ [HARBOUR]: 'YES', [ALPINE]: 'ABSTAIN' }),
            );
            expect(result).to.include({ quorumReached: true, passed: true });
        });

        it('fails a vote below the quorum whatever the votes say', () => {
            const result = tally({ eligibleVoters: voters, quorumPercent: 50, passRule: 'SIMPLE' }, votesOf({ [HARBOUR]: 'YES' }));
            expect(result).to.include({ yes: 1, quorumReached: false, passed: false });
        });

        it('reaches a quorum exactly at its share, without rounding', () => {
            const quorumOf = (eligibleVoters: string[], quorumPercent: number, choices: Record<string, VoteChoice>) =>
                tally({ eligibleVoters, quorumPercent, passRule: 'SIMPLE' }, votesOf(choices)).quorumReached;
            const three = [ALPINE, HARBOUR, METRO];
            expect(quorumOf(three, 34, { [HARBOUR]: 'YES' })).to.be.false;
            expect(quorumOf(three, 33, { [HARBOUR]: 'YES' })).to.be.true;
            expect(quorumOf(voters, 75, { [HARBOUR]: 'YES', [ALPINE]: 'NO' })).to.be.false;
            expect(quorumOf(voters, 75, { [HARBOUR]: 'YES', [ALPINE]: 'NO', [METRO]: 'ABSTAIN' })).to.be.true;
        });

        it('ignores votes of clubs that were not eligible', () => {
            const result = tally(
                { eligibleVoters: [ALPINE, HARBOUR, METRO], quorumPercent: 50, passRule: 'SIMPLE' },
                votesOf({ [HARBOUR]: 'NO', [LAKE]: 'YES', [COAST]: 'YES' }),
            );
            expect(result).to.deep.equal({ yes: 0, no: 1, abstain: 0, eligible: 3, quorumReached: false, passed: false });
        });

        it('fails when every voter abstains', () => {
            const result = tally(
                { eligibleVoters: [ALPINE, HARBOUR, METRO], quorumPercent: 100, passRule: 'UNANIMOUS' },
                votesOf({ [HARBOUR]: 'ABSTAIN', [ALPINE]: 'ABSTAIN', [METRO]: 'ABSTAIN' }),
            );
            expect(result).to.include({ abstain: 3, quorumReached: true, passed: false });
        });

        it('passes UNANIMOUS with an abstention', () => {
            const result = tally(
                { eligibleVoters: [ALPINE, HARBOUR, METRO], quorumPercent: 100, passRule: 'UNANIMOUS' },
                votesOf({ [HARBOUR]: 'YES', [ALPINE]: 'YES', [METRO]: 'ABSTAIN' }),
            );
            expect(result).to.include({ quorumReached: true, passed: true });
        });

        it('gives the same result whatever order the votes arrive in', () => {
            const votes = votesOf({ [HARBOUR]: 'YES', [ALPINE]: 'NO', [METRO]: 'YES' });
            const proposal = { eligibleVoters: voters, quorumPercent: 50, passRule: 'TWO_THIRDS' } as const;
            expect(tally(proposal, [...votes].reverse())).to.deep.equal(tally(proposal, votes));
        });
    });
});
