import { expect } from 'chai';
import { ownersAndMajorityPolicy } from '../../src/ledger/endorsement';
import { endorsersSatisfying } from '../../src/ledger/endorsers';
import { ALPINE, HARBOUR, METRO } from '../support/fixtures';
import { COAST, LAKE } from '../support/governance-fixtures';
import {
    adminRole,
    endorsementsBy,
    envelope,
    implicitMajority,
    memberRole,
    nOutOf,
    orgEndorsementPolicy,
    peerRole,
    signaturePolicy,
    signedBy,
} from '../support/signature-policies';

const THREE = [ALPINE, HARBOUR, METRO];
const TWO = [ALPINE, METRO];

/** Whether one peer of each of `organizations` satisfies a serialized SignaturePolicyEnvelope. */
const satisfies = (policy: Uint8Array, organizations: readonly string[]) => signaturePolicy(policy)(endorsementsBy(organizations));

/** The rule the chaincode wrote before issue 9: NOutOf(|owners|+1, [owners…, NOutOf(majority, all clubs)]). */
function previousOwnersAndMajorityPolicy(owners: readonly string[], clubs: readonly string[]): Uint8Array {
    const sorted = [...clubs].sort();
    const index = (club: string) => signedBy(sorted.indexOf(club));
    const majority = nOutOf(Math.floor(sorted.length / 2) + 1, sorted.map(index));
    return envelope(sorted.map(peerRole), nOutOf(owners.length + 1, [...owners.map(index), majority]));
}

/** Every subset of `clubs`, the empty one included. */
function subsetsOf(clubs: readonly string[]): string[][] {
    return clubs.reduce<string[][]>((subsets, club) => [...subsets, ...subsets.map((subset) => [...subset, club])], [[]]);
}

