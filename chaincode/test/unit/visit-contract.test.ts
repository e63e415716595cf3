import { common, msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { ownersAndMajorityPolicy } from '../../src/ledger/endorsement';
import type { Agreement } from '../../src/model/agreement';
import type { MemberBar } from '../../src/model/bar';
import type { ClubStatus } from '../../src/model/club';
import type { Introduction } from '../../src/model/introduction';
import type { Member } from '../../src/model/member';
import type { CheckInRequest, Visit, VisitUsage } from '../../src/model/visit';
import type { RecordContext } from '../../src/context';
import type { Page } from '../../src/ledger/state';
import { type ErrorCode, recordedVisitOf } from '../../src/errors';
import { VisitContract } from '../../src/visits/visit-contract';
import { ALPINE, HARBOUR, METRO, admin, auditor, endorsersNamedFor, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';
import {
    HARBOUR_MEMBER,
    agreementRecord,
    arrangeAgreement,
    arrangeBar,
    arrangeClubStatus,
    arrangeIntroduction,
    arrangeMember,
    arrangePriorVisits,
    arrangeUsage,
    barRecord,
    checkInRequest,
    idOf,
    introductionRecord,
    memberRecord,
    snapshot,
    termsOf,
} from '../support/visit-fixtures';

/** 2026-03-02, a Monday: the FakeLedger's clock. */
const TODAY = '2026-03-02';
const YESTERDAY = '2026-03-01';
const at = (date: string) => new Date(`${date}T10:00:00.000Z`);

describe('VisitContract', () => {
    const visits = new VisitContract();
    let ledger: FakeLedger;
    let agreement: Agreement;
    let member: Member;

    /**
     * The endorsers the API names for a check-in: those `endorsersForCheckIn` gives. A check-in that query refuses
     * is refused by checkIn before any endorsement, so it is submitted to show checkIn's own reason.
     */
    const checkInEndorsers = async (submitter: Submitter, memberNumber: string): Promise<readonly string[]> => {
        try {
            return JSON.parse(await ledger.evaluate(submitter, (ctx) => visits.endorsersForCheckIn(ctx, memberNumber))) as string[];
        } catch {
            return ledger.channel.clubs;
        }
    };
    const checkIn = async (request: Partial<CheckInRequest> = {}, submitter: Submitter = staff(ALPINE)) => {
        const input = checkInRequest(request);
        const endorsers = await checkInEndorsers(submitter, input.memberNumber);
        return ledger.submit(submitter, (ctx) => visits.checkIn(ctx, JSON.stringify(input)), endorsers);
    };
    /** A check-out or a cancellation as the API submits it: endorsed by the clubs it names for the home club and the host. */
    const closeVisit = async (submitter: Submitter, visitId: string, run: (ctx: RecordContext) => Promise<string>) => {
        const visit = ledger.read<Visit>('visit', visitId)!;
        return ledger.submit(submitter, run, await endorsersNamedFor(ledger, visit.homeClub, visit.hostClub));
    };
    const checkInOn = (date: string, request: Partial<CheckInRequest> = {}, host = ALPINE) =>
        checkIn(request, { ...staff(host), at: at(date) });
    const usageOf = (period: string, agreementId = agreement.agreementId) =>
        ledger.read<VisitUsage>('usage', agreementId, HARBOUR_MEMBER, period)?.visits;

    /** Expects a refusal with `code` that leaves the ledger as it was. */
    async function expectRefused(attempt: () => Promise<unknown>, code: ErrorCode): Promise<Error> {
        const before = snapshot(ledger);
        const error = await refusal(attempt());
        expect(error.message).to.match(new RegExp(`^${code}: `));
        expect(snapshot(ledger)).to.equal(before);
        return error;
    }

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger);
        member = memberRecord(HARBOUR_MEMBER);
        agreement = agreementRecord(HARBOUR, ALPINE);
        arrangeMember(ledger, member);
        arrangeAgreement(ledger, agreement);
    });

    describe('checkIn', () => {
        it('records the visit at the host with the agreement, its fee and the first visit of the month and year', async () => {
            const { event, txId, result } = await checkIn({ guests: 2, nights: 3, facility: 'ACCOMMODATION' });

            const visit = ledger.read<Visit>('visit', txId);
            expect(visit).to.deep.equal({
                visitId: txId,
                memberNumber: HARBOUR_MEMBER,
                homeClub: HARBOUR,
                hostClub: ALPINE,
                agreementId: agreement.agreementId,
                agreementVersion: 2,
                visitDate: TODAY,
                facility: 'ACCOMMODATION',
                guests: 2,
                nights: 3,
                fee: { amountMinor: 2500, currency: 'EUR' },
                status: 'CHECKED_IN',
                checkedIn: { by: `staff@${ALPINE}`, club: ALPINE, at: ledger.clock.toISOString(), txId },
            });
            expect(JSON.parse(result)).to.deep.equal(visit);
            expect(ledger.read('visitByMember', HARBOUR_MEMBER, txId)).to.equal(txId);
            expect(ledger.read('openVisit', HARBOUR_MEMBER)).to.deep.equal({ visitId: txId });
            const { agreementId } = agreement;
            const month = ledger.read<VisitUsage>('usage', agreementId, HARBOUR_MEMBER, '2026-03');
            const year = ledger.read<VisitUsage>('usage', agreementId, HARBOUR_MEMBER, '2026');
            expect(month).to.deep.equal({ agreementId, memberNumber: HARBOUR_MEMBER, period: '2026-03', visits: 1 });
            expect(year).to.deep.equal({ agreementId, memberNumber: HARBOUR_MEMBER, period: '2026', visits: 1 });
            expect(event).to.deep.include({ name: 'VisitCheckedIn', submitter: ALPINE, actor: `staff@${ALPINE}` });
            expect(event?.parties).to.deep.equal([ALPINE, HARBOUR]);
            expect(event?.changes).to.deep.equal([
                { kind: 'visit', value: visit },
                { kind: 'usage', value: month },
                { kind: 'usage', value: year },
            ]);
        });

        it('lets an admin of the host check a member in', async () => {
            const { txId } = await checkIn({}, admin(ALPINE));
            expect(ledger.read<Visit>('visit', txId)?.checkedIn.by).to.equal(`admin@${ALPINE}`);
        });

        it('admits guests and nights up to the allowance and a membership valid until today', async () => {
            arrangeMember(ledger, { ...member, validUntil: TODAY });
            const { txId } = await checkIn({ guests: 2, nights: 3 });
            expect(ledger.read<Visit>('visit', txId)?.status).to.equal('CHECKED_IN');
        });

        it('admits a visit on the first and on the last day of the agreement', async () => {
            arrangeAgreement(ledger, { ...agreement, terms: termsOf({ validFrom: TODAY, validUntil: '2026-03-03' }) });
            await checkInOn(TODAY);
            await checkInOn('2026-03-03');
            expect(usageOf('2026')).to.equal(2);
        });

        it('admits a visit on the days either side of a blackout', async () => {
            await checkInOn('2026-06-30');
            await checkInOn('2026-08-01');
            expect([usageOf('2026-06'), usageOf('2026-08')]).to.deep.equal([1, 1]);
        });

        it('admits a member whose bar is lifted or outside its window', async () => {
            arrangeBar(ledger, barRecord(ALPINE, HARBOUR_MEMBER, { lifted: true }));
            await checkInOn(TODAY);
            arrangeBar(ledger, barRecord(ALPINE, HARBOUR_MEMBER, { window: { from: '2026-04-01', until: '2026-04-30' } }));
            await checkInOn('2026-03-03');
            expect(usageOf('2026-03')).to.equal(2);
        });

        it('sets a policy on the visit and both counters that needs home and host, a majority of the three', async () => {
            const { txId } = await checkIn();
            const expected = Buffer.from(ownersAndMajorityPolicy([HARBOUR, ALPINE], [ALPINE, HARBOUR, METRO]));
            for (const key of [
                ledger.key('visit', txId),
                ledger.key('usage', agreement.agreementId, HARBOUR_MEMBER, '2026-03'),
                ledger.key('usage', agreement.agreementId, HARBOUR_MEMBER, '2026'),
            ]) {
                const policy = ledger.endorsementPolicies.get(key);
                expect(policy, key).to.not.equal(undefined);
                expect(Buffer.from(policy!).equals(expected), key).to.equal(true);
            }
            // The three new keys, beside the arranged member's record and open-visit pointer.
            expect(ledger.endorsementPolicies.size).to.equal(5);

            const envelope = common.SignaturePolicyEnvelope.deserializeBinary(ledger.endorsementPolicies.get(ledger.key('visit', txId))!);
            const clubs = envelope
                .getIdentitiesList()
                .map((principal) => msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier());
            const rule = envelope.getRule()!.getNOutOf()!;
            const owners = rule.getRulesList().map((owner) => clubs[owner.getSignedBy()]);
            expect(clubs).to.deep.equal([ALPINE, HARBOUR, METRO]);
            expect(rule.getN()).to.equal(2);
            expect(owners, 'both owners and no other club').to.deep.equal([ALPINE, HARBOUR]);
        });

        describe('with a client request ID', () => {
            const REQUEST_ID = 'desk-2_0001';
            const recordedRequest = (requestId: string, host = ALPINE) => ledger.read('checkInRequest', host, requestId);

            it('records which visit the request made', async () => {
                const { txId } = await checkIn({ requestId: REQUEST_ID });
                expect(recordedRequest(REQUEST_ID)).to.deep.equal({ visitId: txId });
                expect(ledger.read<Visit>('visit', txId)).to.not.have.property('requestId');
            });

            it('refuses a retry with the same ID as DUPLICATE_REQUEST naming the recorded visit, writing nothing', async () => {
                const first = await checkIn({ requestId: REQUEST_ID });
                const error = await expectRefused(() => checkInOn('2026-03-03', { requestId: REQUEST_ID }), 'DUPLICATE_REQUEST');
                expect(error.message).to.equal(`DUPLICATE_REQUEST: check-in request ${REQUEST_ID} already recorded visit ${first.txId}`);
                expect(recordedVisitOf(`chaincode response 500, ${error.message}`)).to.equal(first.txId);
            });

            it('refuses the retry before any check-in rule, though the visit it recorded used the last of the month', async () => {
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ visitsPerMemberPerMonth: 1 }) });
                await checkIn({ requestId: REQUEST_ID });
                await expectRefused(() => checkIn({ requestId: REQUEST_ID }), 'DUPLICATE_REQUEST');
            });

            it('records a new visit for another ID, and for the same ID at another host', async () => {
                arrangeAgreement(ledger, agreementRecord(METRO, HARBOUR));
                const first = await checkIn({ requestId: REQUEST_ID });
                const second = await checkInOn('2026-03-03', { requestId: 'desk-2_0002' });
                const third = await checkInOn('2026-03-04', { requestId: REQUEST_ID }, METRO);

                expect(new Set([first.txId, second.txId, third.txId]).size).to.equal(3);
                expect(recordedRequest('desk-2_0002')).to.deep.equal({ visitId: second.txId });
                expect(recordedRequest(REQUEST_ID, METRO)).to.deep.equal({ visitId: third.txId });
                expect(usageOf('2026-03')).to.equal(2);
            });

            it('gives the request key the visit’s policy: home and host, a majority of the three', async () => {
                const { txId } = await checkIn({ requestId: REQUEST_ID });
                const policy = ledger.endorsementPolicies.get(ledger.key('checkInRequest', ALPINE, REQUEST_ID));
                expect(policy).to.not.equal(undefined);
                expect(Buffer.from(policy!).equals(Buffer.from(ownersAndMajorityPolicy([HARBOUR, ALPINE], [ALPINE, HARBOUR, METRO])))).to.equal(true);
                expect(Buffer.from(policy!).equals(Buffer.from(ledger.endorsementPolicies.get(ledger.key('visit', txId))!))).to.equal(true);
            });

            it('is not recorded by a check-in endorsed by the host alone', async () => {
                const input = checkInRequest({ requestId: REQUEST_ID });
                const error = await refusal(ledger.submit(staff(ALPINE), (ctx) => visits.checkIn(ctx, JSON.stringify(input)), [ALPINE, METRO]));
                expect(error.message).to.match(/^ENDORSEMENT_POLICY_FAILURE: /);
                expect(recordedRequest(REQUEST_ID)).to.equal(undefined);
            });
        });

        describe('with a letter of introduction', () => {
            const introductionId = idOf('introduction');

            beforeEach(() => {
                arrangeIntroduction(ledger, introductionRecord());
            });

            it('uses the named ISSUED introduction when the agreement requires one', async () => {
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ letterOfIntroductionRequired: true }) });
                const { txId, event } = await checkIn({ introductionId });

                const used = ledger.read<Introduction>('introduction', introductionId);
                expect(used).to.include({ status: 'USED', visitId: txId });
                expect(used?.updated.txId).to.equal(txId);
                expect(ledger.read<Visit>('visit', txId)?.introductionId).to.equal(introductionId);
                expect(event?.changes.at(-1)).to.deep.equal({ kind: 'introduction', value: used });
            });

            it('uses an introduction named when none is required', async () => {
                const { txId } = await checkIn({ introductionId });
                expect(ledger.read<Introduction>('introduction', introductionId)).to.include({ status: 'USED', visitId: txId });
            });

            const unusable: [string, Partial<Introduction>][] = [
                ['only requested', { status: 'REQUESTED' }],
                ['already used', { status: 'USED', visitId: idOf('earlier visit') }],
                ['cancelled', { status: 'CANCELLED' }],
                ['for another member', { memberNumber: 'HAR000002' }],
                ['for another host', { hostClub: METRO }],
                ['for a stay that ended yesterday', { stay: { from: '2026-02-20', until: '2026-03-01' } }],
                ['for a stay that starts tomorrow', { stay: { from: '2026-03-03', until: '2026-03-09' } }],
            ];
            for (const [what, change] of unusable) {
                for (const required of [true, false]) {
                    it(`refuses an introduction ${what} (${required ? '' : 'not '}required) and writes nothing`, async () => {
                        arrangeAgreement(ledger, { ...agreement, terms: termsOf({ letterOfIntroductionRequired: required }) });
                        arrangeIntroduction(ledger, introductionRecord(change));
                        await expectRefused(() => checkIn({ introductionId }), 'INTRODUCTION_REQUIRED');
                    });
                }
            }

            it('refuses an introduction that does not exist', async () => {
                await expectRefused(() => checkIn({ introductionId: idOf('no such introduction') }), 'INTRODUCTION_REQUIRED');
            });

            it('refuses a required introduction that is not named, though one exists', async () => {
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ letterOfIntroductionRequired: true }) });
                await expectRefused(() => checkIn(), 'INTRODUCTION_REQUIRED');
            });
        });

        describe('usage counters', () => {
            beforeEach(() => {
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ visitsPerMemberPerMonth: 1, visitsPerMemberPerYear: 2 }) });
            });

            it('refuses a visit once the monthly limit is reached', async () => {
                await checkInOn('2026-03-30');
                const error = await expectRefused(() => checkInOn('2026-03-31'), 'VISIT_LIMIT_REACHED');
                expect(error.message).to.contain('1 of 1 visits used in 2026-03');
            });

            it('starts a new month afresh but keeps counting the year', async () => {
                await checkInOn('2026-03-31');
                await checkInOn('2026-04-01');
                expect([usageOf('2026-03'), usageOf('2026-04'), usageOf('2026')]).to.deep.equal([1, 1, 2]);

                const error = await expectRefused(() => checkInOn('2026-05-01'), 'VISIT_LIMIT_REACHED');
                expect(error.message).to.contain('2 of 2 visits used in 2026');
                expect(usageOf('2026-05')).to.equal(undefined);
            });

            it('starts a new year afresh', async () => {
                await checkInOn('2026-11-30');
                await checkInOn('2026-12-31');
                await expectRefused(() => checkInOn('2026-12-31'), 'VISIT_LIMIT_REACHED');
                await checkInOn('2027-01-01');
                expect([usageOf('2026-12'), usageOf('2026'), usageOf('2027-01'), usageOf('2027')]).to.deep.equal([1, 2, 1, 1]);
            });

            it('counts under the agreement, so a visit elsewhere does not use this allowance', async () => {
                const metro = agreementRecord(METRO, HARBOUR);
                arrangeAgreement(ledger, metro);
                await checkInOn(TODAY);
                await checkInOn(TODAY, {}, METRO);
                expect([usageOf('2026-03'), usageOf('2026-03', metro.agreementId)]).to.deep.equal([1, 1]);
            });
        });

        describe('the visit still open', () => {
            it('is closed by the next check-in, at another host too, and that host is told', async () => {
                arrangeAgreement(ledger, agreementRecord(METRO, HARBOUR));
                const first = await checkInOn(TODAY);
                const second = await checkInOn('2026-03-03', {}, METRO);

                const closed = ledger.read<Visit>('visit', first.txId);
                expect(closed).to.include({ status: 'CHECKED_OUT', closure: 'CLOSED_BY_NEXT_CHECK_IN' });
                expect(closed?.closed).to.deep.equal({
                    by: `staff@${METRO}`,
                    club: METRO,
                    at: at('2026-03-03').toISOString(),
                    txId: second.txId,
                });
                expect(ledger.read('openVisit', HARBOUR_MEMBER)).to.deep.equal({ visitId: second.txId });
                expect(second.event?.parties).to.deep.equal([ALPINE, HARBOUR, METRO]);
                expect(second.event?.changes.map((change) => change.kind)).to.deep.equal(['visit', 'usage', 'usage', 'visit']);
                expect(second.event?.changes[3]).to.deep.equal({ kind: 'visit', value: closed });
            });

            it('is left alone once checked out', async () => {
                const first = await checkInOn(TODAY);
                await closeVisit(staff(ALPINE), first.txId, (ctx) => visits.checkOut(ctx, first.txId));
                const second = await checkInOn('2026-03-03');

                expect(ledger.read<Visit>('visit', first.txId)?.closure).to.equal('CHECKED_OUT_BY_HOST');
                expect(second.event?.changes.map((change) => change.kind)).to.deep.equal(['visit', 'usage', 'usage']);
            });
        });

        it('costs the same reads with 0 and with 300 prior visits: no visit history is read', async () => {
            const roomy = { ...agreement, terms: termsOf({ visitsPerMemberPerMonth: 31, visitsPerMemberPerYear: 366 }) };
            const costOfCheckIn = async (priorVisits: number) => {
                const fresh = new FakeLedger();
                await registerClubs(fresh);
                arrangeMember(fresh, member);
                arrangeAgreement(fresh, roomy);
                arrangePriorVisits(fresh, roomy, member, priorVisits, TODAY);
                const stateSize = fresh.state.size;
                const { ctx, stub, commit } = fresh.context(staff(ALPINE));
                await visits.checkIn(ctx, JSON.stringify(checkInRequest()));
                commit();
                return {
                    stateSize,
                    getState: stub.getState.callCount,
                    rangeReads: stub.getStateByPartialCompositeKey.getCalls().map((call) => call.args[0]),
                    pagedReads: stub.getStateByPartialCompositeKeyWithPagination.callCount,
                    historyReads: stub.getHistoryForKey.callCount,
                    yearCount: fresh.read<VisitUsage>('usage', roomy.agreementId, HARBOUR_MEMBER, '2026')?.visits,
                };
            };

            const none = await costOfCheckIn(0);
            const many = await costOfCheckIn(300);

            expect(many.stateSize - none.stateSize).to.be.greaterThan(600);
            expect([none.yearCount, many.yearCount]).to.deep.equal([1, 61]);
            expect(many.getState).to.equal(none.getState);
            expect(many.rangeReads).to.deep.equal(none.rangeReads);
            expect(many.rangeReads.every((objectType) => objectType === 'club')).to.equal(true);
            expect([many.pagedReads, many.historyReads]).to.deep.equal([0, 0]);
        });

        describe('refusals', () => {
            interface Scenario {
                readonly host: string;
                readonly request: CheckInRequest;
                readonly homeStatus: ClubStatus;
                readonly member: Member | undefined;
                readonly agreement: Agreement;
                readonly bar?: MemberBar;
                readonly monthVisits: number;
            }

            const base = (): Scenario => ({
                host: ALPINE,
                request: checkInRequest(),
                homeStatus: 'ACTIVE',
                member,
                agreement,
                monthVisits: 0,
            });
            const withTerms = (scenario: Scenario, terms: Partial<Agreement['terms']>): Scenario => ({
                ...scenario,
                agreement: { ...scenario.agreement, terms: { ...scenario.agreement.terms, ...terms } },
            });
            const withMember = (scenario: Scenario, change: Partial<Member>): Scenario => ({
                ...scenario,
                member: { ...scenario.member!, ...change },
            });
            const withAgreementStatus = (scenario: Scenario, status: Agreement['status']): Scenario => ({
                ...scenario,
                agreement: { ...scenario.agreement, status },
            });
            const withRequest = (scenario: Scenario, request: Partial<CheckInRequest>): Scenario => ({
                ...scenario,
                request: { ...scenario.request, ...request },
            });

            /** Each rule with a change that breaks it alone, in the order check-in applies them. */
            const rulesInOrder: [ErrorCode, string, (scenario: Scenario) => Scenario][] = [
                ['INVALID_ARGUMENT', 'the host is the home club', (s) => ({ ...s, host: HARBOUR })],
                ['CLUB_SUSPENDED', 'the home club is suspended', (s) => ({ ...s, homeStatus: 'SUSPENDED' })],
                ['NOT_FOUND', 'the member is unknown', (s) => ({ ...s, member: undefined })],
                ['MEMBER_NOT_ACTIVE', 'the member is suspended', (s) => withMember(s, { status: 'SUSPENDED' })],
                ['MEMBERSHIP_EXPIRED', 'the membership ended yesterday', (s) => withMember(s, { validUntil: YESTERDAY })],
                ['AGREEMENT_NOT_ACTIVE', 'the agreement is suspended', (s) => withAgreementStatus(s, 'SUSPENDED')],
                ['AGREEMENT_NOT_IN_EFFECT', 'the agreement starts next month', (s) => withTerms(s, { validFrom: '2026-04-01' })],
                ['MEMBERSHIP_TYPE_NOT_ELIGIBLE', 'only VIPs are covered', (s) => withTerms(s, { eligibleMembershipTypes: ['VIP'] })],
                ['FACILITY_NOT_INCLUDED', 'the spa is not included', (s) => withRequest(s, { facility: 'SPA' })],
                ['BLACKOUT_DATE', 'today is blacked out', (s) => withTerms(s, { blackoutDates: [{ from: TODAY, until: TODAY }] })],
                ['WEEKDAY_NOT_ALLOWED', 'only weekends are allowed', (s) => withTerms(s, { allowedWeekdays: ['SAT', 'SUN'] })],
                ['GUEST_LIMIT_EXCEEDED', 'three guests come along', (s) => withRequest(s, { guests: 3 })],
                ['STAY_TOO_LONG', 'the stay is four nights', (s) => withRequest(s, { nights: 4 })],
                ['MEMBER_BARRED', 'the host bars the member', (s) => ({ ...s, bar: barRecord(ALPINE, HARBOUR_MEMBER) })],
                ['INTRODUCTION_REQUIRED', 'a letter is required', (s) => withTerms(s, { letterOfIntroductionRequired: true })],
                ['VISIT_LIMIT_REACHED', 'four visits this month', (s) => ({ ...s, monthVisits: 4 })],
            ];

            function arrange(scenario: Scenario): void {
                arrangeClubStatus(ledger, HARBOUR, scenario.homeStatus);
                ledger.state.delete(ledger.key('member', HARBOUR, HARBOUR_MEMBER));
                if (scenario.member) {
                    arrangeMember(ledger, scenario.member);
                }
                arrangeAgreement(ledger, scenario.agreement);
                if (scenario.bar) {
                    arrangeBar(ledger, scenario.bar);
                }
                for (const period of ['2026-03', '2026']) {
                    const visits = scenario.monthVisits;
                    arrangeUsage(ledger, { agreementId: agreement.agreementId, memberNumber: HARBOUR_MEMBER, period, visits });
                }
            }

            const attempt = (scenario: Scenario) => () =>
                ledger.submit(staff(scenario.host), (ctx) => visits.checkIn(ctx, JSON.stringify(scenario.request)));

            rulesInOrder.forEach(([code, what, breakRule], index) => {
                it(`refuses with ${code} when ${what}, writing nothing`, async () => {
                    const scenario = breakRule(base());
                    arrange(scenario);
                    await expectRefused(attempt(scenario), code);
                });

                it(`checks that ${what} (${code}) before every later rule`, async () => {
                    // Break this rule and every rule after it: only this one may be reported.
                    const scenario = rulesInOrder
                        .slice(index)
                        .reverse()
                        .reduce((broken, [, , breakNext]) => breakNext(broken), base());
                    arrange(scenario);
                    await expectRefused(attempt(scenario), code);
                });
            });

            it('admits the base scenario, so each refusal above is due to its one change', async () => {
                arrange(base());
                await attempt(base())();
                expect(usageOf('2026-03')).to.equal(1);
            });

            it('refuses a host suspended by the consortium', async () => {
                arrangeClubStatus(ledger, ALPINE, 'SUSPENDED');
                const error = await expectRefused(() => checkIn(), 'CLUB_SUSPENDED');
                expect(error.message).to.contain(ALPINE);
            });

            it('refuses a host that is not registered on the channel', async () => {
                await expectRefused(() => checkIn({}, staff('OceanMSP')), 'NOT_FOUND');
            });

            it('refuses a member number whose prefix no club holds', async () => {
                await expectRefused(() => checkIn({ memberNumber: 'ZZZ000001' }), 'NOT_FOUND');
            });

            it('refuses when the clubs have no agreement, or only a proposed one', async () => {
                ledger.state.delete(ledger.key('agreementByPair', ALPINE, HARBOUR));
                const error = await expectRefused(() => checkIn(), 'AGREEMENT_NOT_ACTIVE');
                expect(error.message).to.contain('have no agreement');
                arrangeAgreement(ledger, { ...agreement, status: 'PROPOSED' });
                await expectRefused(() => checkIn(), 'AGREEMENT_NOT_ACTIVE');
            });

            it('refuses a visit after the agreement ended', async () => {
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ validFrom: '2026-01-01', validUntil: '2026-03-01' }) });
                await expectRefused(() => checkIn(), 'AGREEMENT_NOT_IN_EFFECT');
            });

            it('refuses a visit on the first and on the last day of a blackout', async () => {
                await expectRefused(() => checkInOn('2026-07-01'), 'BLACKOUT_DATE');
                await expectRefused(() => checkInOn('2026-07-31'), 'BLACKOUT_DATE');
            });

            it('refuses a Sunday when only weekdays are allowed', async () => {
                const allowedWeekdays = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;
                arrangeAgreement(ledger, { ...agreement, terms: termsOf({ allowedWeekdays: [...allowedWeekdays] }) });
                await expectRefused(() => checkInOn('2026-03-08'), 'WEEKDAY_NOT_ALLOWED');
                await checkInOn('2026-03-07');
            });

            it('refuses when the yearly limit is reached though the month has room', async () => {
                arrangeUsage(ledger, { agreementId: agreement.agreementId, memberNumber: HARBOUR_MEMBER, period: '2026', visits: 12 });
                const error = await expectRefused(() => checkIn(), 'VISIT_LIMIT_REACHED');
                expect(error.message).to.contain('in 2026');
            });

            for (const submitter of [auditor(ALPINE), { mspId: ALPINE } as Submitter]) {
                it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                    await expectRefused(() => checkIn({}, submitter), 'FORBIDDEN');
                });
            }

            const badInputs: [string, unknown][] = [
                ['not JSON', '{memberNumber:'],
                ['a missing facility', { ...checkInRequest(), facility: undefined }],
                ['an unknown facility', checkInRequest({ facility: 'CASINO' as never })],
                ['negative guests', checkInRequest({ guests: -1 })],
                ['fractional nights', checkInRequest({ nights: 1.5 })],
                ['guests as a string', { ...checkInRequest(), guests: '1' }],
                ['over 100 guests', checkInRequest({ guests: 101 })],
                ['a malformed member number', checkInRequest({ memberNumber: 'har1' })],
                ['a malformed introduction ID', checkInRequest({ introductionId: 'letter-1' })],
                ['an empty request ID', checkInRequest({ requestId: '' })],
                ['a request ID over 64 characters', checkInRequest({ requestId: 'r'.repeat(65) })],
                ['a request ID with a space', checkInRequest({ requestId: 'desk 2' })],
                ['an unknown field', { ...checkInRequest(), visitDate: '2026-01-01' }],
                ['an array', [checkInRequest()]],
            ];
            for (const [what, input] of badInputs) {
                it(`refuses ${what} as INVALID_ARGUMENT`, async () => {
                    const json = typeof input === 'string' ? input : JSON.stringify(input);
                    await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkIn(ctx, json)), 'INVALID_ARGUMENT');
                });
            }
        });
    });

    describe('checkOut', () => {
        let visitId: string;

        beforeEach(async () => {
            visitId = (await checkIn()).txId;
        });

        it('closes the visit as checked out by the host and clears the open visit', async () => {
            const { event, txId } = await closeVisit(staff(ALPINE), visitId, (ctx) => visits.checkOut(ctx, visitId));

            const visit = ledger.read<Visit>('visit', visitId);
            expect(visit).to.include({ status: 'CHECKED_OUT', closure: 'CHECKED_OUT_BY_HOST' });
            expect(visit?.closed).to.deep.equal({ by: `staff@${ALPINE}`, club: ALPINE, at: ledger.clock.toISOString(), txId });
            expect(visit?.fee.amountMinor).to.equal(2500);
            expect(ledger.read('openVisit', HARBOUR_MEMBER)).to.deep.equal({ visitId: null });
            expect(usageOf('2026-03')).to.equal(1);
            expect(event).to.deep.include({ name: 'VisitCheckedOut', parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'visit', value: visit }]);
        });

        it('refuses a second check-out and a cancellation after it', async () => {
            await closeVisit(admin(ALPINE), visitId, (ctx) => visits.checkOut(ctx, visitId));
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, visitId)), 'INVALID_TRANSITION');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.cancel(ctx, visitId)), 'INVALID_TRANSITION');
        });

        it('refuses to check out a visit closed by the next check-in', async () => {
            await checkInOn('2026-03-03');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, visitId)), 'INVALID_TRANSITION');
        });

        it('refuses another club, even the home club', async () => {
            for (const club of [HARBOUR, METRO]) {
                await expectRefused(() => ledger.submit(staff(club), (ctx) => visits.checkOut(ctx, visitId)), 'FORBIDDEN');
            }
        });

        it('refuses an auditor, an unknown visit and a malformed ID', async () => {
            await expectRefused(() => ledger.submit(auditor(ALPINE), (ctx) => visits.checkOut(ctx, visitId)), 'FORBIDDEN');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, idOf('no visit'))), 'NOT_FOUND');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, 'visit-1')), 'INVALID_ARGUMENT');
        });
    });

    describe('cancel', () => {
        it('cancels the visit without a fee, gives the allowance back and clears the open visit', async () => {
            arrangeAgreement(ledger, { ...agreement, terms: termsOf({ visitsPerMemberPerMonth: 1, visitsPerMemberPerYear: 1 }) });
            const visitId = (await checkIn()).txId;
            await expectRefused(() => checkInOn('2026-03-03'), 'VISIT_LIMIT_REACHED');

            const { event, txId } = await closeVisit(staff(ALPINE), visitId, (ctx) => visits.cancel(ctx, visitId));

            const visit = ledger.read<Visit>('visit', visitId);
            expect(visit).to.include({ status: 'CANCELLED', closure: 'CANCELLED_BY_HOST' });
            expect(visit?.fee).to.deep.equal({ amountMinor: 0, currency: 'EUR' });
            expect(visit?.closed?.txId).to.equal(txId);
            expect([usageOf('2026-03'), usageOf('2026')]).to.deep.equal([0, 0]);
            expect(ledger.read('openVisit', HARBOUR_MEMBER)).to.deep.equal({ visitId: null });
            expect(ledger.read('visitByMember', HARBOUR_MEMBER, visitId)).to.equal(visitId);
            expect(event).to.deep.include({ name: 'VisitCancelled', parties: [ALPINE, HARBOUR] });
            expect(event?.changes.map((change) => change.kind)).to.deep.equal(['visit', 'usage', 'usage']);

            await checkInOn('2026-03-03');
            expect(usageOf('2026-03')).to.equal(1);
        });

        it('gives a used introduction back as ISSUED', async () => {
            const introductionId = idOf('introduction');
            arrangeIntroduction(ledger, introductionRecord());
            const visitId = (await checkIn({ introductionId })).txId;

            const { event, txId } = await closeVisit(admin(ALPINE), visitId, (ctx) => visits.cancel(ctx, visitId));

            const introduction = ledger.read<Introduction>('introduction', introductionId);
            expect(introduction?.status).to.equal('ISSUED');
            expect(introduction).to.not.have.property('visitId');
            expect(introduction?.updated.txId).to.equal(txId);
            expect(event?.changes.at(-1)).to.deep.equal({ kind: 'introduction', value: introduction });
            await checkInOn('2026-03-03', { introductionId });
        });

        it('refuses another club, an auditor, a cancelled visit and an unknown one', async () => {
            const visitId = (await checkIn()).txId;
            await expectRefused(() => ledger.submit(admin(HARBOUR), (ctx) => visits.cancel(ctx, visitId)), 'FORBIDDEN');
            await expectRefused(() => ledger.submit(auditor(ALPINE), (ctx) => visits.cancel(ctx, visitId)), 'FORBIDDEN');
            await closeVisit(staff(ALPINE), visitId, (ctx) => visits.cancel(ctx, visitId));
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.cancel(ctx, visitId)), 'INVALID_TRANSITION');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.checkOut(ctx, visitId)), 'INVALID_TRANSITION');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.cancel(ctx, idOf('no visit'))), 'NOT_FOUND');
            await expectRefused(() => ledger.submit(staff(ALPINE), (ctx) => visits.cancel(ctx, '')), 'INVALID_ARGUMENT');
        });
    });

    describe('endorsersForCheckIn', () => {
        const endorsers = (submitter: Submitter = staff(ALPINE)) =>
            ledger.evaluate(submitter, async (ctx) => JSON.parse(await visits.endorsersForCheckIn(ctx, HARBOUR_MEMBER)) as string[]);

        it('names the home club and the host, a majority of the three clubs', async () => {
            expect(await endorsers()).to.deep.equal([ALPINE, HARBOUR]);
        });

        it('adds the host of an open visit the check-in will close', async () => {
            arrangeAgreement(ledger, agreementRecord(METRO, HARBOUR));
            await checkInOn(TODAY, {}, METRO);
            expect(await endorsers()).to.deep.equal([ALPINE, HARBOUR, METRO]);
        });

        it('adds clubs in MSP ID order until a majority when the owners are too few', async () => {
            await registerClubs(ledger, 'BayMSP', 'CoastMSP');
            expect(await endorsers()).to.deep.equal([ALPINE, 'BayMSP', HARBOUR]);
        });

        it('is for the host club\'s staff and admins only', async () => {
            const error = await refusal(endorsers(auditor(ALPINE)));
            expect(error.message).to.match(/^FORBIDDEN: /);
        });
    });

    describe('reads', () => {
        const ofMember = (reader: Submitter, memberNumber: string, pageSize: string, bookmark: string) =>
            ledger.evaluate(reader, (ctx) => visits.ofMember(ctx, memberNumber, pageSize, bookmark));

        it('lets any role of any club read a visit', async () => {
            const { txId } = await checkIn();
            for (const reader of [auditor(METRO), staff(HARBOUR), admin(ALPINE)]) {
                const visit = JSON.parse(await ledger.evaluate(reader, (ctx) => visits.get(ctx, txId))) as Visit;
                expect(visit.visitId).to.equal(txId);
            }
        });

        it('refuses a reader without a role, a malformed ID and an unknown visit', async () => {
            const { txId } = await checkIn();
            await expectRefused(() => ledger.evaluate({ mspId: METRO }, (ctx) => visits.get(ctx, txId)), 'FORBIDDEN');
            await expectRefused(() => ledger.evaluate(auditor(METRO), (ctx) => visits.get(ctx, 'x')), 'INVALID_ARGUMENT');
            await expectRefused(() => ledger.evaluate(auditor(METRO), (ctx) => visits.get(ctx, idOf('none'))), 'NOT_FOUND');
        });

        it('pages through the visits of a member through the index', async () => {
            const ids = [
                (await checkInOn('2026-03-02')).txId,
                (await checkInOn('2026-03-03')).txId,
                (await checkInOn('2026-03-04')).txId,
            ];
            const read = async (bookmark: string) =>
                JSON.parse(await ofMember(auditor(METRO), HARBOUR_MEMBER, '2', bookmark)) as Page<Visit>;

            const first = await read('');
            const second = await read(first.bookmark);
            expect(first.items).to.have.length(2);
            expect(second.items).to.have.length(1);
            expect(second.bookmark).to.equal('');
            expect([...first.items, ...second.items].map((visit) => visit.visitId).sort()).to.deep.equal([...ids].sort());
        });

        it('returns an empty page for a member without visits', async () => {
            const page = JSON.parse(await ofMember(staff(ALPINE), 'ALP000001', '10', '')) as Page<Visit>;
            expect(page).to.deep.equal({ items: [], bookmark: '' });
        });

        for (const [what, memberNumber, pageSize, bookmark] of [
            ['a page size of 0', HARBOUR_MEMBER, '0', ''],
            ['a page size of 201', HARBOUR_MEMBER, '201', ''],
            ['a page size that is no number', HARBOUR_MEMBER, 'ten', ''],
            ['a malformed member number', 'HAR-1', '10', ''],
            ['an oversize bookmark', HARBOUR_MEMBER, '10', 'x'.repeat(1025)],
        ] as const) {
            it(`refuses ${what}`, async () => {
                await expectRefused(
                    () => ofMember(auditor(METRO), memberNumber, pageSize, bookmark),
                    'INVALID_ARGUMENT',
                );
            });
        }
    });
});
