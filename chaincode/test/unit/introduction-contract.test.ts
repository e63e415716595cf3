import { expect } from 'chai';
import type { ErrorCode } from '../../src/errors';
import { IntroductionContract } from '../../src/introductions/introduction-contract';
import type { Introduction, IntroductionRequest, IntroductionStatus } from '../../src/model/introduction';
import { ALPINE, HARBOUR, METRO, admin, auditor, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';
import {
    HARBOUR_MEMBER,
    arrangeIntroduction,
    arrangeMember,
    idOf,
    introductionRecord,
    memberRecord,
    snapshot,
} from '../support/visit-fixtures';

/** The FakeLedger's clock reads 2026-03-02. */
const TODAY = '2026-03-02';

describe('IntroductionContract', () => {
    const introductions = new IntroductionContract();
    let ledger: FakeLedger;

    const requestOf = (overrides: Partial<IntroductionRequest> = {}): IntroductionRequest => ({
        memberNumber: HARBOUR_MEMBER,
        hostClub: ALPINE,
        stay: { from: '2026-03-10', until: '2026-03-14' },
        ...overrides,
    });
    const request = (overrides: Partial<IntroductionRequest> = {}, submitter: Submitter = staff(HARBOUR)) =>
        ledger.submit(submitter, (ctx) => introductions.request(ctx, JSON.stringify(requestOf(overrides))));
    const issue = (introductionId: string, submitter: Submitter = staff(HARBOUR)) =>
        ledger.submit(submitter, (ctx) => introductions.issue(ctx, introductionId));
    const cancel = (introductionId: string, submitter: Submitter = staff(HARBOUR)) =>
        ledger.submit(submitter, (ctx) => introductions.cancel(ctx, introductionId));

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
        arrangeMember(ledger, memberRecord(HARBOUR_MEMBER));
    });

    describe('request', () => {
        it('records a REQUESTED introduction from the home club, indexed by host and by member', async () => {
            const { txId, event, result } = await request({ note: 'Sailing week' });

            const introduction = ledger.read<Introduction>('introduction', txId);
            const stamp = { by: `staff@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId };
            expect(introduction).to.deep.equal({
                introductionId: txId,
                memberNumber: HARBOUR_MEMBER,
                homeClub: HARBOUR,
                hostClub: ALPINE,
                stay: { from: '2026-03-10', until: '2026-03-14' },
                note: 'Sailing week',
                status: 'REQUESTED',
                created: stamp,
                updated: stamp,
            });
            expect(JSON.parse(result)).to.deep.equal(introduction);
            expect(ledger.read('introductionByHost', ALPINE, txId)).to.equal(txId);
            expect(ledger.read('introductionByMember', HARBOUR_MEMBER, txId)).to.equal(txId);
            expect(event).to.deep.include({ name: 'IntroductionRequested', submitter: HARBOUR, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'introduction', value: introduction }]);
        });

        it('lets an admin request one, without a note, for a stay that ends today', async () => {
            const { txId } = await request({ stay: { from: '2026-02-28', until: TODAY } }, admin(HARBOUR));
            const introduction = ledger.read<Introduction>('introduction', txId);
            expect(introduction?.status).to.equal('REQUESTED');
            expect(introduction).to.not.have.property('note');
        });

        it('refuses a member of another club', async () => {
            arrangeMember(ledger, memberRecord('ALP000001'));
            const error = await expectRefused(() => request({ memberNumber: 'ALP000001', hostClub: METRO }), 'FORBIDDEN');
            expect(error.message).to.contain('belongs to AlpineMSP');
        });

        it('refuses an unknown member and a prefix no club holds', async () => {
            await expectRefused(() => request({ memberNumber: 'HAR000002' }), 'NOT_FOUND');
            await expectRefused(() => request({ memberNumber: 'ZZZ000001' }), 'NOT_FOUND');
        });

        for (const status of ['PENDING', 'SUSPENDED', 'EXPIRED', 'TERMINATED'] as const) {
            it(`refuses a ${status} member`, async () => {
                arrangeMember(ledger, memberRecord(HARBOUR_MEMBER, { status }));
                await expectRefused(() => request(), 'MEMBER_NOT_ACTIVE');
            });
        }

        it('refuses an introduction to the home club itself', async () => {
            await expectRefused(() => request({ hostClub: HARBOUR }), 'INVALID_ARGUMENT');
        });

        it('refuses a host that is not registered', async () => {
            await expectRefused(() => request({ hostClub: 'OceanMSP' }), 'NOT_FOUND');
        });

        it('refuses a stay that ended before today', async () => {
            const error = await expectRefused(() => request({ stay: { from: '2026-02-01', until: '2026-03-01' } }), 'INVALID_ARGUMENT');
            expect(error.message).to.contain('2026-03-01');
        });

        for (const submitter of [auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                await expectRefused(() => request({}, submitter), 'FORBIDDEN');
            });
        }

        const badInputs: [string, unknown][] = [
            ['not JSON', '{stay:'],
            ['a missing stay', { ...requestOf(), stay: undefined }],
            ['a stay that ends before it starts', requestOf({ stay: { from: '2026-03-14', until: '2026-03-10' } })],
            ['a date that does not exist', requestOf({ stay: { from: '2026-02-30', until: '2026-03-10' } })],
            ['a date with a time', requestOf({ stay: { from: '2026-03-10T10:00:00Z', until: '2026-03-11' } })],
            ['a malformed member number', requestOf({ memberNumber: 'HAR42' })],
            ['a malformed host', requestOf({ hostClub: 'Alpine MSP' })],
            ['an empty note', requestOf({ note: '   ' })],
            ['a note over 200 characters', requestOf({ note: 'x'.repeat(201) })],
            ['an unknown field', { ...requestOf(), status: 'ISSUED' }],
        ];
        for (const [what, input] of badInputs) {
            it(`refuses ${what} as INVALID_ARGUMENT`, async () => {
                const json = typeof input === 'string' ? input : JSON.stringify(input);
                await expectRefused(() => ledger.submit(staff(HARBOUR), (ctx) => introductions.request(ctx, json)), 'INVALID_ARGUMENT');
            });
        }
    });

    describe('issue and cancel', () => {
        let introductionId: string;

        beforeEach(async () => {
            introductionId = (await request()).txId;
        });

        it('issues a requested introduction', async () => {
            const { event, txId } = await issue(introductionId, admin(HARBOUR));

            const issued = ledger.read<Introduction>('introduction', introductionId);
            expect(issued?.status).to.equal('ISSUED');
            expect(issued?.updated).to.deep.equal({ by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId });
            expect(issued?.created.txId).to.equal(introductionId);
            expect(event).to.deep.include({ name: 'IntroductionIssued', parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'introduction', value: issued }]);
        });

        it('cancels a requested introduction', async () => {
            const { event } = await cancel(introductionId);
            expect(ledger.read<Introduction>('introduction', introductionId)?.status).to.equal('CANCELLED');
            expect(event).to.deep.include({ name: 'IntroductionCancelled', parties: [ALPINE, HARBOUR] });
        });

        it('cancels an issued introduction', async () => {
            await issue(introductionId);
            await cancel(introductionId);
            expect(ledger.read<Introduction>('introduction', introductionId)?.status).to.equal('CANCELLED');
        });

        const refusedTransitions: [IntroductionStatus, 'issue' | 'cancel'][] = [
            ['ISSUED', 'issue'],
            ['USED', 'issue'],
            ['CANCELLED', 'issue'],
            ['USED', 'cancel'],
            ['CANCELLED', 'cancel'],
        ];
        for (const [status, action] of refusedTransitions) {
            it(`refuses to ${action} a ${status} introduction`, async () => {
                arrangeIntroduction(ledger, introductionRecord({ introductionId, status }));
                const attempt = action === 'issue' ? () => issue(introductionId) : () => cancel(introductionId);
                await expectRefused(attempt, 'INVALID_TRANSITION');
            });
        }

        it('refuses the host and any other club', async () => {
            for (const club of [ALPINE, METRO]) {
                await expectRefused(() => issue(introductionId, admin(club)), 'FORBIDDEN');
                await expectRefused(() => cancel(introductionId, staff(club)), 'FORBIDDEN');
            }
        });

        it('refuses an auditor, an unknown introduction and a malformed ID', async () => {
            await expectRefused(() => issue(introductionId, auditor(HARBOUR)), 'FORBIDDEN');
            await expectRefused(() => cancel(introductionId, auditor(HARBOUR)), 'FORBIDDEN');
            await expectRefused(() => issue(idOf('no introduction')), 'NOT_FOUND');
            await expectRefused(() => cancel('LETTER'), 'INVALID_ARGUMENT');
        });
    });

    describe('reads', () => {
        const expectedAt = (reader: Submitter, hostClub: string, date: string) =>
            ledger.evaluate(reader, (ctx) => introductions.expectedAt(ctx, hostClub, date));
        const idsIn = (json: string) => (JSON.parse(json) as Introduction[]).map((introduction) => introduction.introductionId).sort();

        beforeEach(() => {
            const march = { from: '2026-03-10', until: '2026-03-14' };
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('issued'), stay: march }));
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('requested'), stay: march, status: 'REQUESTED' }));
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('used'), stay: march, status: 'USED' }));
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('cancelled'), stay: march, status: 'CANCELLED' }));
            const april = { from: '2026-04-01', until: '2026-04-02' };
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('april'), stay: april }));
            arrangeIntroduction(ledger, introductionRecord({ introductionId: idOf('at metro'), stay: march, hostClub: METRO }));
            arrangeIntroduction(
                ledger,
                introductionRecord({ introductionId: idOf('other member'), stay: march, memberNumber: 'HAR000002' }),
            );
        });

        it('lists the ISSUED introductions at the host whose stay covers the date, to any role of the host', async () => {
            const expected = [idOf('issued'), idOf('other member')].sort();
            for (const reader of [staff(ALPINE), admin(ALPINE), auditor(ALPINE)]) {
                expect(idsIn(await expectedAt(reader, ALPINE, '2026-03-10'))).to.deep.equal(expected);
            }
            expect(idsIn(await expectedAt(staff(ALPINE), ALPINE, '2026-03-14'))).to.deep.equal(expected);
            expect(idsIn(await expectedAt(staff(ALPINE), ALPINE, '2026-03-15'))).to.deep.equal([]);
            expect(idsIn(await expectedAt(staff(ALPINE), ALPINE, '2026-04-02'))).to.deep.equal([idOf('april')]);
        });

        it('shows the arrivals expected at a host to auditors of other clubs', async () => {
            expect(idsIn(await expectedAt(auditor(HARBOUR), METRO, '2026-03-12'))).to.deep.equal([idOf('at metro')]);
        });

        it('refuses staff and admins of other clubs, even the home club', async () => {
            await expectRefused(() => expectedAt(staff(HARBOUR), ALPINE, '2026-03-10'), 'FORBIDDEN');
            await expectRefused(() => expectedAt(admin(METRO), ALPINE, '2026-03-10'), 'FORBIDDEN');
            await expectRefused(() => expectedAt({ mspId: ALPINE }, ALPINE, '2026-03-10'), 'FORBIDDEN');
        });

        it('refuses a malformed date or host', async () => {
            await expectRefused(() => expectedAt(staff(ALPINE), ALPINE, '10.03.2026'), 'INVALID_ARGUMENT');
            await expectRefused(() => expectedAt(staff(ALPINE), ALPINE, '2026-02-30'), 'INVALID_ARGUMENT');
            await expectRefused(() => expectedAt(staff(ALPINE), '', '2026-03-10'), 'INVALID_ARGUMENT');
        });

        it('lists every introduction of a member, whatever its status or host', async () => {
            const json = await ledger.evaluate(auditor(METRO), (ctx) => introductions.ofMember(ctx, HARBOUR_MEMBER));
            const expected = ['issued', 'requested', 'used', 'cancelled', 'april', 'at metro'].map(idOf).sort();
            expect(idsIn(json)).to.deep.equal(expected);
        });

        it('refuses a malformed member number or a reader without a role', async () => {
            await expectRefused(() => ledger.evaluate(staff(HARBOUR), (ctx) => introductions.ofMember(ctx, 'nobody')), 'INVALID_ARGUMENT');
            const withoutRole = () => ledger.evaluate({ mspId: HARBOUR }, (ctx) => introductions.ofMember(ctx, HARBOUR_MEMBER));
            await expectRefused(withoutRole, 'FORBIDDEN');
        });

        it('reads one introduction by ID', async () => {
            const json = await ledger.evaluate(staff(METRO), (ctx) => introductions.get(ctx, idOf('issued')));
            expect((JSON.parse(json) as Introduction).status).to.equal('ISSUED');
            await expectRefused(() => ledger.evaluate(staff(METRO), (ctx) => introductions.get(ctx, idOf('none'))), 'NOT_FOUND');
            await expectRefused(() => ledger.evaluate(staff(METRO), (ctx) => introductions.get(ctx, 'x')), 'INVALID_ARGUMENT');
        });
    });
});
