import type { Caller } from '../caller.js';

/** `extensions.reason` of UNAUTHENTICATED: whether signing in again can help. */
export const TokenRefusal = {
    /** No bearer token, where the request needs a caller. */
    MISSING: 'TOKEN_MISSING',
    /** The token was valid once: the client should get a fresh one. */
    EXPIRED: 'TOKEN_EXPIRED',
    INVALID: 'TOKEN_INVALID',
} as const;

/** Turns a bearer token into the caller it names; throws ApiError UNAUTHENTICATED when it does not hold. */
export interface TokenVerifier {
    verify(token: string): Promise<Caller>;
}
