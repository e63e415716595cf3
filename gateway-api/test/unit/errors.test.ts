import { expect } from 'chai';
import { GraphQLError, locatedError } from 'graphql';
import sinon from 'sinon';
import type { TokenVerifier } from '../../src/auth/token-verifier.js';
import { ApiError, maskError } from '../../src/errors.js';
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
    type TestSigningKey,
} from '../support/tokens.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SECRET_DETAIL = 'password authentication failed for user "rcn" at 10.0.0.5';

describe('errors clients see', () => {
    describe('maskError', () => {
        it('passes an ApiError as it is, its cause unserialized', () => {
            const error = new ApiError('LEDGER_UNAVAILABLE', 'the ledger is unavailable', { cause: new Error(SECRET_DETAIL) });
            expect(maskError(error, 'Unexpected error.')).to.equal(error);
            expect(JSON.stringify(error.toJSON())).not.to.include('rcn');
        });

        it('passes an ApiError a resolver threw, as graphql-js located it', () => {
            const located = locatedError(new ApiError('FORBIDDEN', 'not yours', { cause: new Error(SECRET_DETAIL) }), undefined, ['club']);
            expect(maskError(located, 'Unexpected error.')).to.equal(located);
            expect(located.toJSON()).to.deep.equal({ message: 'not yours', path: ['club'], extensions: { code: 'FORBIDDEN' } });
        });

        it('passes an error about the request itself, coded BAD_USER_INPUT unless it has a code', () => {
            const missing = new GraphQLError('Variable "$first" of required type "Int!" was not provided.');
            expect(maskError(missing, 'Unexpected error.').toJSON()).to.deep.equal({
                message: 'Variable "$first" of required type "Int!" was not provided.',
                extensions: { code: 'BAD_USER_INPUT' },
            });
            const syntax = new GraphQLError('Syntax Error: Unexpected <EOF>.', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
            expect(maskError(syntax, 'Unexpected error.')).to.equal(syntax);
        });

        for (const [name, error] of [
            ['an Error', new Error(SECRET_DETAIL)],
            ['an Error located in a field', locatedError(new Error(SECRET_DETAIL), undefined, ['club'])],
            ['a thrown string', SECRET_DETAIL],
            ['a plain GraphQLError a field raised', new GraphQLError(`String cannot represent value: ${SECRET_DETAIL}`, { path: ['club', 'name'] })],
            ['a plain GraphQLError a resolver threw', locatedError(new GraphQLError(SECRET_DETAIL, { extensions: { code: 'FORBIDDEN' } }), undefined, ['club'])],
        ] as const) {
            it(`hides ${name} behind a generic INTERNAL_SERVER_ERROR, even in development`, () => {
                const environment = process.env.NODE_ENV;
                process.env.NODE_ENV = 'development';
                try {
                    const masked = maskError(error, 'Unexpected error.');
                    const json = masked.toJSON();
                    expect(json.message).to.equal('Unexpected error.');
                    expect(json.extensions).to.include({ code: 'INTERNAL_SERVER_ERROR' });
                    expect(JSON.stringify(json)).not.to.match(/rcn|originalError|stack/);
                } finally {
                    if (environment === undefined) {
                        delete process.env.NODE_ENV;
                    } else {
                        process.env.NODE_ENV = environment;
                    }
                }
            });
        }

        it('keeps RATE_LIMITED’s retry-after for the client and its HTTP status for Yoga only', () => {
            const error = new ApiError('RATE_LIMITED', 'too many requests: try again later', { retryAfterSeconds: 12 });
            expect(error.extensions).to.deep.equal({
                code: 'RATE_LIMITED',
                retryAfter: 12,
                http: { status: 429, headers: { 'Retry-After': '12' } },
            });
        });
    });

    describe('through the API', () => {
        const logger = { debug: sinon.spy(), info: sinon.spy(), warn: sinon.spy(), error: sinon.spy() };
        let key: TestSigningKey;
        let yoga: ApiYoga;
        let token: string;

        before(async () => {
            key = await testSigningKey();
            yoga = testYoga(testVerifier(key), { logging: logger });
            token = await signedToken(key);
        });

        afterEach(() => {
            logger.error.resetHistory();
        });

        it('masks an unexpected failure: a generic message for the client, the original in the server log', async () => {
            const broken: TokenVerifier = { verify: () => Promise.reject(new Error(SECRET_DETAIL)) };
            const response = await postGraphql(testYoga(broken, { logging: logger }), '{ me { subject } }', { token });
            expect(response.status).to.equal(500);
            expect(response.body).to.deep.equal({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
            sinon.assert.called(logger.error);
            expect(logger.error.getCalls().every((call) => String(call.args[0]).includes(SECRET_DETAIL))).to.equal(true);
        });

        it('masks a resolver’s unexpected failure but keeps the other fields’ data', async () => {
            // The services of these tests throw whenever a request reaches them: here the read model.
            const response = await postGraphql(yoga, '{ me { subject } club(channel: "atlantic", mspId: "AlpineMSP") { name } }', { token });
            expect(response.status).to.equal(200);
            expect(response.body).to.deep.equal({
                data: { me: { subject: 'alice' }, club: null },
                errors: [{ message: 'Unexpected error.', locations: [{ line: 1, column: 18 }], path: ['club'], extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
            });
            sinon.assert.called(logger.error);
        });

        it('passes a resolver’s ApiError as it is', async () => {
            const member = await signedToken(key, MEMBER_CLAIMS);
            const response = await postGraphql(yoga, '{ club(channel: "atlantic", mspId: "AlpineMSP") { name } }', { token: member });
            expect(response.status).to.equal(200);
            expect(response.body.errors).to.deep.equal([
                { message: 'the role member may not read this', locations: [{ line: 1, column: 3 }], path: ['club'], extensions: { code: 'FORBIDDEN' } },
            ]);
            sinon.assert.notCalled(logger.error);
        });

        it('locates a resolver’s error in a document of several lines', async () => {
            const member = await signedToken(key, MEMBER_CLAIMS);
            const query = 'query Clubs {\n  me { subject }\r\n  club(channel: "atlantic", mspId: "AlpineMSP") { name }\n}';
            const response = await postGraphql(yoga, query, { token: member });
            expect(response.body.errors?.map((error) => [error.extensions?.code, (error as { locations?: unknown }).locations])).to.deep.equal([
                ['FORBIDDEN', [{ line: 3, column: 3 }]],
            ]);
        });

        it('passes ApiErrors without logging them', async () => {
            const response = await postGraphql(yoga, '{ me { subject } }');
            expect(errorCodes(response)).to.deep.equal(['UNAUTHENTICATED']);
            sinon.assert.notCalled(logger.error);
        });

        it('keeps errors about the client’s own document and variables, with a code', async () => {
            const syntax = await postGraphql(yoga, '{ me { subject }', { token });
            expect(syntax.status).to.equal(400);
            expect(syntax.body.errors?.[0]).to.deep.include({ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
            const variables = await postGraphql(yoga, 'query ($name: String!) { __type(name: $name) { name } }', { token, variables: { name: 5 } });
            expect(variables.status).to.equal(400);
            expect(variables.body.errors?.[0]?.message).to.match(/^Variable "\$name" got invalid value 5/);
            expect(errorCodes(variables)).to.deep.equal(['BAD_USER_INPUT']);
        });

        describe('request IDs', () => {
            it('names every response, refusals included, each with its own ID', async () => {
                const responses = await Promise.all([
                    postGraphql(yoga, '{ me { subject } }', { token }),
                    postGraphql(yoga, '{ me { subject } }'),
                    postGraphql(yoga, '{ nothing }', { token }),
                    postGraphql(yoga, '{', { token }),
                ]);
                expect(responses.map((response) => response.status)).to.deep.equal([200, 401, 400, 400]);
                const ids = responses.map((response) => response.headers.get('x-request-id'));
                for (const id of ids) {
                    expect(id).to.match(UUID);
                }
                expect(new Set(ids).size).to.equal(ids.length);
            });

            it('names a response outside GraphQL too', async () => {
                const response = await yoga.fetch('http://api.test/elsewhere', {}, fromAddress('192.0.2.1'));
                expect(response.status).to.equal(404);
                expect(response.headers.get('x-request-id')).to.match(UUID);
            });

            it('keeps the ID a proxy forwarded, when it is a plain token', async () => {
                const response = await postGraphql(yoga, '{ __typename }', { headers: { 'x-request-id': 'edge-7f3a.42' } });
                expect(response.headers.get('x-request-id')).to.equal('edge-7f3a.42');
            });

            it('replaces a forwarded ID that is not a plain token', async () => {
                for (const forwarded of ['two words', '<script>', 'x'.repeat(129)]) {
                    const response = await postGraphql(yoga, '{ __typename }', { headers: { 'x-request-id': forwarded } });
                    expect(response.headers.get('x-request-id')).to.match(UUID);
                }
            });
        });
    });
});
