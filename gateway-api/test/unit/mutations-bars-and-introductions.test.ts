import { type Introduction, IntroductionRequest, type MemberBar, MemberBarInput } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { type FakeLedgerApi, fakeLedgerApi, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const HARBOUR = 'HarbourMSP';
const VISITOR = 'HAR000007';
const OWN_MEMBER = CALLERS.alpineMember.memberNumber;
const INTRODUCTION_ID = transactionIdOf('introduction');

function bar(overrides: Partial<MemberBar> = {}): MemberBar {
    return {
        hostClub: ALPINE,
        memberNumber: VISITOR,
        homeClub: HARBOUR,
        reason: 'Unpaid bar bill',
        window: { from: '2026-03-01', until: '2026-06-30' },
        lifted: false,
        created: ledgerStamp(ALPINE, 'carol', 'bar'),
        updated: ledgerStamp(ALPINE, 'carol', 'bar'),
        ...overrides,
    };
}

function introduction(overrides: Partial<Introduction> = {}): Introduction {
    return {
        introductionId: INTRODUCTION_ID,
        memberNumber: OWN_MEMBER,
        homeClub: ALPINE,
        hostClub: HARBOUR,
        stay: { from: '2026-04-01', until: '2026-04-05' },
        status: 'REQUESTED',
        created: ledgerStamp(ALPINE, 'bob', 'request'),
        updated: ledgerStamp(ALPINE, 'bob', 'request'),
        ...overrides,
    };
}

const BAR = `mutation Bar($channel: String!, $memberNumber: String!, $reason: String!, $from: Date!, $until: Date!) {
    barMember(channel: $channel, memberNumber: $memberNumber, reason: $reason, from: $from, until: $until) {
        bar { hostClub memberNumber homeClub reason window { from until } lifted } transactionId blockNumber } }`;
const LIFT = `mutation Lift($channel: String!, $memberNumber: String!) { liftBar(channel: $channel, memberNumber: $memberNumber) { bar { lifted } transactionId blockNumber } }`;
const REQUEST = `mutation Request($channel: String!, $memberNumber: String!, $hostClub: String!, $from: Date!, $until: Date!, $note: String) {
    requestIntroduction(channel: $channel, memberNumber: $memberNumber, hostClub: $hostClub, from: $from, until: $until, note: $note) {
        introduction { introductionId memberNumber hostClub status stay { from until } } transactionId blockNumber } }`;
const CHANGE = `mutation Change($channel: String!, $introductionId: String!, $change: IntroductionChange!) {
    changeIntroduction(channel: $channel, introductionId: $introductionId, change: $change) { introduction { status } transactionId blockNumber } }`;

describe('bar and introduction mutations on the ledger', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    afterEach(() => {
        api.ledger.reset();
    });

    describe('barMember and liftBar', () => {
        const barring = { channel: CHANNEL, memberNumber: VISITOR, reason: 'Unpaid bar bill', from: '2026-03-01', until: '2026-06-30' };

        it('barMember submits the bar as JSON MemberBarInput from the caller’s club', async () => {
            const receipt = { transactionId: transactionIdOf('bar'), blockNumber: 70n };
            api.ledger.commits('Bar:bar', bar(), receipt);

            const data = dataOf(await api.ask('alpineAdmin', BAR, barring));

            expect(data.barMember).to.deep.equal({
                bar: { hostClub: ALPINE, memberNumber: VISITOR, homeClub: HARBOUR, reason: 'Unpaid bar bill', window: { from: '2026-03-01', until: '2026-06-30' }, lifted: false },
                transactionId: receipt.transactionId,
                blockNumber: '70',
            });
            const sent = { memberNumber: VISITOR, reason: 'Unpaid bar bill', window: { from: '2026-03-01', until: '2026-06-30' } };
            expect(api.ledger.calls()).to.deep.equal([{ operation: 'submit', caller: CALLERS.alpineAdmin, call: { channel: CHANNEL, transaction: 'Bar:bar', args: [JSON.stringify(sent)] } }]);
            expect(MemberBarInput.parse(JSON.parse(api.ledger.submitted()[0]!.args[0]!))).to.deep.equal(sent);
        });

        it('liftBar submits the member number', async () => {
            api.ledger.commits('Bar:lift', bar({ lifted: true }), { transactionId: transactionIdOf('lift'), blockNumber: 71n });
            const data = dataOf(await api.ask('alpineAdmin', LIFT, { channel: CHANNEL, memberNumber: VISITOR }));
            expect(data).to.deep.equal({ liftBar: { bar: { lifted: true }, transactionId: transactionIdOf('lift'), blockNumber: '71' } });
            expect(api.ledger.submitted()).to.deep.equal([{ channel: CHANNEL, transaction: 'Bar:lift', args: [VISITOR] }]);
        });

        for (const caller of ['alpineStaff', 'alpineAuditor', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) to bar or lift, without calling the ledger`, async () => {
                expect(errorCodes(await api.ask(caller, BAR, barring))).to.deep.equal(['FORBIDDEN']);
                expect(errorCodes(await api.ask(caller, LIFT, { channel: CHANNEL, memberNumber: VISITOR }))).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }
    });

    describe('requestIntroduction', () => {
        const asking = { channel: CHANNEL, memberNumber: OWN_MEMBER, hostClub: HARBOUR, from: '2026-04-01', until: '2026-04-05' };

        it('lets a member ask for themselves: the request goes as JSON IntroductionRequest, without a missing note', async () => {
            const receipt = { transactionId: INTRODUCTION_ID, blockNumber: 72n };
            api.ledger.commits('Introduction:request', introduction(), receipt);

            const data = dataOf(await api.ask('alpineMember', REQUEST, { ...asking, note: null }));

            expect(data.requestIntroduction).to.deep.equal({
                introduction: { introductionId: INTRODUCTION_ID, memberNumber: OWN_MEMBER, hostClub: HARBOUR, status: 'REQUESTED', stay: { from: '2026-04-01', until: '2026-04-05' } },
                transactionId: INTRODUCTION_ID,
                blockNumber: '72',
            });
            const sent = { memberNumber: OWN_MEMBER, hostClub: HARBOUR, stay: { from: '2026-04-01', until: '2026-04-05' } };
            expect(api.ledger.calls()).to.deep.equal([
                { operation: 'submit', caller: CALLERS.alpineMember, call: { channel: CHANNEL, transaction: 'Introduction:request', args: [JSON.stringify(sent)] } },
            ]);
            expect(IntroductionRequest.parse(JSON.parse(api.ledger.submitted()[0]!.args[0]!))).to.deep.equal(sent);
        });

        it('lets staff ask for any member of their club, with a note', async () => {
            api.ledger.commits('Introduction:request', introduction({ memberNumber: 'ALP000099', note: 'Arrives late' }));
            dataOf(await api.ask('alpineStaff', REQUEST, { ...asking, memberNumber: 'ALP000099', note: 'Arrives late' }));
            expect(JSON.parse(api.ledger.submitted()[0]!.args[0]!)).to.deep.equal({
                memberNumber: 'ALP000099',
                hostClub: HARBOUR,
                stay: { from: '2026-04-01', until: '2026-04-05' },
                note: 'Arrives late',
            });
            expect(api.ledger.submit.firstCall.args[0]).to.deep.equal(CALLERS.alpineStaff);
        });

        it('refuses a member asking for someone else (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineMember', REQUEST, { ...asking, memberNumber: 'ALP000099' }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });

        it('refuses auditors (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineAuditor', REQUEST, asking))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('changeIntroduction', () => {
        for (const [change, transaction, status] of [
            ['ISSUE', 'Introduction:issue', 'ISSUED'],
            ['CANCEL', 'Introduction:cancel', 'CANCELLED'],
        ] as const) {
            it(`${change} submits ${transaction} of the introduction`, async () => {
                api.ledger.commits(transaction, introduction({ status }), { transactionId: transactionIdOf(change), blockNumber: 73n });
                const data = dataOf(await api.ask('alpineStaff', CHANGE, { channel: CHANNEL, introductionId: INTRODUCTION_ID, change }));
                expect(data).to.deep.equal({ changeIntroduction: { introduction: { status }, transactionId: transactionIdOf(change), blockNumber: '73' } });
                expect(api.ledger.calls()).to.deep.equal([{ operation: 'submit', caller: CALLERS.alpineStaff, call: { channel: CHANNEL, transaction, args: [INTRODUCTION_ID] } }]);
            });
        }

        for (const caller of ['alpineMember', 'alpineAuditor'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without calling the ledger`, async () => {
                expect(errorCodes(await api.ask(caller, CHANGE, { channel: CHANNEL, introductionId: INTRODUCTION_ID, change: 'ISSUE' }))).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }
    });
});
