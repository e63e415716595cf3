import { status as GrpcStatus } from '@grpc/grpc-js';
import { CommitError, CommitStatusError, GatewayError, type SubmitError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { ErrorCode, errorCodeOf } from '@reciprocal-clubs/chaincode/model';
import { ApiError, ApiErrorCode } from './errors.js';

/** How each chaincode refusal reaches clients. Codes not listed are rule violations (VISIT_LIMIT_REACHED, …). */
const apiCodeOfChaincodeCode: Partial<Record<ErrorCode, ApiErrorCode>> = {
    [ErrorCode.INVALID_ARGUMENT]: ApiErrorCode.BAD_USER_INPUT,
    [ErrorCode.NOT_FOUND]: ApiErrorCode.NOT_FOUND,
    [ErrorCode.FORBIDDEN]: ApiErrorCode.FORBIDDEN,
    [ErrorCode.ALREADY_EXISTS]: ApiErrorCode.CONFLICT,
    [ErrorCode.INVALID_TRANSITION]: ApiErrorCode.CONFLICT,
    [ErrorCode.AGREEMENT_CONFLICT]: ApiErrorCode.CONFLICT,
    [ErrorCode.DUPLICATE_REQUEST]: ApiErrorCode.CONFLICT,
};

const conflictCodes: ReadonlySet<number> = new Set([
    peer.TxValidationCode.MVCC_READ_CONFLICT,
    peer.TxValidationCode.PHANTOM_READ_CONFLICT,
]);

const validationCodeNames = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, code]: [string, number]) => [code, name]));

const unavailableStatuses: ReadonlySet<number> = new Set([
    GrpcStatus.UNAVAILABLE,
    GrpcStatus.DEADLINE_EXCEEDED,
    GrpcStatus.RESOURCE_EXHAUSTED,
    GrpcStatus.CANCELLED,
]);

/** True for a transaction that failed validation only because a concurrent one changed what it read. */
export function isReadConflict(error: unknown): boolean {
    return error instanceof CommitError && conflictCodes.has(error.code);
}

/** A typed, client-safe error for anything the ledger said; the chaincode's reason is kept when it gave one. */
export function toApiError(error: unknown): ApiError {
    if (error instanceof ApiError) {
        return error;
    }
    if (error instanceof CommitError) {
        const reason = validationCodeNames.get(error.code) ?? String(error.code);
        return conflictCodes.has(error.code)
            ? new ApiError(ApiErrorCode.CONFLICT, 'a concurrent change conflicted with this one; try again', { reason, transactionId: error.transactionId, cause: error })
            : new ApiError(ApiErrorCode.ENDORSEMENT_FAILED, `the ledger invalidated the transaction: ${reason}`, { reason, transactionId: error.transactionId, cause: error });
    }
    // Before GatewayError, which both extend: the transaction was ordered (or its broadcast broke off, after which the
    // orderer may hold it) and may well have committed.
    if (error instanceof CommitStatusError || (isSubmitError(error) && unavailableStatuses.has(error.code))) {
        return new ApiError(
            ApiErrorCode.LEDGER_OUTCOME_UNKNOWN,
            `transaction ${error.transactionId} was submitted but whether it committed is unknown; retry a check-in with the same clientRequestId, or look the transaction up before repeating any other change`,
            { transactionId: error.transactionId, cause: error },
        );
    }
    if (error instanceof GatewayError) {
        return fromGatewayError(error);
    }
    return new ApiError(ApiErrorCode.LEDGER_UNAVAILABLE, 'the ledger could not be reached', { cause: error });
}

/** fabric-gateway exports SubmitError as a type only; it names its instances. */
function isSubmitError(error: unknown): error is SubmitError {
    return error instanceof GatewayError && error.name === 'SubmitError';
}

function fromGatewayError(error: GatewayError): ApiError {
    const transactionId = (error as GatewayError & { transactionId?: string }).transactionId;
    const messages = [error.message, ...error.details.map((detail) => detail.message)];
    for (const message of messages) {
        const code = errorCodeOf(message);
        if (code !== undefined) {
            const refusal = message.slice(message.indexOf(`${code}: `));
            return new ApiError(apiCodeOfChaincodeCode[code] ?? ApiErrorCode.RULE_VIOLATION, refusal, {
                reason: code,
                ...(transactionId === undefined ? {} : { transactionId }),
                cause: error,
            });
        }
    }
    if (unavailableStatuses.has(error.code)) {
        return new ApiError(ApiErrorCode.LEDGER_UNAVAILABLE, 'the ledger could not be reached', { cause: error });
    }
    return new ApiError(ApiErrorCode.ENDORSEMENT_FAILED, 'the peers did not endorse the transaction', {
        ...(transactionId === undefined ? {} : { transactionId }),
        cause: error,
    });
}
