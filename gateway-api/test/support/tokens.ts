import { randomUUID } from 'node:crypto';
import { base64url, createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../src/auth/issuer.js';
import { JwtVerifier } from '../../src/auth/jwt-verifier.js';
import type { TokenKeys } from '../../src/auth/token-keys.js';
import type { TokenVerifier } from '../../src/auth/token-verifier.js';
import type { Caller } from '../../src/caller.js';
import type { ApiServices } from '../../src/context.js';
import { createApiYoga, type ApiServerContext, type ApiYogaOptions } from '../../src/yoga.js';

export type TestAlgorithm = 'ES256' | 'RS256' | 'EdDSA';

/** An issuer's key pair for tests: the private key signs, the public one goes into the API's key set. */
export interface TestSigningKey {
    readonly alg: TestAlgorithm;
    readonly privateKey: CryptoKey;
    readonly publicJwk: JWK;
    readonly publicPem: string;
}

export async function testSigningKey(alg: TestAlgorithm = 'ES256'): Promise<TestSigningKey> {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid: randomUUID(), alg, use: 'sig' };
    return { alg, privateKey, publicJwk, publicPem: await exportSPKI(publicKey) };
}

export function testTokenKeys(...keys: readonly TestSigningKey[]): TokenKeys {
    return createLocalJWKSet({ keys: keys.map((key) => key.publicJwk) });
}

export const STAFF_CLAIMS = { sub: 'alice', club: 'AlpineMSP', role: 'staff' } as const;
export const MEMBER_CLAIMS = { sub: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' } as const;

/** The people the API's tests act as: every role at Alpine, and Harbour's admin and staff. */
export const CALLERS = {
    alpineAdmin: { subject: 'carol', club: 'AlpineMSP', role: 'admin' },
    alpineStaff: { subject: 'alice', club: 'AlpineMSP', role: 'staff' },
    alpineAuditor: { subject: 'dora', club: 'AlpineMSP', role: 'auditor' },
    alpineMember: { subject: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' },
    harbourAdmin: { subject: 'hugo', club: 'HarbourMSP', role: 'admin' },
    harbourStaff: { subject: 'hanna', club: 'HarbourMSP', role: 'staff' },
} as const satisfies Record<string, Caller>;
export type CallerName = keyof typeof CALLERS;

const now = (): number => Math.floor(Date.now() / 1000);

/**
 * A valid payload for the local issuer (issued now, five minutes to live) with `overrides` applied;
 * an override of `undefined` leaves the claim out.
 */
export function payloadOf(overrides: Readonly<Record<string, unknown>> = {}): JWTPayload {
    const payload: Record<string, unknown> = {
        ...STAFF_CLAIMS,
        iss: LOCAL_TOKEN_ISSUER,
        aud: API_TOKEN_AUDIENCE,
        iat: now(),
        exp: now() + 300,
        ...overrides,
    };
    return Object.fromEntries(Object.entries(payload).filter(([, value]) => value !== undefined));
}

/** Seconds from now, for `exp`, `nbf` and `iat`. */
export function secondsFromNow(seconds: number): number {
    return now() + seconds;
}

export async function signedToken(key: TestSigningKey, overrides: Readonly<Record<string, unknown>> = {}): Promise<string> {
    return new SignJWT(payloadOf(overrides)).setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid, typ: 'JWT' }).sign(key.privateKey);
}

/** A token naming `caller`: its subject, club, role and, for a member, member number. */
export function callerToken(key: TestSigningKey, caller: Caller): Promise<string> {
    return signedToken(key, { sub: caller.subject, club: caller.club, role: caller.role, memberNumber: caller.memberNumber });
}

/** A token for each named caller. */
export async function callerTokens<Name extends string>(key: TestSigningKey, callers: Readonly<Record<Name, Caller>>): Promise<Record<Name, string>> {
    const entries = await Promise.all(Object.entries<Caller>(callers).map(async ([name, caller]) => [name, await callerToken(key, caller)] as const));
    return Object.fromEntries(entries) as Record<Name, string>;
}

