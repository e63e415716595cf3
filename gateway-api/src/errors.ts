import { GraphQLError } from 'graphql';

/** The `extensions.code` of every error a client can receive. */
export const ApiErrorCode = {
    UNAUTHENTICATED: 'UNAUTHENTICATED',
    FORBIDDEN: 'FORBIDDEN',
    BAD_USER_INPUT: 'BAD_USER_INPUT',
    NOT_FOUND: 'NOT_FOUND',
    /** A conflicting change (MVCC read conflict after bounded retries, or a state that forbids the change). */
    CONFLICT: 'CONFLICT',
    /** The ledger refused by rule: `extensions.reason` carries the chaincode's code (VISIT_LIMIT_REACHED, …). */
    RULE_VIOLATION: 'RULE_VIOLATION',
    ENDORSEMENT_FAILED: 'ENDORSEMENT_FAILED',
    LEDGER_UNAVAILABLE: 'LEDGER_UNAVAILABLE',
    /**
     * Submitted, but whether it committed is unknown (the commit status was lost): `extensions.transactionId`
     * names it. A check-in is retried safely with the same `clientRequestId`.
     */
    LEDGER_OUTCOME_UNKNOWN: 'LEDGER_OUTCOME_UNKNOWN',
    /** Too many requests for the caller (or, unauthenticated, the address): `extensions.retryAfter` in seconds. */
    RATE_LIMITED: 'RATE_LIMITED',
    /** The document exceeds a query limit (depth, aliases, directives, cost, tokens): `extensions.reason` names it. */
    QUERY_TOO_COMPLEX: 'QUERY_TOO_COMPLEX',
    /** The request body exceeds MAX_REQUEST_BODY_BYTES (HTTP 413), refused before it is parsed: `extensions.limit` in bytes. */
    PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
    /** Set by Yoga on documents that are not GraphQL. */
    GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
    /** Set by Yoga on documents that do not validate against the schema (unknown field, wrong argument, …). */
    GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
    /** Anything unexpected: the client sees a generic message only; the server logs the original. */
    INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface ApiErrorOptions {
    /** The chaincode's stable code when the ledger refused (e.g. VISIT_LIMIT_REACHED), or why a request was refused. */
    readonly reason?: string;
    readonly transactionId?: string;
    /** For RATE_LIMITED: when the caller may try again. */
    readonly retryAfterSeconds?: number;
    readonly cause?: unknown;
}

/**
 * The HTTP status of codes that refuse a whole request before execution; Yoga takes it from `extensions.http`
 * and never shows `http` to the client. Codes raised by resolvers keep 200, as partial data may accompany them.
 */
function httpOf(code: ApiErrorCode, options: ApiErrorOptions): Record<string, unknown> {
    switch (code) {
        case ApiErrorCode.UNAUTHENTICATED:
            return { http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } };
        case ApiErrorCode.RATE_LIMITED:
            return { http: { status: 429, headers: { 'Retry-After': String(options.retryAfterSeconds ?? 1) } } };
        case ApiErrorCode.QUERY_TOO_COMPLEX:
            return { http: { status: 400 } };
        default:
            return {};
    }
}

/** A typed error for clients: a message safe to show, `extensions.code`, and the ledger's reason when there is one. */
export class ApiError extends GraphQLError {
    readonly code: ApiErrorCode;

    constructor(code: ApiErrorCode, message: string, options: ApiErrorOptions = {}) {
        super(message, {
            extensions: {
                code,
                ...(options.reason === undefined ? {} : { reason: options.reason }),
                ...(options.transactionId === undefined ? {} : { transactionId: options.transactionId }),
                ...(options.retryAfterSeconds === undefined ? {} : { retryAfter: options.retryAfterSeconds }),
                ...httpOf(code, options),
            },
            ...(options.cause instanceof Error ? { originalError: options.cause } : {}),
        });
        this.name = 'ApiError';
        this.code = code;
    }
}

function carriesApiError(error: unknown): error is GraphQLError {
    return error instanceof ApiError || (error instanceof GraphQLError && carriesApiError(error.originalError));
}

/** An error the GraphQL engine made about the request itself (syntax, variables, operation name): no field raised it. */
function isRequestError(error: unknown): error is GraphQLError {
    return error instanceof GraphQLError && error.path === undefined && (error.originalError === undefined || isRequestError(error.originalError));
}

/** The generic error in place of an unexpected one: where it happened, never what. `unexpected` is Yoga's mark (500). */
function unexpectedError(error: unknown, message: string): GraphQLError {
    const location = error instanceof GraphQLError ? { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path } : {};
    return new GraphQLError(message, { ...location, extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR, unexpected: true } });
}

/**
 * What clients see of an error (Yoga's `maskedErrors.maskError`):
 * - an ApiError, also as a resolver's located error, passes as it is (its cause is never serialized);
 * - an error about the request itself passes, coded BAD_USER_INPUT unless it has a code (Yoga's
 *   GRAPHQL_PARSE_FAILED): it only describes the client's own document and variables;
 * - anything else, including a plain GraphQLError a field raised, becomes "Unexpected error." with code
 *   INTERNAL_SERVER_ERROR, in every environment (no `originalError` even in development); Yoga logs the original.
 */
export function maskError(error: unknown, message: string): GraphQLError {
    if (carriesApiError(error)) {
        return error;
    }
    if (isRequestError(error)) {
        return error.extensions.code === undefined
            ? new GraphQLError(error.message, {
                  nodes: error.nodes,
                  source: error.source,
                  positions: error.positions,
                  extensions: { ...error.extensions, code: ApiErrorCode.BAD_USER_INPUT },
              })
            : error;
    }
    return unexpectedError(error, message);
}