describe('Endorsement policies as Fabric evaluates them', () => {
    describe('SignaturePolicy evaluation', () => {
        it('counts each endorsement once across the whole policy', () => {
            const twiceHarbour = envelope([peerRole(HARBOUR)], nOutOf(2, [signedBy(0), signedBy(0)]));
            expect(satisfies(twiceHarbour, [HARBOUR])).to.equal(false);
            expect(satisfies(twiceHarbour, [HARBOUR, HARBOUR]), 'naming a club twice adds no second peer').to.equal(false);
        });

        it('gives back the endorsements a failed rule had taken', () => {
            const [harbour, alpine] = [signedBy(0), signedBy(1)];
            const policy = envelope([peerRole(HARBOUR), peerRole(ALPINE)], nOutOf(1, [nOutOf(2, [harbour, alpine]), signedBy(0)]));
            expect(satisfies(policy, [HARBOUR])).to.equal(true);
        });

        it('keeps every endorsement a satisfied rule used, without backtracking, as Fabric does', () => {
            // The inner 1-of-2 takes both Harbour and Alpine; Harbour is then spent for the second rule.
            const principals = [peerRole(HARBOUR), peerRole(ALPINE)];
            const policy = envelope(principals, nOutOf(2, [nOutOf(1, [signedBy(0), signedBy(1)]), signedBy(0)]));
            expect(satisfies(policy, [HARBOUR, ALPINE])).to.equal(false);
        });

        it('matches MSP roles: a peer is a member and a peer of its own MSP only, never an admin', () => {
            const oneOf = (principal: ReturnType<typeof peerRole>) => envelope([principal], nOutOf(1, [signedBy(0)]));
            expect(satisfies(oneOf(peerRole(HARBOUR)), [HARBOUR])).to.equal(true);
            expect(satisfies(oneOf(memberRole(HARBOUR)), [HARBOUR])).to.equal(true);
            expect(satisfies(oneOf(adminRole(HARBOUR)), [HARBOUR])).to.equal(false);
            expect(satisfies(oneOf(peerRole(HARBOUR)), [ALPINE, METRO])).to.equal(false);
        });

        it('refuses an envelope that names a principal it does not have, or has no rule', () => {
            expect(() => signaturePolicy(envelope([peerRole(HARBOUR)], nOutOf(1, [signedBy(1)])))).to.throw(/identity index out of range/);
            expect(() => signaturePolicy(new Uint8Array())).to.throw(/empty policy element/);
        });

        it('evaluates an ImplicitMeta MAJORITY of the organizations’ Endorsement policies: 2 of 3, both of 2', () => {
            const majorityOf = (clubs: readonly string[]) => (endorsers: string[]) =>
                implicitMajority(clubs.map(orgEndorsementPolicy))(endorsementsBy(endorsers));
            expect(majorityOf(THREE)([HARBOUR, METRO])).to.equal(true);
            expect(majorityOf(THREE)([HARBOUR])).to.equal(false);
            expect(majorityOf(TWO)([ALPINE, METRO])).to.equal(true);
            expect(majorityOf(TWO)([ALPINE])).to.equal(false);
            expect(majorityOf([])([]), 'a MAJORITY of no organizations needs none').to.equal(true);
        });
    });

    describe('the previous "owners AND a majority of all clubs" rule', () => {
        it('needed all three clubs for a member record on three clubs', () => {
            const policy = previousOwnersAndMajorityPolicy([HARBOUR], THREE);
            expect(satisfies(policy, [HARBOUR, ALPINE]), 'Harbour cannot count for itself and for the majority').to.equal(false);
            expect(satisfies(policy, THREE)).to.equal(true);
        });

        it('could never be satisfied for an agreement on three clubs, nor for a member record on two', () => {
            for (const endorsers of subsetsOf(THREE)) {
                expect(satisfies(previousOwnersAndMajorityPolicy([HARBOUR, ALPINE], THREE), endorsers), endorsers.join()).to.equal(false);
            }
            for (const endorsers of subsetsOf(TWO)) {
                expect(satisfies(previousOwnersAndMajorityPolicy([ALPINE], TWO), endorsers), endorsers.join()).to.equal(false);
            }
        });
    });

    describe('the owners-and-majority key-level policy', () => {
        const passing = (owners: string[], clubs: string[]) =>
            subsetsOf(clubs)
                .filter((endorsers) => satisfies(ownersAndMajorityPolicy(owners, clubs), endorsers))
                .map((endorsers) => [...endorsers].sort());

        it('needs the home club and one other for a member record on three clubs', () => {
            expect(passing([HARBOUR], THREE)).to.have.deep.members([[ALPINE, HARBOUR], [HARBOUR, METRO], THREE]);
        });

        it('needs both parties, and no third club, for an agreement or usage counters on three clubs', () => {
            expect(passing([HARBOUR, ALPINE], THREE)).to.have.deep.members([[ALPINE, HARBOUR], THREE]);
        });

        it('needs both clubs on a two-club channel, for a member record as for an agreement', () => {
            expect(passing([ALPINE], TWO)).to.deep.equal([TWO]);
            expect(passing([ALPINE, METRO], TWO)).to.deep.equal([TWO]);
        });

        it('completes the majority from the other clubs on five clubs', () => {
            const five = [ALPINE, COAST, HARBOUR, LAKE, METRO];
            const endorsers = passing([HARBOUR], five);
            expect(endorsers.every((set) => set.includes(HARBOUR) && set.length >= 3)).to.equal(true);
            expect(endorsers).to.have.length(11);
        });

        it('counts an owner named twice once', () => {
            expect(ownersAndMajorityPolicy([HARBOUR, HARBOUR], THREE)).to.deep.equal(ownersAndMajorityPolicy([HARBOUR], THREE));
        });
    });

    describe('endorsersSatisfying', () => {
        const clubs = [ALPINE, COAST, HARBOUR, LAKE, METRO];

        for (let size = 1; size <= clubs.length; size += 1) {
            it(`names a smallest set that satisfies the policy for every set of owners on ${size} club(s)`, () => {
                const channel = clubs.slice(0, size);
                for (const owners of subsetsOf(channel)) {
                    const policy = ownersAndMajorityPolicy(owners, channel);
                    const endorsers = endorsersSatisfying(owners, channel);
                    expect(satisfies(policy, endorsers), `owners ${owners.join()}`).to.equal(true);
                    expect(endorsers).to.include.members(owners);
                    expect(endorsers).to.have.length(Math.max(owners.length, Math.floor(size / 2) + 1));
                    for (const left of endorsers) {
                        const fewer = endorsers.filter((endorser) => endorser !== left);
                        expect(satisfies(policy, fewer), `owners ${owners.join()} without ${left}`).to.equal(false);
                    }
                }
            });
        }

        it('takes the other clubs in MSP ID order', () => {
            expect(endorsersSatisfying([HARBOUR], THREE)).to.deep.equal([ALPINE, HARBOUR]);
            expect(endorsersSatisfying([METRO], [...clubs])).to.deep.equal([ALPINE, COAST, METRO]);
        });
    });
});