/** A token signed with HMAC-SHA256 under `secret`: the classic confusion attack passes the public key's bytes. */
export async function hmacToken(secret: string, kid?: string, overrides: Readonly<Record<string, unknown>> = {}): Promise<string> {
    return new SignJWT(payloadOf(overrides)).setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
}

/** An unsecured token (`alg: none`, empty signature). */
export function unsignedToken(overrides: Readonly<Record<string, unknown>> = {}): string {
    const encode = (value: unknown): string => base64url.encode(JSON.stringify(value));
    return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payloadOf(overrides))}.`;
}

export function testVerifier(key: TestSigningKey): JwtVerifier {
    return new JwtVerifier({ keys: testTokenKeys(key), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });
}

/** Services that fail any request reaching them, but for those given: the security layer's tests reach none. */
export function unreachableServices(given: Partial<ApiServices> = {}): ApiServices {
    return new Proxy(given as ApiServices, {
        get(services, name) {
            if (name in services) {
                return services[name as keyof ApiServices];
            }
            throw new Error(`the request reached the service ${String(name)}`);
        },
    });
}

export type ApiYoga = ReturnType<typeof createApiYoga>;

/** The API under test, quiet: masked errors are logged through `logging`, which tests may spy on. */
export function testYoga(tokens: TokenVerifier, options: Partial<ApiYogaOptions> = {}): ApiYoga {
    return createApiYoga({ services: unreachableServices(), tokens, logging: false, ...options });
}

export interface GraphqlResponse {
    readonly status: number;
    readonly headers: Headers;
    readonly body: {
        readonly data?: Record<string, unknown> | null;
        readonly errors?: readonly { readonly message: string; readonly extensions?: Record<string, unknown> }[];
    };
}

export interface GraphqlRequestOptions {
    readonly token?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly variables?: Readonly<Record<string, unknown>>;
    /** What the HTTP server hands Yoga: where the request came from (see `fromAddress`). */
    readonly server?: ApiServerContext;
}

/** The server context of a request from `address`, optionally relayed with an `X-Forwarded-For` header. */
export function fromAddress(address: string, forwardedFor?: string): ApiServerContext {
    return { req: { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }, socket: { remoteAddress: address } } };
}

/** POSTs one operation through `yoga.fetch`, as a client would, without a socket. */
export async function postGraphql(yoga: ApiYoga, query: string, options: GraphqlRequestOptions = {}): Promise<GraphqlResponse> {
    const response = await yoga.fetch(
        'http://api.test/graphql',
        {
            method: 'POST',
            headers: {
                'content-type': 'application/json',
                accept: 'application/graphql-response+json',
                ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
                ...options.headers,
            },
            body: JSON.stringify({ query, variables: options.variables }),
        },
        options.server ?? fromAddress('192.0.2.1'),
    );
    return { status: response.status, headers: response.headers, body: (await response.json()) as GraphqlResponse['body'] };
}

/** The `extensions.code`s of a response's errors. */
export function errorCodes(response: GraphqlResponse): unknown[] {
    return (response.body.errors ?? []).map((error) => error.extensions?.code);
}

/** The data of a response that must carry no error. */
export function dataOf(response: GraphqlResponse): Record<string, unknown> {
    if (response.body.errors !== undefined) {
        throw new Error(`expected no errors, got ${JSON.stringify(response.body.errors)}`);
    }
    return response.body.data ?? {};
}

/** The one error of a response that must carry exactly one. */
export function onlyError(response: GraphqlResponse): { readonly message: string; readonly extensions?: Record<string, unknown> } {
    const [error, ...others] = response.body.errors ?? [];
    if (error === undefined || others.length > 0) {
        throw new Error(`expected one error, got ${JSON.stringify(response.body)}`);
    }
    return error;
}
