import { CommitError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { type FakeLedgerApi, chaincodeRefusal, endorseError, fakeLedgerApi, readConflict, transactionIdOf } from '../support/fake-ledger-service.js';
import { onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const VISITOR = 'HAR000007';
const REFUSED = transactionIdOf('refused check-in');
const CHECK_IN = `mutation CheckIn($channel: String!, $memberNumber: String!) {
    checkIn(channel: $channel, memberNumber: $memberNumber, input: { facility: DINING, guests: 1, nights: 0 }) { transactionId } }`;
const VOTE = `mutation Vote($channel: String!, $proposalId: String!) { castVote(channel: $channel, proposalId: $proposalId, choice: YES) { transactionId } }`;
const ENROL = `mutation Enrol($channel: String!) {
    enrolMember(channel: $channel, input: { membershipType: REGULAR, validUntil: "2020-12-31",
        personalData: { givenName: "Ada", familyName: "Lovelace", dateOfBirth: "1985-12-10", email: "ada@example.org" } }) { transactionId } }`;

describe('ledger refusals as clients see them', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    beforeEach(() => {
        api.ledger.answers('Visit:endorsersForCheckIn', ['AlpineMSP', 'HarbourMSP']);
    });

    afterEach(() => {
        api.ledger.reset();
    });

    const checkIn = () => api.ask('alpineStaff', CHECK_IN, { channel: CHANNEL, memberNumber: VISITOR });

    it('a visit limit the chaincode enforces: RULE_VIOLATION with reason VISIT_LIMIT_REACHED and the chaincode’s words', async () => {
        const refusal = `VISIT_LIMIT_REACHED: member ${VISITOR} has made 4 of 4 visits in 2026-03 under agreement ${transactionIdOf('agreement')}`;
        api.ledger.fails('Visit:checkIn', chaincodeRefusal(refusal, REFUSED));

        const response = await checkIn();

        expect(response.body).to.deep.equal({
            data: { checkIn: null },
            errors: [{ message: refusal, locations: [{ line: 2, column: 5 }], path: ['checkIn'], extensions: { code: 'RULE_VIOLATION', reason: 'VISIT_LIMIT_REACHED', transactionId: REFUSED } }],
        });
        expect(api.ledger.trail()).to.deep.equal(['evaluate Visit:endorsersForCheckIn', 'submit Visit:checkIn']);
    });

    for (const rule of ['BLACKOUT_DATE', 'WEEKDAY_NOT_ALLOWED', 'GUEST_LIMIT_EXCEEDED', 'STAY_TOO_LONG', 'MEMBER_BARRED', 'INTRODUCTION_REQUIRED', 'MEMBERSHIP_EXPIRED', 'CLUB_SUSPENDED', 'AGREEMENT_NOT_ACTIVE']) {
        it(`another check-in rule, ${rule}: RULE_VIOLATION with that reason`, async () => {
            api.ledger.fails('Visit:checkIn', chaincodeRefusal(`${rule}: refused by the agreement`));
            expect(onlyError(await checkIn()).extensions).to.include({ code: 'RULE_VIOLATION', reason: rule });
        });
    }

    it('a vote after the deadline: RULE_VIOLATION with reason VOTING_CLOSED', async () => {
        api.ledger.fails('Governance:vote', chaincodeRefusal('VOTING_CLOSED: voting on the proposal ended at 2026-03-09T10:00:00.000Z'));
        const error = onlyError(await api.ask('alpineAdmin', VOTE, { channel: CHANNEL, proposalId: transactionIdOf('proposal') }));
        expect(error.extensions).to.include({ code: 'RULE_VIOLATION', reason: 'VOTING_CLOSED' });
    });

    it('what only the chaincode can check (a date in the past by its clock): BAD_USER_INPUT with reason INVALID_ARGUMENT', async () => {
        api.ledger.fails('Member:enrol', chaincodeRefusal('INVALID_ARGUMENT: enrolment.validUntil 2020-12-31 is before 2026-03-02'));
        const error = onlyError(await api.ask('alpineAdmin', ENROL, { channel: CHANNEL }));
        expect(error).to.deep.include({ message: 'INVALID_ARGUMENT: enrolment.validUntil 2020-12-31 is before 2026-03-02' });
        expect(error.extensions).to.include({ code: 'BAD_USER_INPUT', reason: 'INVALID_ARGUMENT' });
        expect(api.ledger.trail()).to.deep.equal(['submit Member:enrol']);
    });

    for (const [reason, error] of [
        ['MVCC_READ_CONFLICT', readConflict(REFUSED)],
        ['PHANTOM_READ_CONFLICT', new CommitError({ code: peer.TxValidationCode.PHANTOM_READ_CONFLICT, transactionId: REFUSED, message: 'transaction invalidated' })],
    ] as const) {
        it(`a check-in invalidated by ${reason} (after FabricLedger's retries): CONFLICT`, async () => {
            api.ledger.fails('Visit:checkIn', error);
            const refusal = onlyError(await checkIn());
            expect(refusal).to.deep.include({ message: 'a concurrent change conflicted with this one; try again', extensions: { code: 'CONFLICT', reason, transactionId: REFUSED } });
        });
    }

    it('an endorsement the peers refused without a chaincode code: ENDORSEMENT_FAILED, the peers’ words withheld', async () => {
        api.ledger.fails('Visit:checkIn', endorseError('no combination of peers can be derived which satisfy the endorsement policy', REFUSED));
        const error = onlyError(await checkIn());
        expect(error).to.deep.include({ message: 'the peers did not endorse the transaction', extensions: { code: 'ENDORSEMENT_FAILED', transactionId: REFUSED } });
        expect(JSON.stringify(error)).not.to.match(/peer0|combination/);
    });

    it('a network that cannot be reached: LEDGER_UNAVAILABLE, without the address', async () => {
        api.ledger.fails('Visit:checkIn', Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:7051'), { code: 'ECONNREFUSED' }));
        const error = onlyError(await checkIn());
        expect(error).to.deep.include({ message: 'the ledger could not be reached', extensions: { code: 'LEDGER_UNAVAILABLE' } });
        expect(JSON.stringify(error)).not.to.include('10.0.0.5');
    });

    it('a refusal while reading ledger truth stops the mutation before it submits: NOT_FOUND for an unknown member', async () => {
        api.ledger.fails('Visit:endorsersForCheckIn', chaincodeRefusal(`NOT_FOUND: member ${VISITOR} does not exist`));
        const error = onlyError(await checkIn());
        expect(error.extensions).to.include({ code: 'NOT_FOUND', reason: 'NOT_FOUND' });
        expect(api.ledger.submit.called).to.equal(false);
    });
});
