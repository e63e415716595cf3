import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Caller } from '../caller.js';
import { ApiError, ApiErrorCode } from '../errors.js';
import { CallerClaims, callerOf } from './claims.js';
import type { TokenKeys } from './token-keys.js';
import { TokenRefusal, type TokenVerifier } from './token-verifier.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Signature algorithms a token may use: asymmetric only, so holding the public key never lets anyone sign. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA', 'Ed25519'] as const;

export const MAX_CLOCK_TOLERANCE_SECONDS = 30;

export interface JwtVerifierOptions {
    readonly keys: TokenKeys;
    /** The `iss` tokens must name. */
    readonly issuer: string;
    /** The `aud` tokens must name. */
    readonly audience: string;
    /** Clock skew accepted on `exp`, `nbf` and `iat`; default 5 s, at most 30 s. */
    readonly clockToleranceSeconds?: number;
    /** The clubs this deployment acts for: a token naming another club is refused. Default: any club. */
    readonly clubs?: readonly string[];
}

function refusal(message: string, cause?: unknown, reason: string = TokenRefusal.INVALID): ApiError {
    return new ApiError(ApiErrorCode.UNAUTHENTICATED, message, { reason, cause });
}

/** Why jose refused the token, told without the token and without jose's own message. */
function refusalOf(error: unknown): ApiError {
    if (error instanceof errors.JWTExpired) {
        return refusal('the token has expired', error, TokenRefusal.EXPIRED);
    }
    if (error instanceof errors.JWTClaimValidationFailed) {
        if (error.claim === 'nbf') {
            return refusal('the token is not valid yet', error);
        }
        return refusal(error.reason === 'missing' ? `the token lacks the "${error.claim}" claim` : `the token's "${error.claim}" claim is not accepted`, error);
    }
    if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
        return refusal(`the token's algorithm is not accepted (use one of ${TOKEN_ALGORITHMS.join(', ')})`, error);
    }
    if (error instanceof errors.JWSSignatureVerificationFailed) {
        return refusal('the token signature is not valid', error);
    }
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        return refusal('the token is not signed by a key of the issuer', error);
    }
    if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
        return refusal('the token is malformed', error);
    }
    return refusal('the token could not be verified', error);
}

/**
 * Verifies signed JWTs (JWS compact form) from the configured issuer, and reads the caller from their claims;
 * a token that passed is taken on its word until its `exp` (VerifiedTokens).
 */
export class JwtVerifier implements TokenVerifier {
    readonly #options: JwtVerifierOptions;
    readonly #clockTolerance: number;
    readonly #clubs: ReadonlySet<string> | undefined;
    readonly #verified = new VerifiedTokens();

    constructor(options: JwtVerifierOptions) {
        const clockTolerance = options.clockToleranceSeconds ?? 5;
        if (!(clockTolerance >= 0 && clockTolerance <= MAX_CLOCK_TOLERANCE_SECONDS)) {
            throw new RangeError(`the clock tolerance must be 0 to ${MAX_CLOCK_TOLERANCE_SECONDS} seconds`);
        }
        this.#options = options;
        this.#clockTolerance = clockTolerance;
        this.#clubs = options.clubs === undefined ? undefined : new Set(options.clubs);
    }

    async verify(token: string): Promise<Caller> {
        const known = this.#verified.callerOf(token);
        if (known !== undefined) {
            return known;
        }
        const payload = await this.#verifiedPayload(token);
        const claims = CallerClaims.safeParse(payload);
        if (!claims.success) {
            const names = [...new Set(claims.error.issues.map((issue) => issue.path.join('.')))];
            throw refusal(`the token's claims are not valid: ${names.join(', ')}`);
        }
        if (this.#clubs !== undefined && !this.#clubs.has(claims.data.club)) {
            throw refusal(`this API does not act for the club ${claims.data.club}`);
        }
        const caller = callerOf(claims.data);
        // jose required `exp` (requiredClaims) and checked it is a number.
        this.#verified.remember(token, caller, payload.exp ?? 0);
        return caller;
    }

    async #verifiedPayload(token: string): Promise<JWTPayload> {
        try {
            const { payload } = await jwtVerify(token, this.#options.keys, {
                algorithms: [...TOKEN_ALGORITHMS],
                issuer: this.#options.issuer,
                audience: this.#options.audience,
                clockTolerance: this.#clockTolerance,
                requiredClaims: ['exp'],
            });
            return payload;
        } catch (error) {
            throw refusalOf(error);
        }
    }
}
