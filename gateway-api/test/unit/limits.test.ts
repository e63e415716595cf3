import { expect } from 'chai';
import { QUERY_LIMITS } from '../../src/limits/query-limits.js';
import { DEFAULT_RATE_LIMITS } from '../../src/limits/rate-limit.js';
import {
    type ApiYoga,
    errorCodes,
    fromAddress,
    MEMBER_CLAIMS,
    postGraphql,
    signedToken,
    testSigningKey,
    testVerifier,
    testYoga,
    type GraphqlResponse,
    type TestSigningKey,
} from '../support/tokens.js';

/** `{ __type { ofType { … { name } } } }`: depth = levels of ofType + 2. */
const typeChain = (depth: number): string => `{ __type(name: "Query") { ${'ofType { '.repeat(depth - 2)}name${' }'.repeat(depth - 2)} } }`;
/** graphql-armor lets `__typename` be aliased freely; other fields count. */
const aliases = (count: number): string => `{ ${Array.from({ length: count }, (_, i) => `a${i}: __type(name: "Query") { name }`).join(' ')} }`;
const directives = (count: number): string => `{ ${'__typename @skip(if: false) '.repeat(count)}}`;
/** Exactly `count` tokens, in selections of 9 (graphql-js caps the comparisons of many equal fields). */
const tokens = (count: number): string => {
    const selections = Math.floor((count - 2) / 9);
    return `{ ${'__type(name: "Query") { name } '.repeat(selections)}${'__typename '.repeat(count - 2 - 9 * selections)}}`;
};
/** Depth 10 but fanning out through fragments: each `__type` here costs about 2,827 (graphql-armor's count). */
const TYPE_TREE = [
    'fragment A on __Type { name kind ofType { ...B } interfaces { ...B } possibleTypes { ...B } }',
    'fragment B on __Type { name kind ofType { ...C } interfaces { ...C } possibleTypes { ...C } }',
    'fragment C on __Type { name kind description specifiedByURL isOneOf }',
].join(' ');
const typeTrees = (count: number): string =>
    `{ ${Array.from({ length: count }, (_, i) => `t${i}: __type(name: "Query") { ...A }`).join(' ')} } ${TYPE_TREE}`;

function expectTooComplex(response: GraphqlResponse, reason: string): void {
    expect(response.status).to.equal(400);
    expect(response.body).not.to.have.property('data');
    const refusal = response.body.errors?.find((error) => error.extensions?.code === 'QUERY_TOO_COMPLEX');
    expect(refusal?.extensions).to.deep.equal({ code: 'QUERY_TOO_COMPLEX', reason });
    expect(refusal?.message).to.match(/limit of \d+ exceeded/);
}

