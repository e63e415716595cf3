import { randomUUID } from 'node:crypto';
import { type KeyObject, SignJWT, errors as joseErrors, importSPKI, jwtVerify } from 'jose';
import { z } from 'zod';
import { ApiError, ApiErrorCode } from '../errors.js';

/** The audience of every visit pass: a pass is good for nothing but checking in. */
export const VISIT_PASS_AUDIENCE = 'rcn-visit-pass';
export const VISIT_PASS_ALGORITHM = 'ES256';
/** Short-lived: shown at the door, not kept. */
export const VISIT_PASS_TTL_SECONDS = 300;

/** What a verified pass proves: the home club vouches for this member, once, on this channel, for a few minutes. */
export interface VisitPassClaims {
    readonly passId: string;
    readonly memberNumber: string;
    readonly homeClub: string;
    readonly channel: string;
    readonly expiresAt: Date;
}

const PassPayload = z.object({
    jti: z.string().min(1).max(64),
    sub: z.string().regex(/^[A-Z]{3}[0-9]{6,9}$/),
    iss: z.string().min(1).max(64),
    channel: z.string().min(1).max(64),
    exp: z.number().int(),
});

export interface IssueVisitPassOptions {
    readonly memberNumber: string;
    readonly homeClub: string;
    readonly channel: string;
    /** The home club's pass signing key (its public half is on the ledger in the club record). */
    readonly signingKey: KeyObject;
    readonly now?: Date;
}

/** A pass signed by the member's home club: the QR payload the member shows at the host's door. */
export async function issueVisitPass(options: IssueVisitPassOptions): Promise<{ readonly pass: string; readonly claims: VisitPassClaims }> {
    const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const passId = randomUUID();
    const pass = await new SignJWT({ channel: options.channel })
        .setProtectedHeader({ alg: VISIT_PASS_ALGORITHM, typ: 'rcn-visit-pass+jwt' })
        .setJti(passId)
        .setSubject(options.memberNumber)
        .setIssuer(options.homeClub)
        .setAudience(VISIT_PASS_AUDIENCE)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + VISIT_PASS_TTL_SECONDS)
        .sign(options.signingKey);
    return {
        pass,
        claims: { passId, memberNumber: options.memberNumber, homeClub: options.homeClub, channel: options.channel, expiresAt: new Date((issuedAt + VISIT_PASS_TTL_SECONDS) * 1000) },
    };
}

/** The home club a pass claims to come from, read before its signature is checked (to find the key). */
export function claimedHomeClub(pass: string): string {
    const payload = pass.split('.')[1];
    const parsed = z.object({ iss: z.string().min(1).max(64) }).safeParse(payload === undefined ? undefined : safeJson(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) {
        throw new ApiError(ApiErrorCode.FORBIDDEN, 'the visit pass is not a pass', { reason: 'VISIT_PASS_INVALID' });
    }
    return parsed.data.iss;
}

/**
 * Verifies a pass against the public key its home club published on the ledger: a forged, stale or
 * foreign-channel pass is refused before any transaction. Reuse is checked by the caller (it needs storage).
 */
export async function verifyVisitPass(pass: string, publishedKeyPem: string, channel: string, now: Date = new Date()): Promise<VisitPassClaims> {
    try {
        const key = await importSPKI(publishedKeyPem, VISIT_PASS_ALGORITHM);
        const { payload } = await jwtVerify(pass, key, {
            algorithms: [VISIT_PASS_ALGORITHM],
            audience: VISIT_PASS_AUDIENCE,
            currentDate: now,
            requiredClaims: ['jti', 'sub', 'iss', 'exp', 'iat'],
        });
        const claims = PassPayload.parse(payload);
        if (claims.channel !== channel) {
            throw new ApiError(ApiErrorCode.FORBIDDEN, `the visit pass is for channel ${claims.channel}`, { reason: 'VISIT_PASS_INVALID' });
        }
        return { passId: claims.jti, memberNumber: claims.sub, homeClub: claims.iss, channel: claims.channel, expiresAt: new Date(claims.exp * 1000) };
    } catch (error) {
        if (error instanceof ApiError) {
            throw error;
        }
        const expired = error instanceof joseErrors.JWTExpired;
        throw new ApiError(ApiErrorCode.FORBIDDEN, expired ? 'the visit pass has expired' : 'the visit pass is not valid', {
            reason: expired ? 'VISIT_PASS_EXPIRED' : 'VISIT_PASS_INVALID',
        });
    }
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
