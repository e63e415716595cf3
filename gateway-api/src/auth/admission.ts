import type { Plugin } from 'graphql-yoga';
import type { Caller } from '../caller.js';
import type { RequestRateLimiter } from '../limits/rate-limit.js';
import { bearerTokenOf } from './bearer-token.js';
import type { TokenVerifier } from './token-verifier.js';

/** What the HTTP server hands Yoga: Express's request, whose `ip` honours its `trust proxy` setting. */
export interface ApiServerContext {
    readonly req?: { readonly ip?: string | undefined; readonly socket?: { readonly remoteAddress?: string | undefined } };
}

/** The client's address, by which requests without a valid token are rate-limited. */
function addressOf(server: ApiServerContext): string {
    return server.req?.ip ?? server.req?.socket?.remoteAddress ?? 'unknown';
}

export interface Admission {
    /** The Yoga plugin that admits each request before its document is parsed. */
    readonly plugin: Plugin<object, ApiServerContext>;
    /** The caller the request was admitted as; undefined without a token. */
    callerOf(request: Request): Caller | undefined;
}

/**
 * Who a request acts for, decided before any GraphQL work: a bearer token, when sent, must verify
 * (UNAUTHENTICATED, never a silent fallback to anonymous), and the caller, or the address of a request without a
 * valid token (refused tokens included, so guessing is throttled), must be within its rate limit (RATE_LIMITED).
 */
export function admission(tokens: TokenVerifier, rateLimiter: RequestRateLimiter): Admission {
    const callers = new WeakMap<Request, Caller>();

    async function admit(request: Request, address: string): Promise<Caller | undefined> {
        let caller: Caller | undefined;
        try {
            const token = bearerTokenOf(request);
            caller = token === undefined ? undefined : await tokens.verify(token);
        } catch (refusal) {
            await rateLimiter.admitAddress(address);
            throw refusal;
        }
        await (caller === undefined ? rateLimiter.admitAddress(address) : rateLimiter.admitCaller(caller));
        return caller;
    }

    return {
        plugin: {
            async onParams({ request, context }) {
                const caller = await admit(request, addressOf(context));
                if (caller !== undefined) {
                    callers.set(request, caller);
                }
            },
        },
        callerOf: (request) => callers.get(request),
    };
}
