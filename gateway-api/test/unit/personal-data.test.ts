import { randomBytes } from 'node:crypto';
import type { Member, PersonalDataEnvelope } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { pino } from 'pino';
import sinon from 'sinon';
import type { ReadModel } from '../../src/read-model.js';
import { sealPersonalData } from '../../src/personal-data/sealed-record.js';
import { FakeLedgerService, chaincodeRefusal, ledgerClub, ledgerStamp } from '../support/fake-ledger-service.js';
import { InMemoryPersonalDataKeys } from '../support/personal-data-keys.js';
import { CALLERS, type CallerName, type GraphqlResponse, callerTokens, dataOf, onlyError, postGraphql, testSigningKey, testVerifier, testYoga, unreachableServices } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = CALLERS.alpineAdmin.club;
const MEMBER_NUMBER = 'ALP000042';
const OWNER = { channel: CHANNEL, memberNumber: MEMBER_NUMBER };
const KEY_OWNER = { club: ALPINE, ...OWNER };

const record = {
    givenName: 'Henrietta',
    familyName: 'Swan-Leavitt',
    dateOfBirth: '1968-07-04',
    email: 'henrietta.leavitt@example.org',
    phone: '+41795550123',
    address: { line1: 'Cepheidenweg 9', city: 'Lucerne', postalCode: '6003', country: 'CH' },
    emergencyContact: { name: 'Annie Jump Cannon', phone: '+41795550456' },
    notificationPreferences: { email: true, sms: true, push: false },
};
/** Every personal value: none may reach a ledger call or a log line. */
const personalValues = ['Henrietta', 'Swan-Leavitt', '1968-07-04', 'henrietta.leavitt', '41795550123', 'Cepheidenweg', 'Lucerne', '6003', 'Annie Jump', '41795550456'];

const PERSONAL_DATA = `query($channel: String!, $memberNumber: String!) {
    personalData(channel: $channel, memberNumber: $memberNumber) {
        givenName familyName dateOfBirth email phone
        address { line1 line2 city postalCode country } emergencyContact { name phone relationship } notificationPreferences { email sms push }
    } }`;
const ENROL = `mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { transactionId } }`;
const UPDATE = `mutation($channel: String!, $memberNumber: String!, $personalData: PersonalDataInput!) {
    updatePersonalData(channel: $channel, memberNumber: $memberNumber, personalData: $personalData) { transactionId } }`;
const ERASE = `mutation($channel: String!, $memberNumber: String!) { erasePersonalData(channel: $channel, memberNumber: $memberNumber) { transactionId } }`;

function member(overrides: Partial<Member> = {}): Member {
    const stamp = ledgerStamp(ALPINE, 'carol');
    return { memberNumber: MEMBER_NUMBER, homeClub: ALPINE, membershipType: 'REGULAR', status: 'ACTIVE', validUntil: '2027-12-31', enrolled: stamp, updated: stamp, ...overrides };
}

/**
 * The API over fakes, logging through pino at its most verbose into `logLines`: what the process would write to
 * .network/logs/api.log, masked errors' originals included.
 */
async function personalDataApi() {
    const key = await testSigningKey();
    const tokens = await callerTokens(key, CALLERS);
    const ledger = new FakeLedgerService();
    const keys = new InMemoryPersonalDataKeys();
    const rows: { home_club: string; data: unknown }[] = [];
    const query = sinon.stub<[string, string, (readonly unknown[])?], Promise<unknown[]>>().callsFake(() => Promise.resolve(rows));
    const logLines: string[] = [];
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    const services = unreachableServices({ ledger, personalDataKeys: keys, readModel: { query } as unknown as ReadModel });
    const yoga = testYoga(testVerifier(key), { services, logging: logger });
    const ask = (caller: CallerName, document: string, variables: Record<string, unknown>): Promise<GraphqlResponse> =>
        postGraphql(yoga, document, { token: tokens[caller], variables });
    return { ledger, keys, rows, query, logLines, ask };
}

type PersonalDataApi = Awaited<ReturnType<typeof personalDataApi>>;

