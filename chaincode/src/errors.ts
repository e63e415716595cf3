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
