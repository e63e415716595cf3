import { stat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { decodeProtectedHeader } from 'jose';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../src/auth/issuer.js';
import { JwtVerifier } from '../../src/auth/jwt-verifier.js';
import { LOCAL_JWKS_FILE, LocalIssuer } from '../../src/auth/local-issuer.js';
import { loadTokenKeys, localTokenKeys, remoteTokenKeys, type TokenKeys } from '../../src/auth/token-keys.js';
import { VerifiedTokens } from '../../src/auth/verified-tokens.js';
import { ApiError } from '../../src/errors.js';
import {
    type ApiYoga,
    errorCodes,
    hmacToken,
    MEMBER_CLAIMS,
    postGraphql,
    secondsFromNow,
    signedToken,
    STAFF_CLAIMS,
    testSigningKey,
    testTokenKeys,
    testVerifier,
    testYoga,
    type GraphqlResponse,
    type TestSigningKey,
    unsignedToken,
} from '../support/tokens.js';

const ME = '{ me { subject club role memberNumber } }';

function expectRefused(response: GraphqlResponse, token: string | undefined, reason = 'TOKEN_INVALID'): void {
    expect(response.status).to.equal(401);
    expect(response.headers.get('www-authenticate')).to.equal('Bearer');
    expect(response.body.data ?? null).to.equal(null);
    expect(errorCodes(response)).to.deep.equal(['UNAUTHENTICATED']);
    const [error] = response.body.errors ?? [];
    expect(error?.extensions).to.deep.equal({ code: 'UNAUTHENTICATED', reason });
    const text = JSON.stringify(response.body);
    expect(text).not.to.match(/stack|originalError| {4}at /);
    if (token !== undefined) {
        expect(text).not.to.include(token);
        const payload = token.split('.')[1] ?? '';
        expect(payload.length < 16 || !text.includes(payload)).to.equal(true);
    }
}

describe('authentication: JWT bearer tokens', () => {
    let key: TestSigningKey;
    let yoga: ApiYoga;

    before(async () => {
        key = await testSigningKey('ES256');
        yoga = testYoga(testVerifier(key));
    });

    describe('admits', () => {
        for (const alg of ['ES256', 'RS256', 'EdDSA'] as const) {
            it(`a staff token signed with ${alg} by a key of the issuer`, async () => {
                const algorithmKey = await testSigningKey(alg);
                const response = await postGraphql(testYoga(testVerifier(algorithmKey)), ME, { token: await signedToken(algorithmKey) });
                expect(response.status).to.equal(200);
                expect(response.body).to.deep.equal({ data: { me: { subject: 'alice', club: 'AlpineMSP', role: 'staff', memberNumber: null } } });
            });
        }

        it('a member token with its member number', async () => {
            const response = await postGraphql(yoga, ME, { token: await signedToken(key, MEMBER_CLAIMS) });
            expect(response.body.data).to.deep.equal({ me: { subject: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' } });
        });

        it('a token expired within the clock tolerance (5 s)', async () => {
            const response = await postGraphql(yoga, ME, { token: await signedToken(key, { exp: secondsFromNow(-2) }) });
            expect(response.status).to.equal(200);
        });

        it('a request without a token to `__typename` only', async () => {
            const response = await postGraphql(yoga, '{ __typename }');
            expect(response.body).to.deep.equal({ data: { __typename: 'Query' } });
        });
    });

    describe('refuses with UNAUTHENTICATED (401), telling neither the token nor a stack', () => {
        it('a forged signature: another key under the issuer key ID', async () => {
            const forger = await testSigningKey('ES256');
            const token = await signedToken({ ...forger, publicJwk: { ...forger.publicJwk, kid: key.publicJwk.kid } }, { role: 'admin' });
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('a payload changed after signing (staff → admin)', async () => {
            const [header, , signature] = (await signedToken(key)).split('.');
            const [, payload] = (await signedToken(key, { role: 'admin' })).split('.');
            const token = `${header ?? ''}.${payload ?? ''}.${signature ?? ''}`;
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('an expired token, with the reason TOKEN_EXPIRED', async () => {
            const token = await signedToken(key, { iat: secondsFromNow(-3600), exp: secondsFromNow(-60) });
            const response = await postGraphql(yoga, ME, { token });
            expectRefused(response, token, 'TOKEN_EXPIRED');
            expect(response.body.errors?.[0]?.message).to.equal('the token has expired');
        });

        it('a token not valid yet (nbf beyond the tolerance)', async () => {
            const token = await signedToken(key, { nbf: secondsFromNow(120) });
            const response = await postGraphql(yoga, ME, { token });
            expectRefused(response, token);
            expect(response.body.errors?.[0]?.message).to.equal('the token is not valid yet');
        });

        it('a token for another audience', async () => {
            const token = await signedToken(key, { aud: 'some-other-api' });
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('a token from another issuer', async () => {
            const token = await signedToken(key, { iss: 'https://evil.example' });
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('an unsecured token (alg: none)', async () => {
            const token = unsignedToken({ role: 'admin' });
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('an HS256 token whose secret is the public key (PEM or JWK): algorithm confusion', async () => {
            for (const secret of [key.publicPem, JSON.stringify(key.publicJwk)]) {
                const token = await hmacToken(secret, key.publicJwk.kid);
                const response = await postGraphql(yoga, ME, { token });
                expectRefused(response, token);
                expect(response.body.errors?.[0]?.message).to.match(/algorithm is not accepted/);
            }
        });

        it('a token without an expiry', async () => {
            const token = await signedToken(key, { exp: undefined });
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        const invalidClaims: [string, Record<string, unknown>, string][] = [
            ['without a subject', { sub: undefined }, 'sub'],
            ['without a club', { club: undefined }, 'club'],
            ['whose club is no MSP ID', { club: 'Alpine MSP; DROP' }, 'club'],
            ['without a role', { role: undefined }, 'role'],
            ['with an unknown role', { role: 'superuser' }, 'role'],
            ['of a member without a member number', { ...MEMBER_CLAIMS, memberNumber: undefined }, 'memberNumber'],
            ['of a member with a malformed member number', { ...MEMBER_CLAIMS, memberNumber: '42' }, 'memberNumber'],
            ['of staff carrying a member number', { ...STAFF_CLAIMS, memberNumber: 'ALP000001' }, 'memberNumber'],
        ];
        for (const [name, overrides, claim] of invalidClaims) {
            it(`a token ${name}, naming the claim`, async () => {
                const token = await signedToken(key, overrides);
                const response = await postGraphql(yoga, ME, { token });
                expectRefused(response, token);
                expect(response.body.errors?.[0]?.message).to.equal(`the token's claims are not valid: ${claim}`);
            });
        }

        it('a token signed by a key the issuer does not publish', async () => {
            const token = await signedToken(await testSigningKey('ES256'));
            expectRefused(await postGraphql(yoga, ME, { token }), token);
        });

        it('a garbled token, even for `__typename`: a token sent is never ignored', async () => {
            expectRefused(await postGraphql(yoga, '{ __typename }', { token: 'not.a.jwt' }), 'not.a.jwt');
        });

        it('an Authorization header that is not "Bearer <token>"', async () => {
            for (const authorization of ['Basic YWxpY2U6c2VjcmV0', 'Bearer', 'Bearer a b']) {
                expectRefused(await postGraphql(yoga, '{ __typename }', { headers: { authorization } }), undefined);
            }
        });

        it('a valid token naming a club this deployment does not act for', async () => {
            const alpineOnly = testYoga(new JwtVerifier({ keys: testTokenKeys(key), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE, clubs: ['AlpineMSP'] }));
            expect((await postGraphql(alpineOnly, ME, { token: await signedToken(key) })).status).to.equal(200);
            const token = await signedToken(key, { club: 'HarbourMSP' });
            expectRefused(await postGraphql(alpineOnly, ME, { token }), token);
        });
    });

    describe('refuses a request without a token, with the reason TOKEN_MISSING', () => {
        const anonymous: [string, string][] = [
            ['a query', ME],
            ['introspection', '{ __schema { queryType { name } } }'],
            ['a field behind `__typename`', '{ __typename me { subject } }'],
            ['a field in a fragment', '{ ...Q } fragment Q on Query { me { subject } }'],
            ['a field a directive skips: the rule reads the document, not the variables', '{ __typename me @skip(if: true) { subject } }'],
        ];
        for (const [name, query] of anonymous) {
            it(name, async () => {
                expectRefused(await postGraphql(yoga, query), undefined, 'TOKEN_MISSING');
            });
        }
    });

    describe('JwtVerifier', () => {
        it('accepts a clock tolerance of at most 30 s', () => {
            const options = { keys: testTokenKeys(key), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE };
            expect(() => new JwtVerifier({ ...options, clockToleranceSeconds: 30 })).not.to.throw();
            expect(() => new JwtVerifier({ ...options, clockToleranceSeconds: 31 })).to.throw(RangeError);
            expect(() => new JwtVerifier({ ...options, clockToleranceSeconds: -1 })).to.throw(RangeError);
        });

        it('throws ApiError UNAUTHENTICATED, keeping jose’s error only as the unserialized cause', async () => {
            const error: unknown = await testVerifier(key).verify(unsignedToken()).catch((refusal: unknown) => refusal);
            expect(error).to.be.instanceOf(ApiError);
            expect((error as ApiError).toJSON()).to.deep.equal({
                message: "the token's algorithm is not accepted (use one of RS256, ES256, EdDSA, Ed25519)",
                extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID', http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer' } } },
            });
        });
    });

    describe('verified tokens', () => {
        /** The key set, counting how often a token's key was looked up: once per signature checked. */
        function countingKeys(): { keys: TokenKeys; lookups: () => number } {
            const keys = testTokenKeys(key);
            let lookups = 0;
            return {
                keys: (header, token) => {
                    lookups += 1;
                    return keys(header, token);
                },
                lookups: () => lookups,
            };
        }

        it('checks a token’s signature once, then takes the token on its word until it expires', async () => {
            const counted = countingKeys();
            const verifier = new JwtVerifier({ keys: counted.keys, issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });
            const token = await signedToken(key);
            for (let i = 0; i < 3; i++) {
                expect(await verifier.verify(token)).to.deep.equal({ subject: 'alice', club: 'AlpineMSP', role: 'staff' });
            }
            expect(counted.lookups()).to.equal(1);
            expect(await verifier.verify(await signedToken(key, { sub: 'carol' }))).to.include({ subject: 'carol' });
            expect(counted.lookups(), 'another token is checked on its own').to.equal(2);
        });

        it('never remembers a token it refused', async () => {
            const counted = countingKeys();
            const verifier = new JwtVerifier({ keys: counted.keys, issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE, clubs: ['HarbourMSP'] });
            const elsewhere = await signedToken(key);
            for (let i = 0; i < 2; i++) {
                const refused = await verifier.verify(elsewhere).catch((error: unknown) => error);
                expect(refused).to.be.instanceOf(ApiError).with.property('message', 'this API does not act for the club AlpineMSP');
            }
            expect(counted.lookups()).to.equal(2);
        });

        it('forgets a token at its expiry', async () => {
            const verified = new VerifiedTokens();
            const caller = { subject: 'alice', club: 'AlpineMSP', role: 'staff' } as const;
            verified.remember('expired', caller, Date.now() / 1000 - 1);
            verified.remember('brief', caller, Date.now() / 1000 + 0.05);
            expect(verified.callerOf('expired')).to.equal(undefined);
            expect(verified.callerOf('brief')).to.equal(caller);
            await new Promise((resolve) => setTimeout(resolve, 80));
            expect(verified.callerOf('brief')).to.equal(undefined);
        });

        it('holds a bounded number of tokens, the least recently used leaving first', () => {
            const verified = new VerifiedTokens(2);
            const caller = { subject: 'alice', club: 'AlpineMSP', role: 'staff' } as const;
            const inAnHour = Date.now() / 1000 + 3600;
            verified.remember('first', caller, inAnHour);
            verified.remember('second', caller, inAnHour);
            verified.callerOf('first');
            verified.remember('third', caller, inAnHour);
            expect(['first', 'second', 'third'].map((token) => verified.callerOf(token) !== undefined)).to.deep.equal([true, false, true]);
        });
    });

    describe('token keys', () => {
        const verifierWith = (keys: TokenKeys) => new JwtVerifier({ keys, issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });

        it('reads a PEM public key', async () => {
            const caller = await verifierWith(localTokenKeys(key.publicPem)).verify(await signedToken(key));
            expect(caller).to.deep.equal({ subject: 'alice', club: 'AlpineMSP', role: 'staff' });
        });

        it('reads a JWKS file', async () => {
            const directory = await mkdtemp(join(tmpdir(), 'rcn-jwks-'));
            try {
                await writeFile(join(directory, 'jwks.json'), JSON.stringify({ keys: [key.publicJwk] }));
                const caller = await verifierWith(await loadTokenKeys(join(directory, 'jwks.json'))).verify(await signedToken(key, MEMBER_CLAIMS));
                expect(caller).to.deep.equal({ subject: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' });
            } finally {
                await rm(directory, { recursive: true });
            }
        });

        it('starts without the JWKS file, refuses tokens until it appears, and reads it again for a key made since', async () => {
            const directory = await mkdtemp(join(tmpdir(), 'rcn-jwks-'));
            try {
                const file = join(directory, 'jwks.json');
                const verifier = verifierWith(await loadTokenKeys(file));
                const early = await verifier.verify(await signedToken(key)).catch((error: unknown) => error);
                expect(early).to.be.instanceOf(ApiError).with.property('message', 'the token is not signed by a key of the issuer');
                await writeFile(file, JSON.stringify({ keys: [key.publicJwk] }));
                expect(await verifier.verify(await signedToken(key))).to.include({ subject: 'alice' });
                const rotated = await testSigningKey();
                await writeFile(file, JSON.stringify({ keys: [key.publicJwk, rotated.publicJwk] }));
                await new Promise((resolve) => setTimeout(resolve, 1_100));
                expect(await verifier.verify(await signedToken(rotated, { sub: 'carol' }))).to.include({ subject: 'carol' });
                await writeFile(file, 'not JSON');
                await new Promise((resolve) => setTimeout(resolve, 1_100));
                expect(await verifier.verify(await signedToken(key)), 'keys already read stay in use').to.include({ subject: 'alice' });
            } finally {
                await rm(directory, { recursive: true });
            }
        });

        it('refuses to start on a JWKS file that exists but holds no key set', async () => {
            const directory = await mkdtemp(join(tmpdir(), 'rcn-jwks-'));
            try {
                await writeFile(join(directory, 'jwks.json'), '{"keys": 42}');
                const refused = await loadTokenKeys(join(directory, 'jwks.json')).catch((error: unknown) => error);
                expect(refused).to.be.instanceOf(Error).with.property('message').that.matches(/JSON Web Key Set malformed/);
            } finally {
                await rm(directory, { recursive: true });
            }
        });

        it('refuses a JWKS document that is not one', () => {
            expect(() => localTokenKeys('{"keys": 42}')).to.throw(/JSON Web Key Set malformed/);
        });

        describe('from the issuer’s JWKS URL', () => {
            let server: Server;
            let jwksUrl: URL;
            let fetches = 0;

            before(async () => {
                server = createServer((_request, response) => {
                    fetches += 1;
                    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [key.publicJwk] }));
                });
                await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
                jwksUrl = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`);
            });

            after(async () => {
                await new Promise((resolve) => server.close(resolve));
            });

            it('fetches the keys once and verifies with them', async () => {
                const verifier = verifierWith(await loadTokenKeys(jwksUrl.href));
                expect(await verifier.verify(await signedToken(key))).to.include({ subject: 'alice' });
                expect(await verifier.verify(await signedToken(key, { sub: 'carol' }))).to.include({ subject: 'carol' });
                expect(fetches).to.equal(1);
            });

            it('refuses to fetch keys over plain HTTP from another machine', () => {
                expect(() => remoteTokenKeys(new URL('http://issuer.example/jwks.json'))).to.throw(/HTTPS/);
            });
        });
    });

    describe('the local issuer (scripts/issue-token.ts)', () => {
        let directory: string;

        beforeEach(async () => {
            directory = await mkdtemp(join(tmpdir(), 'rcn-issuer-'));
        });

        afterEach(async () => {
            await rm(directory, { recursive: true });
        });

        it('makes an ES256 key pair on first use, private key readable by its owner only, and publishes jwks.json', async () => {
            const issuer = await LocalIssuer.open(join(directory, 'jwt'));
            expect((await stat(join(directory, 'jwt', 'private-key.pem'))).mode & 0o777).to.equal(0o600);
            const jwks = JSON.parse(await readFile(join(directory, 'jwt', LOCAL_JWKS_FILE), 'utf8')) as { keys: Record<string, unknown>[] };
            expect(jwks.keys).to.deep.equal([issuer.publicJwk]);
            expect(jwks.keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
            expect(jwks.keys[0]).not.to.have.property('d');
        });

        it('keeps its key across runs', async () => {
            const first = await LocalIssuer.open(directory);
            const second = await LocalIssuer.open(directory);
            expect(second.publicJwk).to.deep.equal(first.publicJwk);
        });

        it('issues tokens the API accepts through its jwks.json', async () => {
            const issuer = await LocalIssuer.open(directory);
            const token = await issuer.issue({ sub: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' }, '8h');
            expect(decodeProtectedHeader(token)).to.deep.equal({ alg: 'ES256', kid: issuer.publicJwk.kid, typ: 'JWT' });
            const verifier = new JwtVerifier({
                keys: await loadTokenKeys(join(directory, LOCAL_JWKS_FILE)),
                issuer: LOCAL_TOKEN_ISSUER,
                audience: API_TOKEN_AUDIENCE,
            });
            expect(await verifier.verify(token)).to.deep.equal({ subject: 'bob', club: 'AlpineMSP', role: 'member', memberNumber: 'ALP000001' });
        });
    });
});