describe('personal data, sealed under the member’s data key', () => {
    let api: PersonalDataApi;

    beforeEach(async () => {
        api = await personalDataApi();
    });

    /** The indexed row of ALP000042 holds `data`, as the read model projects it. */
    function indexed(data: unknown, homeClub: string = ALPINE): void {
        api.rows.splice(0, api.rows.length, { home_club: homeClub, data });
    }

    describe('personalData', () => {
        it('opens the sealed record the read model holds with the member’s data key', async () => {
            const dataKey = randomBytes(32);
            api.keys.hold(KEY_OWNER, dataKey);
            indexed(sealPersonalData(record, dataKey, OWNER));

            const data = dataOf(await api.ask('alpineStaff', PERSONAL_DATA, OWNER));

            expect(data.personalData).to.deep.equal({ ...record, address: { ...record.address, line2: null }, emergencyContact: { ...record.emergencyContact, relationship: null } });
            expect(api.keys.find.calledOnceWithExactly(KEY_OWNER)).to.equal(true);
        });

        it('is null once the key is destroyed, though the sealed record is still indexed: the record is erased', async () => {
            indexed(sealPersonalData(record, randomBytes(32), OWNER));
            expect(dataOf(await api.ask('alpineAdmin', PERSONAL_DATA, OWNER))).to.deep.equal({ personalData: null });
        });

        it('is null without asking for a key when no record is indexed, or no such member', async () => {
            indexed(null);
            expect(dataOf(await api.ask('alpineAdmin', PERSONAL_DATA, OWNER))).to.deep.equal({ personalData: null });
            api.rows.splice(0);
            expect(dataOf(await api.ask('alpineAdmin', PERSONAL_DATA, OWNER))).to.deep.equal({ personalData: null });
            expect(api.keys.find.called).to.equal(false);
        });

        const unreadable: [string, (dataKey: Uint8Array) => unknown][] = [
            ['sealed under another key', () => sealPersonalData(record, randomBytes(32), OWNER)],
            ['with one bit of its ciphertext flipped', (dataKey) => withCiphertextFlipped(sealPersonalData(record, dataKey, OWNER))],
            ['with another sealing’s tag', (dataKey) => ({ ...sealPersonalData(record, dataKey, OWNER), tag: sealPersonalData(record, dataKey, OWNER).tag })],
            ['sealed for another member', (dataKey) => sealPersonalData(record, dataKey, { ...OWNER, memberNumber: 'ALP000043' })],
            ['in plaintext', () => record],
        ];
        for (const [what, stored] of unreadable) {
            it(`refuses a record ${what} with a typed error (PERSONAL_DATA_UNREADABLE) that shows and logs none of it`, async () => {
                const dataKey = randomBytes(32);
                api.keys.hold(KEY_OWNER, dataKey);
                indexed(stored(dataKey));

                const response = await api.ask('alpineStaff', PERSONAL_DATA, OWNER);

                expect(onlyError(response)).to.deep.include({ message: 'the personal record cannot be read' });
                expect(onlyError(response).extensions).to.deep.equal({ code: 'INTERNAL_SERVER_ERROR', reason: 'PERSONAL_DATA_UNREADABLE' });
                expect(response.body.data).to.deep.equal({ personalData: null });
                expectNoPersonalValue(JSON.stringify(response.body));
                expectNoPersonalValue(api.logLines.join(''));
            });
        }

        it('refuses another club’s member (FORBIDDEN) without asking for a key', async () => {
            indexed(sealPersonalData(record, randomBytes(32), OWNER), 'HarbourMSP');
            expect(onlyError(await api.ask('alpineAdmin', PERSONAL_DATA, OWNER)).extensions?.code).to.equal('FORBIDDEN');
            expect(api.keys.find.called).to.equal(false);
        });
    });

    describe('never in a ledger call or a log line', () => {
        it('enrolment, an update, a refused update and erasure leave no personal value in any call, transient value or log line', async () => {
            api.ledger
                .commits('Member:enrol', member({ status: 'PENDING' }))
                .commits('Member:recordPersonalData', { memberNumber: MEMBER_NUMBER })
                .answers('Club:list', [ledgerClub('HarbourMSP'), ledgerClub('AlpineMSP'), ledgerClub('MetroMSP')])
                .commits('Member:activate', member())
                .commits('Member:attestPersonalData', member())
                .commits('Member:erasePersonalData', { memberNumber: MEMBER_NUMBER });

            dataOf(await api.ask('alpineAdmin', ENROL, { channel: CHANNEL, input: { membershipType: 'REGULAR', validUntil: '2027-12-31', personalData: record } }));
            dataOf(await api.ask('alpineAdmin', UPDATE, { ...OWNER, personalData: record }));
            api.ledger.fails('Member:recordPersonalData', chaincodeRefusal('INVALID_TRANSITION: member ALP000042 is TERMINATED and cannot have personal data recorded'));
            onlyError(await api.ask('alpineAdmin', UPDATE, { ...OWNER, personalData: record }));
            api.keys.failNextDestroy(new Error('connection terminated unexpectedly'));
            onlyError(await api.ask('alpineAdmin', ERASE, OWNER));
            dataOf(await api.ask('alpineAdmin', ERASE, OWNER));

            expect(api.ledger.submitted().filter((call) => call.transient !== undefined)).to.have.lengthOf(3);
            expectNoPersonalValue(JSON.stringify(api.ledger.calls()));
            expect(api.logLines, 'the masked failure was logged').to.satisfy((lines: string[]) => lines.some((line) => line.includes('connection terminated')));
            expectNoPersonalValue(api.logLines.join(''));
        });
    });
});

function withCiphertextFlipped(sealed: PersonalDataEnvelope): PersonalDataEnvelope {
    const ciphertext = Buffer.from(sealed.ciphertext, 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 0x01;
    return { ...sealed, ciphertext: ciphertext.toString('base64url') };
}

function expectNoPersonalValue(text: string): void {
    for (const value of personalValues) {
        expect(text, `carries ${value}`).not.to.include(value);
    }
}
