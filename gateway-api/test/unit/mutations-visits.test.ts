import { generateKeyPairSync } from 'node:crypto';
import { Metadata, status } from '@grpc/grpc-js';
import { CommitStatusError, type Contract, type SubmittedTransaction } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { CheckInRequest, type Visit } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import sinon from 'sinon';
import type { ClubGateways } from '../../src/club-gateways.js';
import type { PassSigningKeys } from '../../src/context.js';
import { FabricLedger } from '../../src/fabric-ledger.js';
import { verifyVisitPass } from '../../src/passes/visit-pass.js';
import {
    type FakeLedgerApi,
    chaincodeRefusal,
    fakeLedgerApi,
    ledgerClub,
    ledgerStamp,
    policyFailure,
    transactionIdOf,
} from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const HARBOUR = 'HarbourMSP';
const VISITOR = 'HAR000007';
const VISIT_ID = transactionIdOf('visit');
const INTRODUCTION_ID = transactionIdOf('introduction');
const clubs = ['HarbourMSP', 'AlpineMSP', 'MetroMSP', 'LakeMSP', 'CoastMSP'].map((mspId) => ledgerClub(mspId));

function visit(overrides: Partial<Visit> = {}): Visit {
    return {
        visitId: VISIT_ID,
        memberNumber: VISITOR,
        homeClub: HARBOUR,
        hostClub: ALPINE,
        agreementId: transactionIdOf('agreement'),
        agreementVersion: 1,
        visitDate: '2026-03-02',
        facility: 'DINING',
        guests: 1,
        nights: 0,
        fee: { amountMinor: 2500, currency: 'EUR' },
        status: 'CHECKED_IN',
        checkedIn: ledgerStamp(ALPINE, 'alice', 'check-in'),
        ...overrides,
    };
}

const visitFields = 'visit { visitId memberNumber homeClub hostClub status guests fee { amountMinor currency } } transactionId blockNumber';
const CHECK_IN = `mutation CheckIn($channel: String!, $memberNumber: String!, $input: CheckInInput!) {
    checkIn(channel: $channel, memberNumber: $memberNumber, input: $input) { ${visitFields} } }`;
const CHECK_OUT = `mutation CheckOut($channel: String!, $visitId: String!) { checkOut(channel: $channel, visitId: $visitId) { ${visitFields} } }`;
const CANCEL = `mutation Cancel($channel: String!, $visitId: String!) { cancelVisit(channel: $channel, visitId: $visitId) { ${visitFields} } }`;
const CHECK_IN_REPLAYABLE = `mutation CheckIn($channel: String!, $memberNumber: String!, $input: CheckInInput!) {
    checkIn(channel: $channel, memberNumber: $memberNumber, input: $input) { ${visitFields} replayed } }`;
const REQUEST_ID = 'desk-1_0042';
const duplicateRequest = () => chaincodeRefusal(`DUPLICATE_REQUEST: check-in request ${REQUEST_ID} already recorded visit ${VISIT_ID}`);
const VISIT_PASS = 'query Pass($channel: String!) { visitPass(channel: $channel) { pass expiresAt } }';

