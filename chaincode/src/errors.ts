/**
 * Stable error codes. Every refusal's message starts with `<CODE>: ` so clients
 * (the gateway API) can map it to a typed error without parsing prose.
 */
export const ErrorCode = {
    INVALID_ARGUMENT: 'INVALID_ARGUMENT',
    NOT_FOUND: 'NOT_FOUND',
    ALREADY_EXISTS: 'ALREADY_EXISTS',
    FORBIDDEN: 'FORBIDDEN',
    INVALID_TRANSITION: 'INVALID_TRANSITION',
    CLUB_SUSPENDED: 'CLUB_SUSPENDED',
    MEMBER_NOT_ACTIVE: 'MEMBER_NOT_ACTIVE',
    MEMBERSHIP_EXPIRED: 'MEMBERSHIP_EXPIRED',
    PERSONAL_DATA_MISSING: 'PERSONAL_DATA_MISSING',
    AGREEMENT_NOT_ACTIVE: 'AGREEMENT_NOT_ACTIVE',
    AGREEMENT_NOT_IN_EFFECT: 'AGREEMENT_NOT_IN_EFFECT',
    AGREEMENT_CONFLICT: 'AGREEMENT_CONFLICT',
    MEMBERSHIP_TYPE_NOT_ELIGIBLE: 'MEMBERSHIP_TYPE_NOT_ELIGIBLE',
    FACILITY_NOT_INCLUDED: 'FACILITY_NOT_INCLUDED',
    BLACKOUT_DATE: 'BLACKOUT_DATE',
    WEEKDAY_NOT_ALLOWED: 'WEEKDAY_NOT_ALLOWED',
    VISIT_LIMIT_REACHED: 'VISIT_LIMIT_REACHED',
    GUEST_LIMIT_EXCEEDED: 'GUEST_LIMIT_EXCEEDED',
    STAY_TOO_LONG: 'STAY_TOO_LONG',
    MEMBER_BARRED: 'MEMBER_BARRED',
    INTRODUCTION_REQUIRED: 'INTRODUCTION_REQUIRED',
    VOTING_CLOSED: 'VOTING_CLOSED',
    VOTING_OPEN: 'VOTING_OPEN',
    NOT_ELIGIBLE_TO_VOTE: 'NOT_ELIGIBLE_TO_VOTE',
    /** A check-in whose request ID already recorded a visit: a retry, answered with that visit's ID. */
    DUPLICATE_REQUEST: 'DUPLICATE_REQUEST',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A refusal by the chaincode: the transaction is not endorsed and nothing is written. */
export class ChaincodeError extends Error {
    readonly code: ErrorCode;

    constructor(code: ErrorCode, detail: string) {
        super(`${code}: ${detail}`);
        this.name = 'ChaincodeError';
        this.code = code;
    }
}

const codePattern = new RegExp(`\\b(${Object.values(ErrorCode).join('|')}): `);

/** Reads the stable code back from a message, wherever it travelled (endorsement errors wrap it in prose). */
export function errorCodeOf(message: string): ErrorCode | undefined {
    return codePattern.exec(message)?.[1] as ErrorCode | undefined;
}

/** The refusal of a retried check-in, naming the visit its request ID recorded. */
export function duplicateCheckIn(requestId: string, visitId: string): ChaincodeError {
    return new ChaincodeError(ErrorCode.DUPLICATE_REQUEST, `check-in request ${requestId} already recorded visit ${visitId}`);
}

const recordedVisitPattern = /\bDUPLICATE_REQUEST: check-in request [A-Za-z0-9_-]+ already recorded visit ([0-9a-f]{64})\b/;

/** The visit a DUPLICATE_REQUEST refusal names, wherever the message travelled; undefined for any other message. */
export function recordedVisitOf(message: string): string | undefined {
    return recordedVisitPattern.exec(message)?.[1];
}
