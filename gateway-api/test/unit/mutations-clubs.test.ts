import { generateKeyPairSync } from 'node:crypto';
import { ClubProfile, ClubRegistration } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { type FakeLedgerApi, type RecordedLedgerCall, fakeLedgerApi, ledgerClub, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const passPublicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const profile = { name: 'Alpine Club', city: 'Zermatt', country: 'CH', timezone: 'Europe/Zurich', facilities: ['DINING', 'SKIING'], passPublicKey };

const clubFields = 'club { mspId name city memberPrefix status } transactionId blockNumber';
const REGISTER = `mutation Register($channel: String!, $input: ClubRegistrationInput!) { registerClub(channel: $channel, input: $input) { ${clubFields} } }`;
const UPDATE = `mutation Update($channel: String!, $profile: ClubProfileInput!) { updateClubProfile(channel: $channel, profile: $profile) { ${clubFields} } }`;

describe('club mutations on the ledger', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    afterEach(() => {
        api.ledger.reset();
    });

    it('registerClub submits the profile and member prefix as one JSON ClubRegistration; the club is the token’s', async () => {
        const receipt = { transactionId: transactionIdOf('register'), blockNumber: 1n };
        api.ledger.commits('Club:register', { ...ledgerClub('AlpineMSP', passPublicKey), name: 'Alpine Club', city: 'Zermatt', memberPrefix: 'ALP' }, receipt);

        const data = dataOf(await api.ask('alpineAdmin', REGISTER, { channel: CHANNEL, input: { profile, memberPrefix: 'ALP' } }));

        expect(data.registerClub).to.deep.equal({
            club: { mspId: 'AlpineMSP', name: 'Alpine Club', city: 'Zermatt', memberPrefix: 'ALP', status: 'ACTIVE' },
            transactionId: receipt.transactionId,
            blockNumber: '1',
        });
        const [{ operation, caller, call }] = api.ledger.calls() as [RecordedLedgerCall];
        expect({ operation, caller }).to.deep.equal({ operation: 'submit', caller: CALLERS.alpineAdmin });
        expect(call).to.have.all.keys('channel', 'transaction', 'args');
        expect(call).to.deep.include({ channel: CHANNEL, transaction: 'Club:register' });
        expect(ClubRegistration.parse(JSON.parse(call.args[0]!))).to.deep.equal({ ...profile, memberPrefix: 'ALP' });
        expect(call.args).to.have.lengthOf(1);
    });

    it('updateClubProfile submits the profile as JSON ClubProfile', async () => {
        api.ledger.commits('Club:updateProfile', { ...ledgerClub('AlpineMSP', passPublicKey), name: 'Alpine Club' });

        dataOf(await api.ask('alpineAdmin', UPDATE, { channel: CHANNEL, profile }));

        const [update] = api.ledger.submitted();
        expect(update).to.deep.equal({ channel: CHANNEL, transaction: 'Club:updateProfile', args: [JSON.stringify(profile)] });
        expect(ClubProfile.parse(JSON.parse(update!.args[0]!))).to.deep.equal(profile);
    });

    for (const caller of ['alpineStaff', 'alpineAuditor', 'alpineMember'] as const) {
        it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) to register or edit the club, without calling the ledger`, async () => {
            expect(errorCodes(await api.ask(caller, REGISTER, { channel: CHANNEL, input: { profile, memberPrefix: 'ALP' } }))).to.deep.equal(['FORBIDDEN']);
            expect(errorCodes(await api.ask(caller, UPDATE, { channel: CHANNEL, profile }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    }
});
