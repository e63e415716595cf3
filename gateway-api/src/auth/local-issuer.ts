import { generateKeyPairSync, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import type { CallerClaims } from './claims.js';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from './issuer.js';

const ALGORITHM = 'ES256';
const PRIVATE_KEY_FILE = 'private-key.pem';
/** The public half, which the API reads as its token keys. */
export const LOCAL_JWKS_FILE = 'jwks.json';

function hasCode(error: unknown, code: 'ENOENT' | 'EEXIST'): boolean {
    return error instanceof Error && 'code' in error && error.code === code;
}

/** The key pair of a directory, made on first use; the private key is readable by its owner only. */
async function signingKeyIn(directory: string): Promise<KeyObject> {
    const path = join(directory, PRIVATE_KEY_FILE);
    try {
        return createPrivateKey(await readFile(path, 'utf8'));
    } catch (error) {
        if (!hasCode(error, 'ENOENT')) {
            throw error;
        }
    }
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    try {
        await writeFile(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
        return privateKey;
    } catch (error) {
        if (hasCode(error, 'EEXIST')) {
            // Another run made the key first: use that one.
            return createPrivateKey(await readFile(path, 'utf8'));
        }
        throw error;
    }
}

/**
 * The token issuer of the local network, the demo and the tests (ES256, issuer LOCAL_TOKEN_ISSUER, audience
 * API_TOKEN_AUDIENCE): its key pair lives in a directory (LOCAL_ISSUER_DIRECTORY), whose `jwks.json` the API reads.
 */
export class LocalIssuer {
    readonly #privateKey: KeyObject;
    readonly publicJwk: JWK;

    private constructor(privateKey: KeyObject, publicJwk: JWK) {
        this.#privateKey = privateKey;
        this.publicJwk = publicJwk;
    }

    /** Loads the directory's key pair, making it on first use, and (re)writes its public `jwks.json`. */
    static async open(directory: string): Promise<LocalIssuer> {
        const privateKey = await signingKeyIn(directory);
        const jwk: JWK = createPublicKey(privateKey).export({ format: 'jwk' });
        const publicJwk: JWK = { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: ALGORITHM, use: 'sig' };
        // Written aside and renamed: the API may read the file at any moment, and must never see half of it.
        const draft = join(directory, `.${LOCAL_JWKS_FILE}.${process.pid.toString()}`);
        await writeFile(draft, `${JSON.stringify({ keys: [publicJwk] }, null, 2)}\n`);
        await rename(draft, join(directory, LOCAL_JWKS_FILE));
        return new LocalIssuer(privateKey, publicJwk);
    }

    /** A signed token for the caller, valid from now for `lifetime` (jose's notation: "8h", "30m", "2d"). */
    async issue(claims: CallerClaims, lifetime: string): Promise<string> {
        const { sub, ...callerClaims } = claims;
        return new SignJWT(callerClaims)
            .setProtectedHeader({ alg: ALGORITHM, kid: this.publicJwk.kid, typ: 'JWT' })
            .setIssuer(LOCAL_TOKEN_ISSUER)
            .setAudience(API_TOKEN_AUDIENCE)
            .setSubject(sub)
            .setIssuedAt()
            .setExpirationTime(lifetime)
            .sign(this.#privateKey);
    }
}
