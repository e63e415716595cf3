import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, EndorseError } from '@hyperledger/fabric-gateway';
// The package exports SubmitError as a type only; its class is what the client throws when a Submit call fails.
import { SubmitError } from '@hyperledger/fabric-gateway/dist/submiterror.js';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { ApiError } from '../../src/errors.js';
import { isReadConflict, toApiError } from '../../src/ledger-errors.js';

describe('ledger errors → API errors', () => {
    const grpcError = (code: status, details: string): ServiceError =>
        Object.assign(new Error(details), { code, details, metadata: new Metadata() });

    const endorseError = (peerMessage: string, code = status.ABORTED) =>
        new EndorseError({
            code,
            transactionId: 'tx1',
            message: 'failed to endorse transaction, see attached details for more info',
            cause: grpcError(code, 'failed to endorse'),
            details: [{ address: '127.0.0.1:17251', mspId: 'AlpineMSP', message: `chaincode response 500, ${peerMessage}` }],
        });

    const cases: [string, string, string, string | undefined][] = [
        ['FORBIDDEN: club.role staff of AlpineMSP may not do this', 'FORBIDDEN', 'FORBIDDEN: club.role staff of AlpineMSP may not do this', 'FORBIDDEN'],
        ['NOT_FOUND: member ALP000009 does not exist', 'NOT_FOUND', 'NOT_FOUND: member ALP000009 does not exist', 'NOT_FOUND'],
        ['INVALID_ARGUMENT: request.guests: too big', 'BAD_USER_INPUT', 'INVALID_ARGUMENT: request.guests: too big', 'INVALID_ARGUMENT'],
        ['INVALID_TRANSITION: member X is PENDING', 'CONFLICT', 'INVALID_TRANSITION: member X is PENDING', 'INVALID_TRANSITION'],
        ['VISIT_LIMIT_REACHED: 4 of 4 visits used in 2026-03', 'RULE_VIOLATION', 'VISIT_LIMIT_REACHED: 4 of 4 visits used in 2026-03', 'VISIT_LIMIT_REACHED'],
        [`DUPLICATE_REQUEST: check-in request desk-1 already recorded visit ${'a'.repeat(64)}`, 'CONFLICT', `DUPLICATE_REQUEST: check-in request desk-1 already recorded visit ${'a'.repeat(64)}`, 'DUPLICATE_REQUEST'],
        ['BLACKOUT_DATE: 2026-12-25 falls in the blackout', 'RULE_VIOLATION', 'BLACKOUT_DATE: 2026-12-25 falls in the blackout', 'BLACKOUT_DATE'],
    ];
    for (const [peerMessage, code, message, reason] of cases) {
        it(`maps a chaincode ${reason ?? ''} refusal to ${code} with the chaincode's reason`, () => {
            const error = toApiError(endorseError(peerMessage));
            expect(error).to.be.instanceOf(ApiError);
            expect(error.message).to.equal(message);
            expect(error.extensions).to.deep.equal({ code, reason, transactionId: 'tx1' });
        });
    }

    it('maps an endorsement failure without a chaincode code to ENDORSEMENT_FAILED', () => {
        const error = toApiError(endorseError('no combination of peers can be derived which satisfy the endorsement policy'));
        expect(error.extensions).to.deep.equal({ code: 'ENDORSEMENT_FAILED', transactionId: 'tx1' });
        expect(error.message).to.equal('the peers did not endorse the transaction');
    });

    it('maps an unreachable peer or orderer to LEDGER_UNAVAILABLE', () => {
        for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED]) {
            const error = toApiError(endorseError('connection refused', code));
            expect(error.extensions.code).to.equal('LEDGER_UNAVAILABLE');
        }
        expect(toApiError(new Error('socket hang up')).extensions.code).to.equal('LEDGER_UNAVAILABLE');
    });

    it('maps a broadcast that broke off to LEDGER_OUTCOME_UNKNOWN naming the transaction: the orderer may hold it', () => {
        for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]) {
            const error = toApiError(new SubmitError({ code, transactionId: 'tx6', cause: grpcError(code, 'orderer gone'), details: [] }));
            expect(error.extensions).to.deep.equal({ code: 'LEDGER_OUTCOME_UNKNOWN', transactionId: 'tx6' });
        }
    });

    it('keeps an orderer\'s refusal of the transaction, which orders nothing, apart from an unknown outcome', () => {
        const refusal = new SubmitError({
            code: status.ABORTED,
            transactionId: 'tx7',
            cause: grpcError(status.ABORTED, 'refused'),
            details: [{ address: '127.0.0.1:17050', mspId: 'OrdererMSP', message: 'received unsuccessful response from orderer: status=BAD_REQUEST' }],
        });
        expect(toApiError(refusal).extensions).to.deep.equal({ code: 'ENDORSEMENT_FAILED', transactionId: 'tx7' });
    });

    it('maps a commit status lost after the submit to LEDGER_OUTCOME_UNKNOWN naming the transaction, to retry with the same clientRequestId', () => {
        for (const code of [status.UNAVAILABLE, status.DEADLINE_EXCEEDED, status.CANCELLED]) {
            const error = toApiError(new CommitStatusError({ code, transactionId: 'tx5', cause: grpcError(code, 'down'), details: [] }));
            expect(error.extensions).to.deep.equal({ code: 'LEDGER_OUTCOME_UNKNOWN', transactionId: 'tx5' });
            expect(error.message).to.match(/^transaction tx5 was submitted but whether it committed is unknown; retry a check-in with the same clientRequestId/);
        }
    });

    it('maps an MVCC read conflict to CONFLICT and recognises it for retry', () => {
        const conflict = new CommitError({ code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId: 'tx3' });
        expect(isReadConflict(conflict)).to.equal(true);
        expect(toApiError(conflict).extensions).to.deep.equal({ code: 'CONFLICT', reason: 'MVCC_READ_CONFLICT', transactionId: 'tx3' });
    });

    it('maps an endorsement policy failure at validation to ENDORSEMENT_FAILED, not retried', () => {
        const invalid = new CommitError({ code: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE, transactionId: 'tx4' });
        expect(isReadConflict(invalid)).to.equal(false);
        expect(toApiError(invalid).extensions).to.deep.equal({ code: 'ENDORSEMENT_FAILED', reason: 'ENDORSEMENT_POLICY_FAILURE', transactionId: 'tx4' });
    });

    it('passes an ApiError through unchanged', () => {
        const original = new ApiError('NOT_FOUND', 'gone');
        expect(toApiError(original)).to.equal(original);
    });
});
