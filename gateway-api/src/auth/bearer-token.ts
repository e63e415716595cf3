import { ApiError, ApiErrorCode } from '../errors.js';
import { TokenRefusal } from './token-verifier.js';

/** RFC 6750: the scheme is case-insensitive, the token a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The bearer token of an `Authorization` header; undefined without the header; refused when it is anything else. */
export function bearerTokenOf(header: string | null | undefined): string | undefined {
    if (header === null || header === undefined) {
        return undefined;
    }
    const token = BEARER.exec(header)?.[1];
    if (token === undefined) {
        throw new ApiError(ApiErrorCode.UNAUTHENTICATED, 'the Authorization header must be "Bearer <token>"', {
            reason: TokenRefusal.INVALID,
        });
    }
    return token;
}
