import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

/** The public keys tokens are checked against, chosen by the token's `kid` and algorithm. */
export type TokenKeys = JWTVerifyGetKey;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The issuer's published JWKS: fetched on first use, cached, and fetched again when a token names an unknown
 * `kid` (key rotation). Keys only travel over HTTPS, except from this machine.
 */
export function remoteTokenKeys(url: URL): TokenKeys {
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
        throw new Error(`token keys must be fetched over HTTPS: ${url.href}`);
    }
    return createRemoteJWKSet(url, { timeoutDuration: 5_000, cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 });
}

/**
 * A JWKS document, e.g. the local issuer's `jwks.json`, or a PEM public key: the issuer's one key, whatever
 * `kid` its tokens name (jose still refuses an algorithm that does not fit the key's type).
 */
export function localTokenKeys(text: string): TokenKeys {
    if (text.trimStart().startsWith('-----BEGIN')) {
        const publicKey = createPublicKey(text);
        return () => Promise.resolve(publicKey);
    }
    // createLocalJWKSet checks the document's shape and never serves a key for an HMAC algorithm.
    return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
}

/** How soon a file whose keys did not match a token may be read again: a stream of forged `kid`s costs one read a second. */
const REREAD_AFTER_MS = 1_000;

function isMissing(error: unknown): boolean {
    return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/**
 * The keys of a JWKS file or PEM public key, such as the local issuer's `jwks.json`, which may not exist yet
 * when the API starts. A file that exists must hold keys (or this rejects); a missing one refuses every
 * token until it appears. The file is read again when it was missing, or when a token names a `kid` it did
 * not hold (a key made or rotated since it was read).
 */
export async function fileTokenKeys(path: string): Promise<TokenKeys> {
    const read = async (): Promise<TokenKeys | undefined> => {
        try {
            return localTokenKeys(await readFile(path, 'utf8'));
        } catch (error) {
            if (isMissing(error)) {
                return undefined;
            }
            throw error;
        }
    };
    let keys = await read();
    let readAt = Date.now();
    const reread = async (): Promise<TokenKeys | undefined> => {
        readAt = Date.now();
        keys = await read();
        return keys;
    };
    return async (header, token) => {
        const current = keys ?? (await reread());
        if (current === undefined) {
            throw new errors.JWKSNoMatchingKey(`no token keys at ${path} yet`);
        }
        try {
            return await current(header, token);
        } catch (error) {
            if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - readAt < REREAD_AFTER_MS) {
                throw error;
            }
            const fresh = await reread();
            if (fresh === undefined) {
                throw error;
            }
            return fresh(header, token);
        }
    };
}

/** Token keys from configuration: an `https://` JWKS URL, or the path of a JWKS file or PEM public key (see fileTokenKeys). */
export async function loadTokenKeys(source: string): Promise<TokenKeys> {
    return /^https?:\/\//.test(source) ? remoteTokenKeys(new URL(source)) : fileTokenKeys(source);
}
