import type { IncomingHttpHeaders } from 'node:http';
import type { Plugin } from 'graphql-yoga';
import proxyaddr from 'proxy-addr';
import type { Caller } from '../caller.js';
import type { RequestRateLimiter } from '../limits/rate-limit.js';
import { bearerTokenOf } from './bearer-token.js';
import type { TokenVerifier } from './token-verifier.js';

/** What the HTTP server hands Yoga: node's request, whose headers and socket tell where it came from. */
export interface ApiServerContext {
    readonly req?: { readonly headers: IncomingHttpHeaders; readonly socket: { readonly remoteAddress?: string | undefined } };
}

/** Proxies on this machine (a TLS terminator beside the API): the client is the address they forward. */
const isTrustedProxy = proxyaddr.compile('loopback');

/**
 * The client's address, by which requests without a valid token are rate-limited: the socket's peer, or, while
 * that is a trusted proxy, the address it names last in `X-Forwarded-For` (as Express's `trust proxy` reads it).
 */
function addressOf(server: ApiServerContext): string {
    const header = server.req?.headers['x-forwarded-for'] ?? [];
    const forwarded = [header].flat().flatMap((value) => value.split(',')).map((hop) => hop.trim()).filter((hop) => hop !== '');
    let address = server.req?.socket.remoteAddress ?? 'unknown';
    for (let hop = 0; forwarded.length > 0 && isTrustedProxy(address, hop); hop++) {
        address = forwarded.pop() ?? address;
    }
    return address;
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

    async function admit(request: Request, server: ApiServerContext): Promise<Caller | undefined> {
        let caller: Caller | undefined;
        try {
            const token = bearerTokenOf(request.headers.get('authorization'));
            caller = token === undefined ? undefined : await tokens.verify(token);
        } catch (refusal) {
            await rateLimiter.admitAddress(addressOf(server));
            throw refusal;
        }
        await (caller === undefined ? rateLimiter.admitAddress(addressOf(server)) : rateLimiter.admitCaller(caller));
        return caller;
    }

    return {
        plugin: {
            async onParams({ request, context }) {
                const caller = await admit(request, context);
                if (caller !== undefined) {
                    callers.set(request, caller);
                }
            },
        },
        callerOf: (request) => callers.get(request),
    };
}
