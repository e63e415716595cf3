import { expect } from 'chai';
import { BarContract } from '../../src/bars/bar-contract';
import { barInForce } from '../../src/bars/bars';
import type { RecordContext } from '../../src/context';
import type { MemberBar, MemberBarInput } from '../../src/model/bar';
import type { Member } from '../../src/model/member';
import { ALPINE, HARBOUR, METRO, admin, auditor, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';

const ALPINE_MEMBER = 'ALP000001';
const HARBOUR_MEMBER = 'HAR000001';

function barInput(overrides: Partial<MemberBarInput> = {}): MemberBarInput {
    return {
        memberNumber: ALPINE_MEMBER,
        reason: 'Unpaid bar tab',
        window: { from: '2026-03-01', until: '2026-06-30' },
        ...overrides,
    };
}

describe('BarContract', () => {
    const bars = new BarContract();
    let ledger: FakeLedger;

    /** The member contract is written elsewhere: members are arranged straight in the ledger. */
    function writeMember(homeClub: string, memberNumber: string): void {
        const stamp = { by: `admin@${homeClub}`, club: homeClub, at: '2026-01-01T00:00:00.000Z', txId: '0'.repeat(64) };
        const member: Member = {
            memberNumber,
            homeClub,
            membershipType: 'REGULAR',
            status: 'ACTIVE',
            validUntil: '2027-12-31',
            enrolled: stamp,
            updated: stamp,
        };
        ledger.write(member, 'member', homeClub, memberNumber);
    }

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger);
        writeMember(ALPINE, ALPINE_MEMBER);
        writeMember(HARBOUR, HARBOUR_MEMBER);
    });

    const storedBar = (hostClub: string, memberNumber: string) => ledger.read<MemberBar>('bar', hostClub, memberNumber);

    async function placeBar(host: string, input: MemberBarInput = barInput()): Promise<MemberBar> {
        const { result } = await ledger.submit(admin(host), (ctx) => bars.bar(ctx, JSON.stringify(input)));
        return JSON.parse(result) as MemberBar;
    }

    /** Runs a transaction expected to be refused; checks that it wrote nothing and returns the message. */
    async function refused(submitter: Submitter, run: (ctx: RecordContext) => Promise<unknown>): Promise<string> {
        const state = new Map(ledger.state);
        const events = ledger.events.length;
        const error = await refusal(ledger.submit(submitter, run));
        expect(ledger.state).to.deep.equal(state);
        expect(ledger.events).to.have.length(events);
        return error.message;
    }

    describe('bar', () => {
        it('bars another club’s member at the calling host and tells both clubs', async () => {
            const { result, event, txId } = await ledger.submit(admin(HARBOUR), (ctx) => bars.bar(ctx, JSON.stringify(barInput())));

            const stamp = { by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId };
            const memberBar = storedBar(HARBOUR, ALPINE_MEMBER);
            expect(memberBar).to.deep.equal({
                hostClub: HARBOUR,
                memberNumber: ALPINE_MEMBER,
                homeClub: ALPINE,
                reason: 'Unpaid bar tab',
                window: { from: '2026-03-01', until: '2026-06-30' },
                lifted: false,
                created: stamp,
                updated: stamp,
            });
            expect(JSON.parse(result)).to.deep.equal(memberBar);
            expect(event).to.deep.include({ name: 'MemberBarred', submitter: HARBOUR, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'bar', value: memberBar }]);
        });

        it('replaces the previous bar on the same member, lifted or not', async () => {
            await placeBar(HARBOUR);
            await ledger.submit(admin(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER));
            const { txId } = await ledger.submit(admin(HARBOUR), (ctx) =>
                bars.bar(ctx, JSON.stringify(barInput({ reason: 'Dress code', window: { from: '2026-07-01', until: '2026-07-31' } }))),
            );
            expect(storedBar(HARBOUR, ALPINE_MEMBER)).to.deep.include({
                reason: 'Dress code',
                window: { from: '2026-07-01', until: '2026-07-31' },
                lifted: false,
            });
            expect(storedBar(HARBOUR, ALPINE_MEMBER)?.created.txId).to.equal(txId);
            const barKeys = [...ledger.state.keys()].filter((key) => key.startsWith(ledger.key('bar', HARBOUR)));
            expect(barKeys).to.have.length(1);
        });

        it('keeps bars of different hosts apart', async () => {
            await placeBar(HARBOUR);
            await placeBar(METRO, barInput({ reason: 'Other reason' }));
            expect(storedBar(HARBOUR, ALPINE_MEMBER)?.reason).to.equal('Unpaid bar tab');
            expect(storedBar(METRO, ALPINE_MEMBER)?.reason).to.equal('Other reason');
        });

        it('accepts a window that ends today', async () => {
            const memberBar = await placeBar(HARBOUR, barInput({ window: { from: '2026-02-01', until: '2026-03-02' } }));
            expect(memberBar.window.until).to.equal('2026-03-02');
        });

        it('refuses a window that has already ended', async () => {
            const input = JSON.stringify(barInput({ window: { from: '2026-02-01', until: '2026-03-01' } }));
            const message = await refused(admin(HARBOUR), (ctx) => bars.bar(ctx, input));
            expect(message).to.equal('INVALID_ARGUMENT: bar.window.until: 2026-03-01 is before today (2026-03-02)');
        });

        it('refuses a bar on one of the host’s own members', async () => {
            const input = JSON.stringify(barInput({ memberNumber: HARBOUR_MEMBER }));
            const message = await refused(admin(HARBOUR), (ctx) => bars.bar(ctx, input));
            expect(message).to.equal(`INVALID_ARGUMENT: bar.memberNumber: ${HARBOUR_MEMBER} is a member of ${HARBOUR} itself`);
        });

        it('reports a member that does not exist, whether its prefix is known or not', async () => {
            for (const memberNumber of ['ALP000002', 'ZZZ000001']) {
                const input = JSON.stringify(barInput({ memberNumber }));
                expect(await refused(admin(HARBOUR), (ctx) => bars.bar(ctx, input))).to.equal(`NOT_FOUND: member ${memberNumber} does not exist`);
            }
        });

        it('refuses a host that is not registered', async () => {
            const message = await refused(admin('NowhereMSP'), (ctx) => bars.bar(ctx, JSON.stringify(barInput())));
            expect(message).to.equal('NOT_FOUND: club NowhereMSP does not exist');
        });

        for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const message = await refused(submitter, (ctx) => bars.bar(ctx, JSON.stringify(barInput())));
                expect(message).to.match(/^FORBIDDEN: /);
            });
        }

        const badInputs: [string, unknown, string][] = [
            ['not JSON', '{memberNumber', 'bar is not valid JSON'],
            ['a missing reason', { ...barInput(), reason: undefined }, 'bar.reason'],
            ['a blank reason', barInput({ reason: '   ' }), 'bar.reason'],
            ['a reason over 200 characters', barInput({ reason: 'x'.repeat(201) }), 'bar.reason'],
            ['a malformed member number', barInput({ memberNumber: 'alp1' }), 'bar.memberNumber'],
            ['a member number as a number', { ...barInput(), memberNumber: 1 }, 'bar.memberNumber'],
            ['a reversed window', barInput({ window: { from: '2026-06-01', until: '2026-04-01' } }), 'from must not be after until'],
            ['an impossible date', barInput({ window: { from: '2026-04-31', until: '2026-05-01' } }), 'bar.window.from'],
            ['a missing window end', { ...barInput(), window: { from: '2026-04-01' } }, 'bar.window.until'],
            ['an unknown field', { ...barInput(), permanent: true }, 'bar'],
        ];
        for (const [what, input, naming] of badInputs) {
            it(`refuses ${what} and writes nothing`, async () => {
                const json = typeof input === 'string' ? input : JSON.stringify(input);
                const message = await refused(admin(HARBOUR), (ctx) => bars.bar(ctx, json));
                expect(message).to.match(/^INVALID_ARGUMENT: /);
                expect(message).to.contain(naming);
            });
        }
    });

    describe('lift', () => {
        it('lifts the host’s bar, keeps its creation and tells both clubs', async () => {
            const placed = await placeBar(HARBOUR);
            const { result, event, txId } = await ledger.submit(admin(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER));

            const lifted = storedBar(HARBOUR, ALPINE_MEMBER);
            expect(lifted).to.deep.include({ lifted: true, reason: placed.reason, window: placed.window, created: placed.created });
            expect(lifted?.updated.txId).to.equal(txId);
            expect(JSON.parse(result)).to.deep.equal(lifted);
            expect(event).to.deep.include({ name: 'MemberBarLifted', submitter: HARBOUR, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'bar', value: lifted }]);
        });

        it('refuses to lift a bar twice', async () => {
            await placeBar(HARBOUR);
            await ledger.submit(admin(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER));
            const message = await refused(admin(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER));
            expect(message).to.equal(`INVALID_TRANSITION: the bar of ${HARBOUR} on member ${ALPINE_MEMBER} is already lifted`);
        });

        it('reports a bar that does not exist, including another host’s bar', async () => {
            await placeBar(HARBOUR);
            const message = await refused(admin(METRO), (ctx) => bars.lift(ctx, ALPINE_MEMBER));
            expect(message).to.equal(`NOT_FOUND: bar of ${METRO} on member ${ALPINE_MEMBER} does not exist`);
            expect(storedBar(HARBOUR, ALPINE_MEMBER)?.lifted).to.equal(false);
        });

        it('refuses a malformed member number and a non-admin', async () => {
            await placeBar(HARBOUR);
            expect(await refused(admin(HARBOUR), (ctx) => bars.lift(ctx, 'ALP-1'))).to.match(/^INVALID_ARGUMENT: memberNumber/);
            expect(await refused(staff(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER))).to.match(/^FORBIDDEN: /);
        });
    });

    describe('barInForce', () => {
        const inForce = (date: string) =>
            ledger.evaluate(auditor(HARBOUR), (ctx) => barInForce(ctx, HARBOUR, ALPINE_MEMBER, date));

        it('finds a bar within its window, both ends included, until it is lifted', async () => {
            await placeBar(HARBOUR);
            expect(await inForce('2026-02-28')).to.equal(undefined);
            expect((await inForce('2026-03-01'))?.reason).to.equal('Unpaid bar tab');
            expect((await inForce('2026-06-30'))?.reason).to.equal('Unpaid bar tab');
            expect(await inForce('2026-07-01')).to.equal(undefined);
            await ledger.submit(admin(HARBOUR), (ctx) => bars.lift(ctx, ALPINE_MEMBER));
            expect(await inForce('2026-04-01')).to.equal(undefined);
        });

        it('finds nothing where no bar was set', async () => {
            expect(await inForce('2026-04-01')).to.equal(undefined);
        });
    });

    describe('reads', () => {
        it('gets a bar and lists a host’s bars for any role of any club', async () => {
            writeMember(METRO, 'MET000001');
            await placeBar(HARBOUR);
            await placeBar(HARBOUR, barInput({ memberNumber: 'MET000001' }));
            await placeBar(METRO);

            const one = JSON.parse(await ledger.evaluate(auditor(ALPINE), (ctx) => bars.get(ctx, HARBOUR, ALPINE_MEMBER))) as MemberBar;
            expect(one).to.deep.equal(storedBar(HARBOUR, ALPINE_MEMBER));

            const listed = JSON.parse(await ledger.evaluate(staff(ALPINE), (ctx) => bars.listByHost(ctx, HARBOUR))) as MemberBar[];
            expect(listed.map((memberBar) => [memberBar.hostClub, memberBar.memberNumber])).to.deep.equal([
                [HARBOUR, ALPINE_MEMBER],
                [HARBOUR, 'MET000001'],
            ]);
            expect(JSON.parse(await ledger.evaluate(admin(ALPINE), (ctx) => bars.listByHost(ctx, ALPINE)))).to.deep.equal([]);
        });

        it('refuses malformed arguments, reports a missing bar and needs a role', async () => {
            const read = (submitter: Submitter, run: (ctx: RecordContext) => Promise<string>) =>
                refusal(ledger.evaluate(submitter, run)).then((error) => error.message);
            expect(await read(auditor(ALPINE), (ctx) => bars.get(ctx, HARBOUR, ALPINE_MEMBER))).to.match(/^NOT_FOUND: /);
            expect(await read(auditor(ALPINE), (ctx) => bars.get(ctx, '', ALPINE_MEMBER))).to.match(/^INVALID_ARGUMENT: hostClub/);
            expect(await read(auditor(ALPINE), (ctx) => bars.get(ctx, HARBOUR, 'x'))).to.match(/^INVALID_ARGUMENT: memberNumber/);
            expect(await read(auditor(ALPINE), (ctx) => bars.listByHost(ctx, 'a b'))).to.match(/^INVALID_ARGUMENT: hostClub/);
            expect(await read({ mspId: ALPINE }, (ctx) => bars.get(ctx, HARBOUR, ALPINE_MEMBER))).to.match(/^FORBIDDEN: /);
            expect(await read({ mspId: ALPINE }, (ctx) => bars.listByHost(ctx, HARBOUR))).to.match(/^FORBIDDEN: /);
        });
    });
});
