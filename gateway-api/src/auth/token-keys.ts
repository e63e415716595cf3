import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';

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

/** Token keys from configuration: an `https://` JWKS URL, or the path of a JWKS file or PEM public key (read once). */
export async function loadTokenKeys(source: string): Promise<TokenKeys> {
    return /^https?:\/\//.test(source) ? remoteTokenKeys(new URL(source)) : localTokenKeys(await readFile(source, 'utf8'));
}
