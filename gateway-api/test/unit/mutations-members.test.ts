import { type Member, MemberEnrolment, MemberRenewal, PersonalDataEnvelope } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { openPersonalData } from '../../src/personal-data/sealed-record.js';
import { type FakeLedgerApi, chaincodeRefusal, fakeLedgerApi, ledgerClub, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
import { InMemoryPersonalDataKeys } from '../support/personal-data-keys.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = CALLERS.alpineAdmin.club;
const MEMBER_NUMBER = 'ALP000042';
/** Alpine and a majority of the three clubs: Alpine's key-level policy needs Alpine, discovery cannot know it. */
const ALPINE_AND_MAJORITY = ['AlpineMSP', 'HarbourMSP'];
/** Above 2^53: a number in JSON would lose it. */
const BLOCK = 9_007_199_254_740_993n;

const memberFields = 'member { memberNumber homeClub membershipType status validUntil personalDataHash } transactionId blockNumber';

const ENROL = `mutation Enrol($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { ${memberFields} } }`;
const UPDATE_PERSONAL_DATA = `mutation Update($channel: String!, $memberNumber: String!, $personalData: PersonalDataInput!) {
    updatePersonalData(channel: $channel, memberNumber: $memberNumber, personalData: $personalData) { ${memberFields} } }`;
const CHANGE_STATUS = `mutation Change($channel: String!, $memberNumber: String!, $change: MemberStatusChange!) {
    changeMemberStatus(channel: $channel, memberNumber: $memberNumber, change: $change) { ${memberFields} } }`;
const RENEW = `mutation Renew($channel: String!, $memberNumber: String!, $validUntil: Date!, $membershipType: MembershipType) {
    renewMember(channel: $channel, memberNumber: $memberNumber, validUntil: $validUntil, membershipType: $membershipType) { ${memberFields} } }`;
const ERASE = `mutation Erase($channel: String!, $memberNumber: String!) { erasePersonalData(channel: $channel, memberNumber: $memberNumber) { transactionId blockNumber } }`;

/** The personal record as the admin types it. */
const personalData = {
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    email: 'ada.lovelace@example.org',
    phone: '+41791234567',
    address: { line1: 'Seestrasse 1', line2: null, city: 'Zurich', postalCode: '8002', country: 'CH' },
    emergencyContact: { name: 'Charles Babbage', phone: '+41797654321', relationship: 'friend' },
    notificationPreferences: { email: true, sms: false, push: true },
};
/** Every personal value: none may reach a ledger argument. */
const personalValues = ['Ada', 'Lovelace', '1985-12-10', 'ada.lovelace', '41791234567', 'Seestrasse', '8002', 'Charles Babbage', '41797654321', 'friend'];

function member(overrides: Partial<Member> = {}): Member {
    return {
        memberNumber: MEMBER_NUMBER,
        homeClub: ALPINE,
        membershipType: 'VIP',
        status: 'ACTIVE',
        validUntil: '2027-12-31',
        personalDataHash: 'c0ffee'.repeat(10) + 'c0fe',
        enrolled: ledgerStamp(ALPINE, 'carol', 'enrol'),
        updated: ledgerStamp(ALPINE, 'carol', 'update'),
        ...overrides,
    };
}

const clubs = [ledgerClub('HarbourMSP'), ledgerClub('AlpineMSP'), ledgerClub('MetroMSP')];
/** Whose data key seals ALP000042's record: Alpine's, for its record on the channel. */
const KEY_OWNER = { club: ALPINE, channel: CHANNEL, memberNumber: MEMBER_NUMBER };

describe('member mutations on the ledger', () => {
    let api: FakeLedgerApi;
    const keys = new InMemoryPersonalDataKeys();

    before(async () => {
        api = await fakeLedgerApi({ personalDataKeys: keys });
    });

    afterEach(() => {
        api.ledger.reset();
        keys.reset();
    });

    /** No call so far carries a personal value, in its arguments or its transient map (which holds only the sealed record). */
    function expectNoPersonalDataInCalls(): void {
        for (const { call } of api.ledger.calls()) {
            const visible = JSON.stringify(call);
            for (const value of personalValues) {
                expect(visible, `${call.transaction} carries ${value}`).not.to.include(value);
            }
        }
    }

    /** The sealed record of every Member:recordPersonalData submitted so far. */
    function sealedRecords(): PersonalDataEnvelope[] {
        return api.ledger
            .submitted()
            .filter((call) => call.transaction === 'Member:recordPersonalData')
            .map((call) => PersonalDataEnvelope.parse(JSON.parse(call.transient?.personalData ?? 'null')));
    }

    describe('enrolMember', () => {
        const enrolment = { channel: CHANNEL, input: { membershipType: 'VIP', validUntil: '2027-12-31', personalData } };
        const activation = { transactionId: transactionIdOf('activate'), blockNumber: BLOCK };

        beforeEach(() => {
            api.ledger
                .commits('Member:enrol', member({ status: 'PENDING', personalDataHash: undefined }))
                .commits('Member:recordPersonalData', { memberNumber: MEMBER_NUMBER })
                .answers('Club:list', clubs)
                .commits('Member:activate', member(), activation);
        });

        it('enrols the public record, records personal data apart, then activates, and returns the committed member', async () => {
            const response = await api.ask('alpineAdmin', ENROL, enrolment);

            expect(dataOf(response)).to.deep.equal({
                enrolMember: {
                    member: {
                        memberNumber: MEMBER_NUMBER,
                        homeClub: ALPINE,
                        membershipType: 'VIP',
                        status: 'ACTIVE',
                        validUntil: '2027-12-31',
                        personalDataHash: member().personalDataHash,
                    },
                    transactionId: activation.transactionId,
                    blockNumber: '9007199254740993',
                },
            });
            expect(api.ledger.trail()).to.deep.equal([
                'submit Member:enrol',
                'submit Member:recordPersonalData',
                'evaluate Club:list',
                'submit Member:activate',
            ]);
            const [enrol, record, list, activate] = api.ledger.calls().map(({ call }) => call);
            expect(enrol).to.deep.equal({ channel: CHANNEL, transaction: 'Member:enrol', args: [JSON.stringify({ membershipType: 'VIP', validUntil: '2027-12-31' })] });
            expect(MemberEnrolment.parse(JSON.parse(enrol!.args[0]!))).to.deep.equal({ membershipType: 'VIP', validUntil: '2027-12-31' });
            expect(record).to.deep.include({ channel: CHANNEL, transaction: 'Member:recordPersonalData', args: [MEMBER_NUMBER], endorsingOrganizations: [ALPINE] });
            expect(list).to.deep.equal({ channel: CHANNEL, transaction: 'Club:list', args: [] });
            expect(activate).to.deep.equal({ channel: CHANNEL, transaction: 'Member:activate', args: [MEMBER_NUMBER], endorsingOrganizations: ALPINE_AND_MAJORITY });
        });

        it('activates once another endorsing peer has the personal record’s block: PERSONAL_DATA_MISSING is tried again', async () => {
            const lagging = `PERSONAL_DATA_MISSING: member ${MEMBER_NUMBER} has no personal record at ${ALPINE}`;
            api.ledger.failsInTurn('Member:activate', chaincodeRefusal(lagging), chaincodeRefusal(lagging));

            expect(dataOf(await api.ask('alpineAdmin', ENROL, enrolment)).enrolMember).to.deep.include({ transactionId: activation.transactionId });
            expect(api.ledger.trail().filter((step) => step === 'submit Member:activate')).to.have.lengthOf(3);
        });

        it('does not try an activation again after any other refusal', async () => {
            api.ledger.failsInTurn('Member:activate', chaincodeRefusal(`INVALID_TRANSITION: member ${MEMBER_NUMBER} is ACTIVE`));

            expect(errorCodes(await api.ask('alpineAdmin', ENROL, enrolment))).to.deep.equal(['CONFLICT']);
            expect(api.ledger.trail().filter((step) => step === 'submit Member:activate')).to.have.lengthOf(1);
        });

        it('passes only the record sealed under the member’s own data key, in the home club’s own transaction', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));

            const withTransient = api.ledger.calls().filter(({ call }) => call.transient !== undefined);
            expect(withTransient.map(({ call }) => call.transaction)).to.deep.equal(['Member:recordPersonalData']);
            expect(Object.keys(withTransient[0]!.call.transient!)).to.deep.equal(['personalData']);
            const [sealed] = sealedRecords();
            const { line2: _absent, ...address } = personalData.address;
            expect(openPersonalData(sealed, keys.held(KEY_OWNER)!, { channel: CHANNEL, memberNumber: MEMBER_NUMBER })).to.deep.equal({ ...personalData, address });
            expectNoPersonalDataInCalls();
        });

        it('makes the member’s data key, for the member number the ledger gave, before the sealed record is submitted', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            expect(keys.keyFor.calledOnceWithExactly(KEY_OWNER)).to.equal(true);
            const record = api.ledger.submit.getCalls().find((spyCall) => spyCall.args[1].transaction === 'Member:recordPersonalData');
            expect(keys.keyFor.firstCall.calledBefore(record!)).to.equal(true);
        });

        it('seals every record under a fresh nonce, so its public hash cannot be guessed or compared', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            const [first, second] = sealedRecords();
            expect(first?.iv).not.to.equal(second?.iv);
            expect(first?.ciphertext).not.to.equal(second?.ciphertext);
        });

        it('refuses a personal record the chaincode’s schema refuses (BAD_USER_INPUT) before making a key or calling the ledger', async () => {
            const invalid = { ...enrolment, input: { ...enrolment.input, personalData: { ...personalData, email: 'ada-at-example' } } };
            expect(errorCodes(await api.ask('alpineAdmin', ENROL, invalid))).to.deep.equal(['BAD_USER_INPUT']);
            expect(api.ledger.calls()).to.deep.equal([]);
            expect(keys.keyFor.called).to.equal(false);
        });

        it('submits everything as the admin the token names, for the token’s club', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            for (const { caller } of api.ledger.calls()) {
                expect(caller).to.deep.equal(CALLERS.alpineAdmin);
            }
        });

        it('leaves the member unactivated when the personal record is refused, and says why', async () => {
            api.ledger.fails('Member:recordPersonalData', chaincodeRefusal('INVALID_TRANSITION: member ALP000042 is TERMINATED and cannot have personal data recorded'));
            const error = onlyError(await api.ask('alpineAdmin', ENROL, enrolment));
            expect(error.extensions).to.include({ code: 'CONFLICT', reason: 'INVALID_TRANSITION' });
            expect(api.ledger.trail()).to.deep.equal(['submit Member:enrol', 'submit Member:recordPersonalData']);
        });

        for (const caller of ['alpineStaff', 'alpineAuditor', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without calling the ledger`, async () => {
                const response = await api.ask(caller, ENROL, enrolment);
                expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
                expect(response.body.data).to.deep.equal({ enrolMember: null });
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }

        it('refuses an anonymous request (UNAUTHENTICATED) without calling the ledger', async () => {
            expect(errorCodes(await api.ask(undefined, ENROL, enrolment))).to.deep.equal(['UNAUTHENTICATED']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('updatePersonalData', () => {
        const update = { channel: CHANNEL, memberNumber: MEMBER_NUMBER, personalData: { ...personalData, email: 'ada@lovelace.example' } };

        it('seals the new record under the member’s same data key, records it privately, then publishes its hash with Alpine and a majority', async () => {
            const dataKey = Buffer.alloc(32, 7);
            keys.hold(KEY_OWNER, dataKey);
            const receipt = { transactionId: transactionIdOf('attest'), blockNumber: 77n };
            api.ledger.commits('Member:recordPersonalData', { memberNumber: MEMBER_NUMBER }).answers('Club:list', clubs).commits('Member:attestPersonalData', member(), receipt);

            const data = dataOf(await api.ask('alpineAdmin', UPDATE_PERSONAL_DATA, update));

            expect(data.updatePersonalData).to.deep.include({ transactionId: receipt.transactionId, blockNumber: '77' });
            expect(api.ledger.trail()).to.deep.equal(['submit Member:recordPersonalData', 'evaluate Club:list', 'submit Member:attestPersonalData']);
            const [record, , attest] = api.ledger.calls().map(({ call }) => call);
            expect(record).to.deep.include({ args: [MEMBER_NUMBER], endorsingOrganizations: [ALPINE] });
            expect(openPersonalData(JSON.parse(record!.transient!.personalData!), dataKey, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }).email).to.equal(
                'ada@lovelace.example',
            );
            expect(keys.held(KEY_OWNER)).to.equal(dataKey);
            expect(attest).to.deep.equal({ channel: CHANNEL, transaction: 'Member:attestPersonalData', args: [MEMBER_NUMBER], endorsingOrganizations: ALPINE_AND_MAJORITY });
            expect(JSON.stringify(api.ledger.calls())).not.to.include('ada@lovelace.example');
            expectNoPersonalDataInCalls();
        });

        it('refuses staff (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineStaff', UPDATE_PERSONAL_DATA, update))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('changeMemberStatus', () => {
        const changes = { SUSPEND: 'Member:suspend', REINSTATE: 'Member:reinstate', EXPIRE: 'Member:expire', TERMINATE: 'Member:terminate' } as const;
        for (const [change, transaction] of Object.entries(changes)) {
            it(`${change} submits ${transaction} of the member, naming Alpine and a majority`, async () => {
                api.ledger.answers('Club:list', clubs).commits(transaction, member({ status: 'SUSPENDED' }), { transactionId: transactionIdOf(change), blockNumber: 12n });

                const data = dataOf(await api.ask('alpineAdmin', CHANGE_STATUS, { channel: CHANNEL, memberNumber: MEMBER_NUMBER, change }));

                expect(data.changeMemberStatus).to.deep.include({ transactionId: transactionIdOf(change), blockNumber: '12' });
                expect(api.ledger.submitted()).to.deep.equal([{ channel: CHANNEL, transaction, args: [MEMBER_NUMBER], endorsingOrganizations: ALPINE_AND_MAJORITY }]);
                expect(api.ledger.submit.firstCall.args[0]).to.deep.equal(CALLERS.alpineAdmin);
            });
        }

        it('refuses staff and members (FORBIDDEN) without calling the ledger', async () => {
            for (const caller of ['alpineStaff', 'alpineMember'] as const) {
                expect(errorCodes(await api.ask(caller, CHANGE_STATUS, { channel: CHANNEL, memberNumber: MEMBER_NUMBER, change: 'TERMINATE' }))).to.deep.equal(['FORBIDDEN']);
            }
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('renewMember', () => {
        it('submits the member number and the renewal as JSON MemberRenewal', async () => {
            api.ledger.answers('Club:list', clubs).commits('Member:renew', member({ validUntil: '2028-12-31', membershipType: 'SENIOR' }));

            const data = dataOf(await api.ask('alpineAdmin', RENEW, { channel: CHANNEL, memberNumber: MEMBER_NUMBER, validUntil: '2028-12-31', membershipType: 'SENIOR' }));

            expect(data.renewMember).to.deep.nested.include({ 'member.validUntil': '2028-12-31', 'member.membershipType': 'SENIOR' });
            const [renew] = api.ledger.submitted();
            expect(renew).to.deep.equal({
                channel: CHANNEL,
                transaction: 'Member:renew',
                args: [MEMBER_NUMBER, JSON.stringify({ validUntil: '2028-12-31', membershipType: 'SENIOR' })],
                endorsingOrganizations: ALPINE_AND_MAJORITY,
            });
        });

        it('leaves the membership type out when it is null, as the chaincode’s strict schema wants', async () => {
            api.ledger.answers('Club:list', clubs).commits('Member:renew', member({ validUntil: '2028-12-31' }));
            dataOf(await api.ask('alpineAdmin', RENEW, { channel: CHANNEL, memberNumber: MEMBER_NUMBER, validUntil: '2028-12-31', membershipType: null }));
            const renewal = JSON.parse(api.ledger.submitted()[0]!.args[1]!) as unknown;
            expect(renewal).to.deep.equal({ validUntil: '2028-12-31' });
            expect(MemberRenewal.parse(renewal)).to.deep.equal({ validUntil: '2028-12-31' });
        });
    });

    describe('erasePersonalData', () => {
        beforeEach(() => {
            keys.hold(KEY_OWNER, Buffer.alloc(32, 9));
        });

        it('erases through the home club alone, destroys the member’s data key once committed, and returns the receipt', async () => {
            api.ledger.commits('Member:erasePersonalData', { memberNumber: MEMBER_NUMBER }, { transactionId: transactionIdOf('erase'), blockNumber: 31n });

            const data = dataOf(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }));

            expect(keys.held(KEY_OWNER)).to.equal(undefined);
            expect(keys.destroy.calledOnceWithExactly(KEY_OWNER)).to.equal(true);
            expect(keys.destroy.firstCall.calledAfter(api.ledger.submit.firstCall)).to.equal(true);

            expect(data).to.deep.equal({ erasePersonalData: { transactionId: transactionIdOf('erase'), blockNumber: '31' } });
            expect(api.ledger.calls()).to.deep.equal([
                {
                    operation: 'submit',
                    caller: CALLERS.alpineAdmin,
                    call: { channel: CHANNEL, transaction: 'Member:erasePersonalData', args: [MEMBER_NUMBER], endorsingOrganizations: [ALPINE] },
                },
            ]);
        });

        it('maps the chaincode’s refusal of a member not yet terminated to CONFLICT with its reason', async () => {
            api.ledger.fails('Member:erasePersonalData', chaincodeRefusal('INVALID_TRANSITION: member ALP000042 is ACTIVE and cannot have personal data erased before it is TERMINATED'));
            const error = onlyError(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }));
            expect(error.message).to.equal('INVALID_TRANSITION: member ALP000042 is ACTIVE and cannot have personal data erased before it is TERMINATED');
            expect(error.extensions).to.deep.equal({ code: 'CONFLICT', reason: 'INVALID_TRANSITION', transactionId: transactionIdOf('refused') });
            expect(keys.destroy.called, 'a refused erasure keeps the key').to.equal(false);
            expect(keys.held(KEY_OWNER)).to.deep.equal(Buffer.alloc(32, 9));
        });

        it('keeps the key when the erasure is not known to have committed (the ledger unreachable)', async () => {
            api.ledger.fails('Member:erasePersonalData', Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }));
            expect(onlyError(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER })).extensions?.code).to.equal('LEDGER_UNAVAILABLE');
            expect(keys.destroy.called).to.equal(false);
            expect(keys.held(KEY_OWNER)).to.not.equal(undefined);
        });

        it('fails when the key cannot be destroyed after the commit, and completes when the admin asks again', async () => {
            api.ledger.commits('Member:erasePersonalData', { memberNumber: MEMBER_NUMBER });
            keys.failNextDestroy(new Error('connection terminated unexpectedly'));

            expect(onlyError(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER })).extensions?.code).to.equal('INTERNAL_SERVER_ERROR');
            expect(keys.held(KEY_OWNER), 'the key outlived the failed attempt').to.not.equal(undefined);

            dataOf(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }));
            expect(api.ledger.trail()).to.deep.equal(['submit Member:erasePersonalData', 'submit Member:erasePersonalData']);
            expect(keys.held(KEY_OWNER)).to.equal(undefined);
        });

        it('refuses auditors (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineAuditor', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });
});