describe('access limits', () => {
    let key: TestSigningKey;
    let yoga: ApiYoga;
    let token: string;

    before(async () => {
        key = await testSigningKey();
        yoga = testYoga(testVerifier(key));
        token = await signedToken(key);
    });

    describe('query limits (graphql-armor) refuse with QUERY_TOO_COMPLEX (400) before anything runs', () => {
        const cases: [string, string, (n: number) => string, number][] = [
            ['depth', 'MAX_DEPTH', typeChain, QUERY_LIMITS.maxDepth],
            ['aliases', 'MAX_ALIASES', aliases, QUERY_LIMITS.maxAliases],
            ['directives', 'MAX_DIRECTIVES', directives, QUERY_LIMITS.maxDirectives],
            ['tokens', 'MAX_TOKENS', tokens, QUERY_LIMITS.maxTokens],
        ];
        for (const [name, reason, query, limit] of cases) {
            it(`${name}: admits ${limit}, refuses ${limit + 1}`, async () => {
                const admitted = await postGraphql(yoga, query(limit), { token });
                expect(admitted.status, JSON.stringify(admitted.body)).to.equal(200);
                expect(admitted.body.errors).to.equal(undefined);
                expectTooComplex(await postGraphql(yoga, query(limit + 1), { token }), reason);
            });
        }

        it(`cost: admits 7 wide type trees (≈ 19,800), refuses 8 (≈ 22,600; limit ${QUERY_LIMITS.maxCost})`, async () => {
            const admitted = await postGraphql(yoga, typeTrees(7), { token });
            expect(admitted.status, JSON.stringify(admitted.body)).to.equal(200);
            expectTooComplex(await postGraphql(yoga, typeTrees(8), { token }), 'MAX_COST');
        });

        it('refuses before authentication: a caller without a token learns nothing more', async () => {
            expectTooComplex(await postGraphql(yoga, typeChain(QUERY_LIMITS.maxDepth + 1)), 'MAX_DEPTH');
        });

        it('hides field suggestions from unknown-field errors', async () => {
            const response = await postGraphql(yoga, '{ mee { subject } }', { token });
            expect(errorCodes(response)).to.deep.equal(['GRAPHQL_VALIDATION_FAILED']);
            expect(JSON.stringify(response.body)).not.to.match(/Did you mean/);
        });
    });

    describe('rate limits refuse with RATE_LIMITED (429) and when to retry', () => {
        const window = { points: 3, durationSeconds: 60 };

        function expectRateLimited(response: GraphqlResponse): void {
            expect(response.status).to.equal(429);
            expect(errorCodes(response)).to.deep.equal(['RATE_LIMITED']);
            const retryAfter = response.body.errors?.[0]?.extensions?.retryAfter;
            expect(retryAfter).to.be.a('number').within(1, window.durationSeconds);
            expect(response.headers.get('retry-after')).to.equal(String(retryAfter));
            expect(response.headers.get('x-request-id')).to.be.a('string');
        }

        it('counts per caller, before parsing: one caller’s excess leaves others alone', async () => {
            const limited = testYoga(testVerifier(key), { rateLimits: { ...DEFAULT_RATE_LIMITS, perCaller: window } });
            for (let i = 0; i < window.points; i++) {
                expect((await postGraphql(limited, '{ me { subject } }', { token })).status).to.equal(200);
            }
            expectRateLimited(await postGraphql(limited, '{ me { subject } }', { token }));
            expectRateLimited(await postGraphql(limited, '{ not GraphQL', { token }));
            const colleague = await postGraphql(limited, '{ me { subject } }', { token: await signedToken(key, { sub: 'dora' }) });
            expect(colleague.body.data).to.deep.equal({ me: { subject: 'dora' } });
            const sameNameElsewhere = await postGraphql(limited, '{ me { club } }', { token: await signedToken(key, { club: 'HarbourMSP' }) });
            expect(sameNameElsewhere.body.data).to.deep.equal({ me: { club: 'HarbourMSP' } });
        });

        it('counts requests without a token per client address', async () => {
            const limited = testYoga(testVerifier(key), { rateLimits: { ...DEFAULT_RATE_LIMITS, perAddress: window } });
            const from = (address: string) => ({ server: fromAddress(address) });
            for (let i = 0; i < window.points; i++) {
                expect((await postGraphql(limited, '{ __typename }', from('198.51.100.7'))).status).to.equal(200);
            }
            expectRateLimited(await postGraphql(limited, '{ __typename }', from('198.51.100.7')));
            expect((await postGraphql(limited, '{ __typename }', from('198.51.100.8'))).status).to.equal(200);
            expect((await postGraphql(limited, '{ __typename }', { token })).status, 'a caller has their own window').to.equal(200);
        });

        it('counts refused tokens against the address too, so guessing is throttled', async () => {
            const limited = testYoga(testVerifier(key), { rateLimits: { ...DEFAULT_RATE_LIMITS, perAddress: window } });
            const forged = await signedToken(await testSigningKey(), MEMBER_CLAIMS);
            for (let i = 0; i < window.points; i++) {
                expect(errorCodes(await postGraphql(limited, '{ __typename }', { token: forged }))).to.deep.equal(['UNAUTHENTICATED']);
            }
            expectRateLimited(await postGraphql(limited, '{ __typename }', { token: forged }));
        });

        it('takes the address a proxy on this machine forwarded, and only from such a proxy', async () => {
            const limited = testYoga(testVerifier(key), { rateLimits: { ...DEFAULT_RATE_LIMITS, perAddress: { points: 1, durationSeconds: 60 } } });
            const relayed = (client: string) => ({ server: fromAddress('127.0.0.1', client) });
            expect((await postGraphql(limited, '{ __typename }', relayed('203.0.113.9'))).status).to.equal(200);
            expectRateLimited(await postGraphql(limited, '{ __typename }', relayed('203.0.113.9')));
            expect((await postGraphql(limited, '{ __typename }', relayed('203.0.113.10'))).status, 'another client behind the proxy').to.equal(200);
            const spoofing = (claimed: string) => ({ server: fromAddress('198.51.100.20', claimed) });
            expect((await postGraphql(limited, '{ __typename }', spoofing('203.0.113.11'))).status).to.equal(200);
            // A header from a peer that is no proxy of ours names no one: the peer is counted.
            expectRateLimited(await postGraphql(limited, '{ __typename }', spoofing('203.0.113.12')));
        });
    });
});
