import { expect } from 'chai';
import { AgreementContract } from '../../src/agreements/agreement-contract';
import { ClubContract } from '../../src/clubs/club-contract';
import type { RecordContext } from '../../src/context';
import { MemberContract } from '../../src/members/member-contract';
import { VisitContract } from '../../src/visits/visit-contract';
import { activeAgreement } from '../support/agreement-fixtures';
import { ALPINE, ALPS, HARBOUR, METRO, admin, clubRegistration, registerClubs, staff } from '../support/fixtures';
import { EndorsementPolicyFailure, FakeLedger, type Submitter, refusal } from '../support/ledger';
import { adminWithPersonalData, enrolMember, recordPersonalData, snapshot } from '../support/member-fixtures';
import { envelope, nOutOf, peerRole, signedBy } from '../support/signature-policies';
import { HARBOUR_MEMBER, agreementRecord, arrangeAgreement, arrangeMember, checkInRequest, memberRecord } from '../support/visit-fixtures';

const members = new MemberContract();
const agreements = new AgreementContract();
const visits = new VisitContract();
const HARBOUR_COLLECTION = '_implicit_org_HarbourMSP';

describe('FakeLedger commit validation', () => {
    let ledger: FakeLedger;

    /** Submits a transaction that committing peers invalidate: it changes nothing and reports its validation code. */
    async function invalidated(submitter: Submitter, run: (ctx: RecordContext) => Promise<unknown>, endorsers: string[]): Promise<string> {
        const before = snapshot(ledger);
        const error = await refusal(ledger.submit(submitter, run, endorsers));
        expect(error).to.be.instanceOf(EndorsementPolicyFailure);
        expect(error).to.have.property('validationCode', 'ENDORSEMENT_POLICY_FAILURE');
        expect(snapshot(ledger)).to.deep.equal(before);
        return error.message;
    }

    /** A club's admin updates its profile: a write of a key without a key-level policy. */
    const profileUpdateOf = (mspId: string) => (ctx: RecordContext) => {
        const { memberPrefix: _fixed, ...profile } = clubRegistration(mspId);
        return new ClubContract().updateProfile(ctx, JSON.stringify(profile));
    };
    const updateProfile = profileUpdateOf(HARBOUR);

    describe('on a three-club channel', () => {
        beforeEach(async () => {
            ledger = new FakeLedger();
            await registerClubs(ledger);
        });

        describe('the chaincode-level MAJORITY, for keys without a key-level policy', () => {
            it('passes with two of the three clubs and fails with one', async () => {
                expect(await invalidated(admin(HARBOUR), updateProfile, [HARBOUR])).to.match(/chaincode's endorsement policy/);
                await ledger.submit(admin(HARBOUR), updateProfile, [HARBOUR, METRO]);
                await ledger.submit(admin(HARBOUR), updateProfile, [ALPINE, METRO]);
            });

            it('holds for a transaction that writes nothing', async () => {
                await invalidated(admin(HARBOUR), () => Promise.resolve(), [HARBOUR]);
                await ledger.submit(admin(HARBOUR), () => Promise.resolve(), [HARBOUR, ALPINE]);
            });
        });

        describe('a member record (owner: the home club)', () => {
            let memberNumber: string;
            const activate = (ctx: RecordContext) => members.activate(ctx, memberNumber);

            beforeEach(async () => {
                memberNumber = await enrolMember(ledger, HARBOUR);
                await recordPersonalData(ledger, HARBOUR, memberNumber);
            });

            it('passes with the home club and another club', async () => {
                await ledger.submit(admin(HARBOUR), activate, [HARBOUR, ALPINE]);
                expect(ledger.read('member', HARBOUR, memberNumber)).to.deep.include({ status: 'ACTIVE' });
            });

            it('passes with all three clubs', async () => {
                await ledger.submit(admin(HARBOUR), activate, [HARBOUR, ALPINE, METRO]);
            });

            it('fails with the two other clubs, a majority without the home club', async () => {
                const message = await invalidated(admin(HARBOUR), activate, [ALPINE, METRO]);
                expect(message).to.match(/^ENDORSEMENT_POLICY_FAILURE: /);
                expect(message).to.contain(`validation of key member/${HARBOUR}/${memberNumber} failed`);
            });

            it('fails with the home club alone', async () => {
                await invalidated(admin(HARBOUR), activate, [HARBOUR]);
            });
        });

        describe('an active agreement (owners: both parties)', () => {
            let agreementId: string;
            const suspend = (ctx: RecordContext) => agreements.suspend(ctx, agreementId);

            beforeEach(async () => {
                ({ agreementId } = await activeAgreement(ledger, HARBOUR, ALPINE));
            });

            it('passes with both parties', async () => {
                await ledger.submit(admin(HARBOUR), suspend, [HARBOUR, ALPINE]);
                expect(ledger.read('agreement', agreementId)).to.deep.include({ status: 'SUSPENDED' });
            });

            it('fails with one party and the third club, a majority without the other party', async () => {
                await invalidated(admin(HARBOUR), suspend, [HARBOUR, METRO]);
                await invalidated(admin(HARBOUR), suspend, [ALPINE, METRO]);
            });
        });

        describe("a member's first visit of a month, whose visit and usage keys are new (owner of the open-visit pointer: the home club)", () => {
            const checkIn = (ctx: RecordContext) => visits.checkIn(ctx, JSON.stringify(checkInRequest()));

            beforeEach(() => {
                arrangeMember(ledger, memberRecord(HARBOUR_MEMBER));
                arrangeAgreement(ledger, agreementRecord(HARBOUR, ALPINE));
            });

            it('passes with the home club and the host', async () => {
                await ledger.submit(staff(ALPINE), checkIn, [HARBOUR, ALPINE]);
            });

            it('fails with the host and the third club, a majority without the home club', async () => {
                expect(await invalidated(staff(ALPINE), checkIn, [ALPINE, METRO])).to.match(/validation of key openVisit\//);
            });
        });

        describe("a member's usage counters under an agreement (owners: both parties)", () => {
            const checkIn = (ctx: RecordContext) => visits.checkIn(ctx, JSON.stringify(checkInRequest()));

            beforeEach(async () => {
                arrangeMember(ledger, memberRecord(HARBOUR_MEMBER));
                arrangeAgreement(ledger, agreementRecord(HARBOUR, ALPINE));
                const { txId } = await ledger.submit(staff(ALPINE), checkIn, [HARBOUR, ALPINE]);
                await ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, txId), [HARBOUR, ALPINE]);
            });

            it('passes the next check-in with both parties', async () => {
                await ledger.submit(staff(ALPINE), checkIn, [HARBOUR, ALPINE]);
            });

            it('fails it without the home club, so the host cannot inflate them (the member\'s open-visit pointer fails first)', async () => {
                expect(await invalidated(staff(ALPINE), checkIn, [ALPINE, METRO])).to.match(/validation of key (openVisit|usage)\//);
            });

            it('fails it without the host, so the home club cannot reset them', async () => {
                expect(await invalidated(staff(ALPINE), checkIn, [HARBOUR, METRO])).to.match(/validation of key usage\//);
            });
        });

        describe("the home club's implicit collection", () => {
            let memberNumber: string;
            const record = (ctx: RecordContext) => members.recordPersonalData(ctx, memberNumber);

            beforeEach(async () => {
                memberNumber = await enrolMember(ledger, HARBOUR);
            });

            it('passes a private-data-only transaction endorsed by the home club alone', async () => {
                await ledger.submit(adminWithPersonalData(HARBOUR), record, [HARBOUR]);
                expect(ledger.privateData.get(HARBOUR_COLLECTION)?.size).to.equal(1);
            });

            it('fails it without the home club, even endorsed by a majority', async () => {
                const message = await invalidated(adminWithPersonalData(HARBOUR), record, [ALPINE, METRO]);
                expect(message).to.match(new RegExp(`collection ${HARBOUR_COLLECTION} failed`));
            });

            it('needs both the collection policy and the public policy when a transaction writes both', async () => {
                const both = async (ctx: RecordContext) => {
                    await ctx.stub.putState(ledger.key('note', 'public'), Buffer.from('1'));
                    await ctx.stub.putPrivateData(HARBOUR_COLLECTION, ledger.key('note', 'private'), Buffer.from('2'));
                };
                await invalidated(admin(HARBOUR), both, [HARBOUR]);
                await invalidated(admin(HARBOUR), both, [ALPINE, METRO]);
                await ledger.submit(admin(HARBOUR), both, [HARBOUR, ALPINE]);
            });

            it('fails for the implicit collection of an organization that is not on the channel', async () => {
                const stranger = (ctx: RecordContext) => ctx.stub.putPrivateData('_implicit_org_StrangerMSP', 'k', Buffer.from('1'));
                const message = await invalidated(admin(HARBOUR), stranger, [HARBOUR, ALPINE, METRO]);
                expect(message).to.match(/no org found in channel with MSPID 'StrangerMSP'/);
            });
        });

        describe('key-level validation parameters', () => {
            const key = () => ledger.key('note', 'owned');
            const onlyBy = (mspId: string) => envelope([peerRole(mspId)], nOutOf(1, [signedBy(0)]));
            const write = (policy?: Uint8Array) => async (ctx: RecordContext) => {
                await ctx.stub.putState(key(), Buffer.from('v'));
                if (policy) {
                    await ctx.stub.setStateValidationParameter(key(), policy);
                }
            };

            beforeEach(async () => {
                await ledger.submit(admin(HARBOUR), write(onlyBy(HARBOUR)), [HARBOUR, ALPINE]);
            });

            it('validates a transaction against the parameter committed before it, not the one it sets', async () => {
                await invalidated(admin(ALPINE), write(onlyBy(ALPINE)), [ALPINE]);
                await ledger.submit(admin(HARBOUR), write(onlyBy(ALPINE)), [HARBOUR]);
                await ledger.submit(admin(ALPINE), write(), [ALPINE]);
                await invalidated(admin(HARBOUR), write(), [HARBOUR]);
            });

            it('drops the parameter with a deleted key', async () => {
                await ledger.submit(admin(HARBOUR), (ctx) => ctx.stub.deleteState(key()), [HARBOUR]);
                expect(ledger.endorsementPolicies.has(key())).to.equal(false);
                await invalidated(admin(HARBOUR), write(), [HARBOUR]);
            });

            it('keeps no parameter set on a key that has no value', async () => {
                const policyOnly = (ctx: RecordContext) => ctx.stub.setStateValidationParameter(ledger.key('note', 'absent'), onlyBy(HARBOUR));
                await ledger.submit(admin(HARBOUR), policyOnly, [HARBOUR, ALPINE]);
                expect(ledger.endorsementPolicies.has(ledger.key('note', 'absent'))).to.equal(false);
            });

            it('reports a parameter that does not compile as an endorsement policy failure', async () => {
                ledger.endorsementPolicies.set(key(), envelope([peerRole(HARBOUR)], nOutOf(1, [signedBy(3)])));
                expect(await invalidated(admin(HARBOUR), write(), [HARBOUR, ALPINE, METRO])).to.match(/identity index out of range/);
            });
        });

        it('endorses by every club of the channel unless the submit names the endorsers', async () => {
            const memberNumber = await enrolMember(ledger, HARBOUR);
            await recordPersonalData(ledger, HARBOUR, memberNumber);
            await ledger.submit(admin(HARBOUR), (ctx) => members.activate(ctx, memberNumber));
        });

        it('refuses endorsers that have no peer on the channel', async () => {
            const error = await refusal(ledger.submit(admin(HARBOUR), updateProfile, [HARBOUR, 'StrangerMSP']));
            expect(error).not.to.be.instanceOf(EndorsementPolicyFailure);
            expect(error.message).to.equal('no peer of StrangerMSP is on channel atlantic');
        });
    });

    describe('on a two-club channel', () => {
        beforeEach(async () => {
            ledger = new FakeLedger(ALPS);
            await registerClubs(ledger);
        });

        it('runs on the channel it is given', async () => {
            expect(await ledger.evaluate(admin(ALPINE), (ctx) => Promise.resolve(ctx.stub.getChannelID()))).to.equal('alps');
        });

        it('needs both clubs for the chaincode-level MAJORITY', async () => {
            await invalidated(admin(ALPINE), profileUpdateOf(ALPINE), [ALPINE]);
            await ledger.submit(admin(ALPINE), profileUpdateOf(ALPINE), [ALPINE, METRO]);
        });

        it('needs both clubs for a member record', async () => {
            const memberNumber = await enrolMember(ledger, ALPINE);
            await recordPersonalData(ledger, ALPINE, memberNumber);
            const activate = (ctx: RecordContext) => members.activate(ctx, memberNumber);
            await invalidated(admin(ALPINE), activate, [ALPINE]);
            await invalidated(admin(ALPINE), activate, [METRO]);
            await ledger.submit(admin(ALPINE), activate, [ALPINE, METRO]);
        });

        it('needs both parties for an agreement', async () => {
            const { agreementId } = await activeAgreement(ledger, ALPINE, METRO);
            const suspend = (ctx: RecordContext) => agreements.suspend(ctx, agreementId);
            await invalidated(admin(ALPINE), suspend, [ALPINE]);
            await invalidated(admin(ALPINE), suspend, [METRO]);
            await ledger.submit(admin(ALPINE), suspend, [ALPINE, METRO]);
        });
    });
});
