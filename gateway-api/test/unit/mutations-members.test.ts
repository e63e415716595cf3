import { type Member, MemberEnrolment, MemberRenewal, PersonalData } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { type FakeLedgerApi, chaincodeRefusal, fakeLedgerApi, ledgerClub, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
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

/** The personal record as the admin types it (the API adds the salt). */
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

describe('member mutations on the ledger', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    afterEach(() => {
        api.ledger.reset();
    });

    /** No ledger argument of any call so far carries a personal value; only the transient map may. */
    function expectNoPersonalDataInArguments(): void {
        for (const { call } of api.ledger.calls()) {
            const visible = JSON.stringify({ ...call, transient: undefined });
            for (const value of personalValues) {
                expect(visible, `${call.transaction} carries ${value}`).not.to.include(value);
            }
        }
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

        it('passes the personal record, salted, in the transient map of the home club’s own transaction only', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));

            const withTransient = api.ledger.calls().filter(({ call }) => call.transient !== undefined);
            expect(withTransient.map(({ call }) => call.transaction)).to.deep.equal(['Member:recordPersonalData']);
            const transient = withTransient[0]!.call.transient!;
            expect(Object.keys(transient)).to.deep.equal(['personalData']);
            const recorded = PersonalData.parse(JSON.parse(transient.personalData!));
            const { line2: _absent, ...address } = personalData.address;
            expect(recorded).to.deep.equal({ ...personalData, address, salt: recorded.salt });
            expect(recorded.salt).to.match(/^[0-9a-f]{32}$/);
            expectNoPersonalDataInArguments();
        });

        it('salts every personal record afresh, so its public hash cannot be guessed', async () => {
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            dataOf(await api.ask('alpineAdmin', ENROL, enrolment));
            const salts = api.ledger
                .submitted()
                .filter((call) => call.transient !== undefined)
                .map((call) => PersonalData.parse(JSON.parse(call.transient!.personalData!)).salt);
            expect(salts).to.have.lengthOf(2);
            expect(salts[0]).not.to.equal(salts[1]);
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

        it('records the new personal record privately, then publishes its hash with Alpine and a majority', async () => {
            const receipt = { transactionId: transactionIdOf('attest'), blockNumber: 77n };
            api.ledger.commits('Member:recordPersonalData', { memberNumber: MEMBER_NUMBER }).answers('Club:list', clubs).commits('Member:attestPersonalData', member(), receipt);

            const data = dataOf(await api.ask('alpineAdmin', UPDATE_PERSONAL_DATA, update));

            expect(data.updatePersonalData).to.deep.include({ transactionId: receipt.transactionId, blockNumber: '77' });
            expect(api.ledger.trail()).to.deep.equal(['submit Member:recordPersonalData', 'evaluate Club:list', 'submit Member:attestPersonalData']);
            const [record, , attest] = api.ledger.calls().map(({ call }) => call);
            expect(record).to.deep.include({ args: [MEMBER_NUMBER], endorsingOrganizations: [ALPINE] });
            expect(PersonalData.parse(JSON.parse(record!.transient!.personalData!)).email).to.equal('ada@lovelace.example');
            expect(attest).to.deep.equal({ channel: CHANNEL, transaction: 'Member:attestPersonalData', args: [MEMBER_NUMBER], endorsingOrganizations: ALPINE_AND_MAJORITY });
            expect(JSON.stringify(attest)).not.to.include('ada@lovelace.example');
            expectNoPersonalDataInArguments();
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
        it('purges through the home club alone and returns the receipt', async () => {
            api.ledger.commits('Member:erasePersonalData', { memberNumber: MEMBER_NUMBER }, { transactionId: transactionIdOf('erase'), blockNumber: 31n });

            const data = dataOf(await api.ask('alpineAdmin', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }));

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
        });

        it('refuses auditors (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineAuditor', ERASE, { channel: CHANNEL, memberNumber: MEMBER_NUMBER }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });
});