describe('visit mutations on the ledger', () => {
    const alpinePassKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const passSigningKeys = sinon.stub<Parameters<PassSigningKeys>, ReturnType<PassSigningKeys>>();
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi({ passSigningKeys });
    });

    beforeEach(() => {
        passSigningKeys.reset();
        passSigningKeys.callsFake((club) => Promise.resolve(club === ALPINE ? alpinePassKeys.privateKey : undefined));
    });

    afterEach(() => {
        api.ledger.reset();
    });

    describe('checkIn', () => {
        const input = { facility: 'DINING', guests: 1, nights: 0, introductionId: null };

        it('asks the ledger which clubs must endorse, then submits the request as JSON CheckInRequest naming them', async () => {
            const receipt = { transactionId: VISIT_ID, blockNumber: 52n };
            api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR, 'LakeMSP']).commits('Visit:checkIn', visit(), receipt);

            const data = dataOf(await api.ask('alpineStaff', CHECK_IN, { channel: CHANNEL, memberNumber: VISITOR, input }));

            expect(data.checkIn).to.deep.equal({
                visit: { visitId: VISIT_ID, memberNumber: VISITOR, homeClub: HARBOUR, hostClub: ALPINE, status: 'CHECKED_IN', guests: 1, fee: { amountMinor: 2500, currency: 'EUR' } },
                transactionId: VISIT_ID,
                blockNumber: '52',
            });
            const request = { memberNumber: VISITOR, facility: 'DINING', guests: 1, nights: 0 };
            expect(api.ledger.calls()).to.deep.equal([
                { operation: 'evaluate', caller: CALLERS.alpineStaff, call: { channel: CHANNEL, transaction: 'Visit:endorsersForCheckIn', args: [VISITOR] } },
                {
                    operation: 'submit',
                    caller: CALLERS.alpineStaff,
                    call: { channel: CHANNEL, transaction: 'Visit:checkIn', args: [JSON.stringify(request)], endorsingOrganizations: [ALPINE, HARBOUR, 'LakeMSP'] },
                },
            ]);
            expect(CheckInRequest.parse(JSON.parse(api.ledger.submitted()[0]!.args[0]!))).to.deep.equal(request);
        });

        it('carries the letter of introduction the member presents', async () => {
            api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).commits('Visit:checkIn', visit({ introductionId: INTRODUCTION_ID }));
            dataOf(await api.ask('alpineAdmin', CHECK_IN, { channel: CHANNEL, memberNumber: VISITOR, input: { ...input, introductionId: INTRODUCTION_ID, nights: 2 } }));
            expect(JSON.parse(api.ledger.submitted()[0]!.args[0]!)).to.deep.equal({ memberNumber: VISITOR, facility: 'DINING', guests: 1, nights: 2, introductionId: INTRODUCTION_ID });
        });

        describe('with a client request ID', () => {
            const retriable = { ...input, clientRequestId: REQUEST_ID };
            const ask = () => api.ask('alpineStaff', CHECK_IN_REPLAYABLE, { channel: CHANNEL, memberNumber: VISITOR, input: retriable });
            const replay = {
                visit: { visitId: VISIT_ID, memberNumber: VISITOR, homeClub: HARBOUR, hostClub: ALPINE, status: 'CHECKED_IN', guests: 1, fee: { amountMinor: 2500, currency: 'EUR' } },
                transactionId: visit().checkedIn.txId,
                blockNumber: null,
                replayed: true,
            };

            it('passes it to the chaincode as requestId, and answers the new visit as not replayed', async () => {
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).commits('Visit:checkIn', visit(), { transactionId: VISIT_ID, blockNumber: 52n });

                const data = dataOf(await ask());

                expect(data.checkIn).to.deep.include({ transactionId: VISIT_ID, blockNumber: '52', replayed: false });
                expect(JSON.parse(api.ledger.submitted()[0]!.args[0]!)).to.deep.equal({ memberNumber: VISITOR, facility: 'DINING', guests: 1, nights: 0, requestId: REQUEST_ID });
            });

            it('answers DUPLICATE_REQUEST with the visit the ID recorded, read on the caller’s peer, replayed', async () => {
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).fails('Visit:checkIn', duplicateRequest()).answers('Visit:get', visit());

                const data = dataOf(await ask());

                expect(data.checkIn).to.deep.equal(replay);
                expect(api.ledger.trail()).to.deep.equal(['evaluate Visit:endorsersForCheckIn', 'submit Visit:checkIn', 'evaluate Visit:get']);
                expect(api.ledger.calls()[2]?.call).to.deep.equal({ channel: CHANNEL, transaction: 'Visit:get', args: [VISIT_ID] });
            });

            it('submits once more after a check-in of the same block set the request key’s policy first, and replays what it recorded', async () => {
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).failsInTurn('Visit:checkIn', policyFailure(), duplicateRequest()).answers('Visit:get', visit());

                expect(dataOf(await ask()).checkIn).to.deep.equal(replay);
                expect(api.ledger.trail()).to.deep.equal(['evaluate Visit:endorsersForCheckIn', 'submit Visit:checkIn', 'submit Visit:checkIn', 'evaluate Visit:get']);
            });

            it('does not submit again after a policy failure without a request ID: ENDORSEMENT_FAILED', async () => {
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).failsInTurn('Visit:checkIn', policyFailure());

                const response = await api.ask('alpineStaff', CHECK_IN, { channel: CHANNEL, memberNumber: VISITOR, input });

                expect(errorCodes(response)).to.deep.equal(['ENDORSEMENT_FAILED']);
                expect(api.ledger.trail()).to.deep.equal(['evaluate Visit:endorsersForCheckIn', 'submit Visit:checkIn']);
            });

            it('refuses an ID that recorded a check-in of another member: CONFLICT with reason DUPLICATE_REQUEST', async () => {
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).fails('Visit:checkIn', duplicateRequest()).answers('Visit:get', visit({ memberNumber: 'HAR000008' }));

                const error = onlyError(await ask());

                expect(error.extensions).to.deep.include({ code: 'CONFLICT', reason: 'DUPLICATE_REQUEST' });
                expect(error.message).to.equal(`clientRequestId ${REQUEST_ID} already checked in another member`);
            });

            it('answers a commit status lost after the submit as LEDGER_OUTCOME_UNKNOWN naming the transaction, to retry with the same ID', async () => {
                const submittedId = transactionIdOf('submitted');
                const cause = Object.assign(new Error('deadline exceeded'), { code: status.DEADLINE_EXCEEDED, details: 'deadline exceeded', metadata: new Metadata() });
                const lost = new CommitStatusError({ code: status.DEADLINE_EXCEEDED, transactionId: submittedId, cause, details: [] });
                api.ledger.answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).fails('Visit:checkIn', lost);

                const error = onlyError(await ask());

                expect(error.extensions).to.deep.equal({ code: 'LEDGER_OUTCOME_UNKNOWN', transactionId: submittedId });
                expect(error.message).to.contain('retry a check-in with the same clientRequestId');
            });

            it('is checked before anything reaches the ledger: BAD_USER_INPUT', async () => {
                const response = await api.ask('alpineStaff', CHECK_IN_REPLAYABLE, { channel: CHANNEL, memberNumber: VISITOR, input: { ...input, clientRequestId: 'desk 1/42' } });
                expect(errorCodes(response)).to.deep.equal(['BAD_USER_INPUT']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        });

        for (const caller of ['alpineMember', 'alpineAuditor'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without calling the ledger`, async () => {
                const response = await api.ask(caller, CHECK_IN, { channel: CHANNEL, memberNumber: VISITOR, input });
                expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }
    });

    for (const [field, document, transaction] of [
        ['checkOut', CHECK_OUT, 'Visit:checkOut'],
        ['cancelVisit', CANCEL, 'Visit:cancel'],
    ] as const) {
        describe(field, () => {
            it(`reads the visit from the ledger and submits ${transaction} naming its home, its host and a majority`, async () => {
                const receipt = { transactionId: transactionIdOf(field), blockNumber: 53n };
                api.ledger.answers('Visit:get', visit()).answers('Club:list', clubs).commits(transaction, visit({ status: 'CHECKED_OUT' }), receipt);

                const data = dataOf(await api.ask('alpineStaff', document, { channel: CHANNEL, visitId: VISIT_ID }));

                expect(data[field]).to.deep.include({ transactionId: receipt.transactionId, blockNumber: '53' });
                expect(api.ledger.calls()).to.deep.equal([
                    { operation: 'evaluate', caller: CALLERS.alpineStaff, call: { channel: CHANNEL, transaction: 'Visit:get', args: [VISIT_ID] } },
                    { operation: 'evaluate', caller: CALLERS.alpineStaff, call: { channel: CHANNEL, transaction: 'Club:list', args: [] } },
                    {
                        operation: 'submit',
                        caller: CALLERS.alpineStaff,
                        call: { channel: CHANNEL, transaction, args: [VISIT_ID], endorsingOrganizations: ['AlpineMSP', 'CoastMSP', 'HarbourMSP'] },
                    },
                ]);
            });

            it(`submits ${transaction} again while the other party's peer has not yet seen the visit its peer holds (NOT_FOUND)`, async () => {
                const notYet = chaincodeRefusal(`NOT_FOUND: visit ${VISIT_ID} does not exist`);
                api.ledger.answers('Visit:get', visit()).answers('Club:list', clubs).failsInTurn(transaction, notYet, notYet).commits(transaction, visit({ status: 'CHECKED_OUT' }));

                expect(dataOf(await api.ask('alpineStaff', document, { channel: CHANNEL, visitId: VISIT_ID }))[field]).to.have.property('transactionId');
                expect(api.ledger.trail()).to.deep.equal(['evaluate Visit:get', 'evaluate Club:list', `submit ${transaction}`, `submit ${transaction}`, `submit ${transaction}`]);
            });

            it(`answers LEDGER_UNAVAILABLE when the other party's peer is still behind after some seconds: the visit exists`, async () => {
                api.ledger.answers('Visit:get', visit()).answers('Club:list', clubs).fails(transaction, chaincodeRefusal(`NOT_FOUND: visit ${VISIT_ID} does not exist`));
                const clock = sinon.useFakeTimers({ toFake: ['setTimeout'] });
                const answer = api.ask('alpineStaff', document, { channel: CHANNEL, visitId: VISIT_ID });
                await clock.tickAsync(10_000);
                clock.restore();

                const error = onlyError(await answer);

                expect(error.extensions).to.deep.include({ code: 'LEDGER_UNAVAILABLE', reason: 'NOT_FOUND' });
                expect(api.ledger.trail().filter((step) => step === `submit ${transaction}`)).to.have.lengthOf(11);
            });

            it('refuses members (FORBIDDEN) without calling the ledger', async () => {
                expect(errorCodes(await api.ask('alpineMember', document, { channel: CHANNEL, visitId: VISIT_ID }))).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        });
    }

    describe('visitPass', () => {
        it('gives a member a five-minute pass signed with the home club’s key, naming them, their club and the channel', async () => {
            const before = Date.now();
            const data = dataOf(await api.ask('alpineMember', VISIT_PASS, { channel: CHANNEL }));

            const { pass, expiresAt } = data.visitPass as { pass: string; expiresAt: string };
            const publicPem = alpinePassKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
            const claims = await verifyVisitPass(pass, publicPem, CHANNEL);
            expect(claims).to.include({ memberNumber: CALLERS.alpineMember.memberNumber, homeClub: ALPINE, channel: CHANNEL });
            expect(claims.expiresAt.toISOString()).to.equal(expiresAt);
            expect(Date.parse(expiresAt) - before).to.be.within(299_000, 301_000);
            sinon.assert.calledOnceWithExactly(passSigningKeys, ALPINE);
            expect(api.ledger.calls()).to.deep.equal([]);
        });

        it('issues a new pass on every request', async () => {
            const first = dataOf(await api.ask('alpineMember', VISIT_PASS, { channel: CHANNEL }));
            const second = dataOf(await api.ask('alpineMember', VISIT_PASS, { channel: CHANNEL }));
            expect(first).not.to.deep.equal(second);
        });

        for (const caller of ['alpineStaff', 'alpineAdmin', 'alpineAuditor'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without touching the pass keys`, async () => {
                const response = await api.ask(caller, VISIT_PASS, { channel: CHANNEL });
                expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
                expect(response.body.data).to.deep.equal({ visitPass: null });
                sinon.assert.notCalled(passSigningKeys);
            });
        }

        it('refuses a member of a club whose pass key this API does not hold', async () => {
            passSigningKeys.callsFake(() => Promise.resolve(undefined));
            const error = onlyError(await api.ask('alpineMember', VISIT_PASS, { channel: CHANNEL }));
            expect(error).to.deep.include({ message: 'this API holds no pass key for AlpineMSP', extensions: { code: 'FORBIDDEN' } });
        });

        it('refuses a malformed channel', async () => {
            const error = onlyError(await api.ask('alpineMember', VISIT_PASS, { channel: 'Atlantic Ocean' }));
            expect(error.extensions).to.deep.equal({ code: 'BAD_USER_INPUT' });
            expect(error.message).to.match(/^channel: /);
        });
    });
});

describe('a retried check-in through FabricLedger', () => {
    /** A contract whose first check-in is invalidated by a read conflict on the request key, and whose second meets the committed one. */
    function contractAfterConcurrentCommit() {
        const conflicted: Partial<SubmittedTransaction> = {
            getStatus: () => Promise.resolve({ successful: false, code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId: transactionIdOf('conflicted'), blockNumber: 9n }),
        };
        const submitAsync = sinon.stub<Parameters<Contract['submitAsync']>, ReturnType<Contract['submitAsync']>>();
        submitAsync.onFirstCall().resolves(conflicted as SubmittedTransaction).onSecondCall().rejects(duplicateRequest());
        const evaluate = sinon.stub<Parameters<Contract['evaluate']>, ReturnType<Contract['evaluate']>>();
        evaluate.withArgs('Visit:endorsersForCheckIn').resolves(Buffer.from(JSON.stringify([ALPINE, HARBOUR])));
        evaluate.withArgs('Visit:get').resolves(Buffer.from(JSON.stringify(visit())));
        return { submitAsync, evaluate };
    }

    it('replays the visit the other attempt committed, after one retry of the read conflict', async () => {
        const contract = contractAfterConcurrentCommit();
        const gateways = { gatewayOf: () => ({ getNetwork: () => ({ getContract: () => contract }) }) } as unknown as ClubGateways;
        const api = await fakeLedgerApi({ ledger: new FabricLedger({ chaincodeName: 'reciprocal', gateways }) });

        const data = dataOf(
            await api.ask('alpineStaff', CHECK_IN_REPLAYABLE, { channel: CHANNEL, memberNumber: VISITOR, input: { facility: 'DINING', guests: 1, nights: 0, clientRequestId: REQUEST_ID } }),
        );

        expect(data.checkIn).to.deep.include({ transactionId: visit().checkedIn.txId, blockNumber: null, replayed: true });
        expect(contract.submitAsync.callCount).to.equal(2);
        expect(contract.evaluate.withArgs('Visit:get').firstCall.args[1]?.arguments).to.deep.equal([VISIT_ID]);
    });
});
