import type { IntegrityReport } from '@reciprocal-clubs/event-indexer';
import { expect } from 'chai';
import sinon from 'sinon';
import type { IndexVerifier } from '../../src/context.js';
import { type FakeLedgerApi, chaincodeRefusal, fakeLedgerApi, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const AUDIT = `query Audit($channel: String!, $entity: AuditedEntity!, $id: String!) {
    auditTrail(channel: $channel, entity: $entity, id: $id) { transactionId timestamp isDelete value } }`;
const VERIFY = 'query Verify($channel: String!) { verifyIndexIntegrity(channel: $channel) { ok channel blocks blockNumber problem } }';

const enrolled = { memberNumber: 'HAR000007', homeClub: 'HarbourMSP', status: 'PENDING', enrolled: ledgerStamp('HarbourMSP', 'hugo', 'enrol') };
const revisions = [
    { txId: transactionIdOf('enrol'), timestamp: '2026-03-01T09:00:00.000Z', isDelete: false, value: enrolled },
    { txId: transactionIdOf('activate'), timestamp: '2026-03-01T09:00:02.000Z', isDelete: false, value: { ...enrolled, status: 'ACTIVE' } },
    { txId: transactionIdOf('delete'), timestamp: '2026-03-02T10:00:00.000Z', isDelete: true },
];

describe('ledger truth: auditTrail and verifyIndexIntegrity', () => {
    const verifyIndex = sinon.stub<Parameters<IndexVerifier>, ReturnType<IndexVerifier>>();
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi({ verifyIndex });
    });

    afterEach(() => {
        api.ledger.reset();
        verifyIndex.reset();
    });

    describe('auditTrail', () => {
        for (const caller of ['alpineAuditor', 'alpineAdmin'] as const) {
            it(`evaluates Audit:history on the ${CALLERS[caller].role}’s club peer and returns every revision, oldest first`, async () => {
                api.ledger.answers('Audit:history', revisions);

                const data = dataOf(await api.ask(caller, AUDIT, { channel: CHANNEL, entity: 'member', id: 'HAR000007' }));

                expect(data.auditTrail).to.deep.equal([
                    { transactionId: transactionIdOf('enrol'), timestamp: '2026-03-01T09:00:00.000Z', isDelete: false, value: enrolled },
                    { transactionId: transactionIdOf('activate'), timestamp: '2026-03-01T09:00:02.000Z', isDelete: false, value: { ...enrolled, status: 'ACTIVE' } },
                    { transactionId: transactionIdOf('delete'), timestamp: '2026-03-02T10:00:00.000Z', isDelete: true, value: null },
                ]);
                expect(api.ledger.calls()).to.deep.equal([
                    { operation: 'evaluate', caller: CALLERS[caller], call: { channel: CHANNEL, transaction: 'Audit:history', args: ['member', 'HAR000007'] } },
                ]);
            });
        }

        it('passes the parts of a composite ID joined with / as the chaincode reads them', async () => {
            api.ledger.answers('Audit:history', revisions.slice(0, 1));
            dataOf(await api.ask('alpineAuditor', AUDIT, { channel: CHANNEL, entity: 'usage', id: `${transactionIdOf('agreement')}/HAR000007/2026-03` }));
            expect(api.ledger.calls()[0]!.call.args).to.deep.equal(['usage', `${transactionIdOf('agreement')}/HAR000007/2026-03`]);
        });

        it('reports a key without history as NOT_FOUND, and an ID the chaincode cannot read as BAD_USER_INPUT', async () => {
            api.ledger.fails('Audit:history', chaincodeRefusal('NOT_FOUND: member HAR000099 has no history'));
            expect(onlyError(await api.ask('alpineAuditor', AUDIT, { channel: CHANNEL, entity: 'member', id: 'HAR000099' })).extensions).to.include({ code: 'NOT_FOUND' });
            api.ledger.fails('Audit:history', chaincodeRefusal('INVALID_ARGUMENT: id of a bar has 2 part(s) joined with /'));
            expect(onlyError(await api.ask('alpineAuditor', AUDIT, { channel: CHANNEL, entity: 'bar', id: 'HAR000007' })).extensions).to.include({ code: 'BAD_USER_INPUT', reason: 'INVALID_ARGUMENT' });
        });

        for (const caller of ['alpineStaff', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without asking the peer`, async () => {
                const response = await api.ask(caller, AUDIT, { channel: CHANNEL, entity: 'member', id: 'HAR000007' });
                expect(errorCodes(response)).to.deep.equal(['FORBIDDEN']);
                expect(response.body.data).to.deep.equal({ auditTrail: null });
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }

        it('refuses an entity kind it does not know, and a malformed channel, without asking the peer', async () => {
            expect(errorCodes(await api.ask('alpineAuditor', AUDIT, { channel: CHANNEL, entity: 'settlement', id: 'x' }))).to.deep.equal(['BAD_USER_INPUT']);
            expect(errorCodes(await api.ask('alpineAuditor', AUDIT, { channel: 'no channel', entity: 'member', id: 'HAR000007' }))).to.deep.equal(['BAD_USER_INPUT']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('verifyIndexIntegrity', () => {
        it('walks the caller’s own club index of the channel and reports an unbroken chain', async () => {
            verifyIndex.resolves({ ok: true, channel: CHANNEL, blocks: 42 } satisfies IntegrityReport);

            const data = dataOf(await api.ask('harbourAdmin', VERIFY, { channel: CHANNEL }));

            expect(data.verifyIndexIntegrity).to.deep.equal({ ok: true, channel: CHANNEL, blocks: 42, blockNumber: null, problem: null });
            sinon.assert.calledOnceWithExactly(verifyIndex, 'HarbourMSP', CHANNEL);
        });

        it('reports the first block that does not match, its number as a string', async () => {
            const problem = 'the data hash of block 9007199254740993 differs from the peer’s';
            verifyIndex.resolves({ ok: false, channel: CHANNEL, blockNumber: 9_007_199_254_740_993n, problem } satisfies IntegrityReport);

            const data = dataOf(await api.ask('alpineAuditor', VERIFY, { channel: CHANNEL }));

            expect(data.verifyIndexIntegrity).to.deep.equal({ ok: false, channel: CHANNEL, blocks: null, blockNumber: '9007199254740993', problem });
            sinon.assert.calledOnceWithExactly(verifyIndex, 'AlpineMSP', CHANNEL);
        });

        it('reports a walk that could not reach the peer as LEDGER_UNAVAILABLE, without the address', async () => {
            verifyIndex.rejects(new Error('connect ECONNREFUSED 10.0.0.5:7051'));
            const error = onlyError(await api.ask('alpineAuditor', VERIFY, { channel: CHANNEL }));
            expect(error).to.deep.include({ message: 'the ledger could not be reached', extensions: { code: 'LEDGER_UNAVAILABLE' } });
        });

        for (const caller of ['alpineStaff', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without walking the index`, async () => {
                expect(errorCodes(await api.ask(caller, VERIFY, { channel: CHANNEL }))).to.deep.equal(['FORBIDDEN']);
                sinon.assert.notCalled(verifyIndex);
            });
        }

        it('refuses a malformed channel without walking the index', async () => {
            expect(errorCodes(await api.ask('alpineAuditor', VERIFY, { channel: 'atlantic;DROP' }))).to.deep.equal(['BAD_USER_INPUT']);
            sinon.assert.notCalled(verifyIndex);
        });
    });
});
