import { ApiError, ApiErrorCode } from '../errors.js';
import { TokenRefusal } from './token-verifier.js';

/** RFC 6750: the scheme is case-insensitive, the token a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The request's bearer token; undefined without an `Authorization` header; refused when the header is anything else. */
export function bearerTokenOf(request: Request): string | undefined {
    const header = request.headers.get('authorization');
    if (header === null) {
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
