import { LRUCache } from 'lru-cache';
import type { Caller } from '../caller.js';

/** How many tokens a verifier remembers: a few megabytes of tokens as issuers make them. */
const DEFAULT_MAX = 10_000;

/**
 * Tokens that passed every check, by their exact text (signature included), each until its `exp` and no longer:
 * a client sends the same token with every request, and checking its signature again (WebCrypto) was a fifth of
 * the API's CPU under load. Only verified tokens enter, so refused or forged ones cannot crowd out the rest; the
 * least recently used leave first once `max` are held. A key withdrawn from the issuer's key set therefore stops
 * the tokens it signed that were already seen at their expiry, not at once.
 */
export class VerifiedTokens {
    readonly #callers: LRUCache<string, Caller>;

    constructor(max: number = DEFAULT_MAX) {
        this.#callers = new LRUCache({ max });
    }

    callerOf(token: string): Caller | undefined {
        return this.#callers.get(token);
    }

    /** `expiresAt`: the token's `exp`, in seconds since the epoch. */
    remember(token: string, caller: Caller, expiresAt: number): void {
        const ttl = Math.floor(expiresAt * 1000 - Date.now());
        if (ttl > 0) {
            this.#callers.set(token, caller, { ttl });
        }
    }
}
