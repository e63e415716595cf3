import { type Agreement, AgreementTerms } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { type FakeLedgerApi, chaincodeRefusal, fakeLedgerApi, ledgerClub, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const HARBOUR = 'HarbourMSP';
const AGREEMENT_ID = transactionIdOf('agreement');
/** Five clubs: a majority is three, so the two parties need one more. */
const clubs = ['HarbourMSP', 'AlpineMSP', 'MetroMSP', 'LakeMSP', 'CoastMSP'].map((mspId) => ledgerClub(mspId));
const PARTIES_AND_MAJORITY = ['AlpineMSP', 'CoastMSP', 'HarbourMSP'];

const terms = {
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
    visitsPerMemberPerMonth: 4,
    visitsPerMemberPerYear: 24,
    nightsPerStay: 3,
    guestsPerVisit: 2,
    allowedWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI'],
    blackoutDates: [{ from: '2026-12-24', until: '2026-12-26', reason: 'Christmas' }],
    facilities: ['DINING', 'ACCOMMODATION'],
    eligibleMembershipTypes: ['REGULAR', 'VIP'],
    letterOfIntroductionRequired: false,
    feePerVisit: { amountMinor: 2500, currency: 'EUR' },
};

function agreement(overrides: Partial<Agreement> = {}): Agreement {
    return {
        agreementId: AGREEMENT_ID,
        proposer: ALPINE,
        counterparty: HARBOUR,
        status: 'ACTIVE',
        terms: AgreementTerms.parse(terms),
        version: 1,
        created: ledgerStamp(ALPINE, 'carol', 'propose'),
        updated: ledgerStamp(HARBOUR, 'hugo', 'accept'),
        ...overrides,
    };
}

const agreementFields = 'agreement { agreementId proposer counterparty status version terms { visitsPerMemberPerMonth feePerVisit { amountMinor currency } } } transactionId blockNumber';
const PROPOSE = `mutation Propose($channel: String!, $counterparty: String!, $terms: AgreementTermsInput!) {
    proposeAgreement(channel: $channel, counterparty: $counterparty, terms: $terms) { ${agreementFields} } }`;
const CHANGE = `mutation Change($channel: String!, $agreementId: String!, $change: AgreementChange!) {
    changeAgreement(channel: $channel, agreementId: $agreementId, change: $change) { ${agreementFields} } }`;
const AMEND = `mutation Amend($channel: String!, $agreementId: String!, $terms: AgreementTermsInput!) {
    proposeAmendment(channel: $channel, agreementId: $agreementId, terms: $terms) { ${agreementFields} } }`;

describe('agreement mutations on the ledger', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    afterEach(() => {
        api.ledger.reset();
    });

    describe('proposeAgreement', () => {
        it('submits the counterparty and the terms as JSON AgreementTerms, leaving the endorsers to discovery', async () => {
            const receipt = { transactionId: AGREEMENT_ID, blockNumber: 40n };
            api.ledger.commits('Agreement:propose', agreement({ status: 'PROPOSED' }), receipt);

            const data = dataOf(await api.ask('alpineAdmin', PROPOSE, { channel: CHANNEL, counterparty: HARBOUR, terms }));

            expect(data.proposeAgreement).to.deep.equal({
                agreement: {
                    agreementId: AGREEMENT_ID,
                    proposer: ALPINE,
                    counterparty: HARBOUR,
                    status: 'PROPOSED',
                    version: 1,
                    terms: { visitsPerMemberPerMonth: 4, feePerVisit: { amountMinor: 2500, currency: 'EUR' } },
                },
                transactionId: AGREEMENT_ID,
                blockNumber: '40',
            });
            expect(api.ledger.calls()).to.deep.equal([
                { operation: 'submit', caller: CALLERS.alpineAdmin, call: { channel: CHANNEL, transaction: 'Agreement:propose', args: [HARBOUR, JSON.stringify(terms)] } },
            ]);
            expect(AgreementTerms.parse(JSON.parse(api.ledger.submitted()[0]!.args[1]!))).to.deep.equal(terms);
        });

        it('leaves out a blackout range’s missing reason rather than sending null', async () => {
            api.ledger.commits('Agreement:propose', agreement({ status: 'PROPOSED' }));
            const withoutReason = { ...terms, blackoutDates: [{ from: '2026-08-01', until: '2026-08-15', reason: null }] };
            dataOf(await api.ask('alpineAdmin', PROPOSE, { channel: CHANNEL, counterparty: HARBOUR, terms: withoutReason }));
            const sent = JSON.parse(api.ledger.submitted()[0]!.args[1]!) as AgreementTerms;
            expect(sent.blackoutDates).to.deep.equal([{ from: '2026-08-01', until: '2026-08-15' }]);
        });

        for (const caller of ['alpineStaff', 'alpineAuditor', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without calling the ledger`, async () => {
                expect(errorCodes(await api.ask(caller, PROPOSE, { channel: CHANNEL, counterparty: HARBOUR, terms }))).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }
    });

    describe('changeAgreement', () => {
        const changes = {
            ACCEPT: 'Agreement:accept',
            REJECT: 'Agreement:reject',
            SUSPEND: 'Agreement:suspend',
            RESUME: 'Agreement:resume',
            TERMINATE: 'Agreement:terminate',
            EXPIRE: 'Agreement:expire',
            ACCEPT_AMENDMENT: 'Agreement:acceptAmendment',
            REJECT_AMENDMENT: 'Agreement:rejectAmendment',
        } as const;

        for (const [change, transaction] of Object.entries(changes)) {
            it(`${change} reads the agreement’s parties from the ledger and submits ${transaction} naming both and a majority`, async () => {
                const receipt = { transactionId: transactionIdOf(change), blockNumber: 41n };
                api.ledger.answers('Agreement:get', agreement()).answers('Club:list', clubs).commits(transaction, agreement({ status: 'SUSPENDED' }), receipt);

                const data = dataOf(await api.ask('harbourAdmin', CHANGE, { channel: CHANNEL, agreementId: AGREEMENT_ID, change }));

                expect(data.changeAgreement).to.deep.include({ transactionId: receipt.transactionId, blockNumber: '41' });
                expect(data.changeAgreement).to.deep.nested.include({ 'agreement.status': 'SUSPENDED' });
                expect(api.ledger.calls()).to.deep.equal([
                    { operation: 'evaluate', caller: CALLERS.harbourAdmin, call: { channel: CHANNEL, transaction: 'Agreement:get', args: [AGREEMENT_ID] } },
                    { operation: 'evaluate', caller: CALLERS.harbourAdmin, call: { channel: CHANNEL, transaction: 'Club:list', args: [] } },
                    {
                        operation: 'submit',
                        caller: CALLERS.harbourAdmin,
                        call: { channel: CHANNEL, transaction, args: [AGREEMENT_ID], endorsingOrganizations: PARTIES_AND_MAJORITY },
                    },
                ]);
            });
        }

        it('submits as the caller’s own club: a third club’s admin is refused by the chaincode, mapped to FORBIDDEN', async () => {
            const metroAgreement = agreement({ counterparty: 'MetroMSP' });
            api.ledger
                .answers('Agreement:get', metroAgreement)
                .answers('Club:list', clubs)
                .fails('Agreement:suspend', chaincodeRefusal(`FORBIDDEN: HarbourMSP is not a party to agreement ${AGREEMENT_ID}`));

            const error = onlyError(await api.ask('harbourAdmin', CHANGE, { channel: CHANNEL, agreementId: AGREEMENT_ID, change: 'SUSPEND' }));

            expect(error.extensions).to.include({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
            const [submit] = api.ledger.submit.getCalls();
            expect(submit!.args[0]).to.deep.equal(CALLERS.harbourAdmin);
            // The owners come from the ledger's agreement, never from the caller: Alpine and Metro are a majority.
            expect(submit!.args[1].endorsingOrganizations).to.deep.equal(['AlpineMSP', 'CoastMSP', 'MetroMSP']);
        });

        it('reports an unknown agreement as NOT_FOUND without submitting', async () => {
            api.ledger.fails('Agreement:get', chaincodeRefusal(`NOT_FOUND: agreement ${AGREEMENT_ID} does not exist`));
            const error = onlyError(await api.ask('alpineAdmin', CHANGE, { channel: CHANNEL, agreementId: AGREEMENT_ID, change: 'ACCEPT' }));
            expect(error.extensions).to.include({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
            expect(api.ledger.submit.called).to.equal(false);
        });

        it('refuses staff (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineStaff', CHANGE, { channel: CHANNEL, agreementId: AGREEMENT_ID, change: 'TERMINATE' }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('proposeAmendment', () => {
        it('submits the agreement ID and the new terms as JSON, naming both parties and a majority', async () => {
            const amended = { ...terms, visitsPerMemberPerMonth: 6 };
            api.ledger.answers('Agreement:get', agreement()).answers('Club:list', clubs).commits('Agreement:proposeAmendment', agreement());

            dataOf(await api.ask('alpineAdmin', AMEND, { channel: CHANNEL, agreementId: AGREEMENT_ID, terms: amended }));

            expect(api.ledger.trail()).to.deep.equal(['evaluate Agreement:get', 'evaluate Club:list', 'submit Agreement:proposeAmendment']);
            expect(api.ledger.submitted()).to.deep.equal([
                { channel: CHANNEL, transaction: 'Agreement:proposeAmendment', args: [AGREEMENT_ID, JSON.stringify(amended)], endorsingOrganizations: PARTIES_AND_MAJORITY },
            ]);
        });

        it('refuses members (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineMember', AMEND, { channel: CHANNEL, agreementId: AGREEMENT_ID, terms }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });
});
