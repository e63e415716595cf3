import type { AddressInfo } from 'node:net';
import { type Server, createServer } from 'node:http';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createHttpApp } from '../../src/http-app.js';
import { STAFF_CLAIMS, signedToken, testSigningKey, testVerifier, testYoga } from '../support/tokens.js';

/** The HTTP app over a real loopback socket: what `node gateway-api/dist/main.js` serves. */
describe('the HTTP server (real socket)', () => {
    let server: Server;
    let base: string;
    let ready = true;
    let token: string;

    before(async () => {
        const key = await testSigningKey();
        token = await signedToken(key, STAFF_CLAIMS);
        const registry = new Registry();
        const app = createHttpApp(testYoga(testVerifier(key)), registry, { postgres: () => Promise.resolve(ready), nats: () => true });
        server = await new Promise<Server>((resolve) => {
            const listening = createServer(app).listen(0, '127.0.0.1', () => {
                resolve(listening);
            });
        });
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    after(() => {
        server.close();
    });

    const graphql = (query: string, authorization?: string) =>
        fetch(`${base}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
            body: JSON.stringify({ query }),
            signal: AbortSignal.timeout(5_000),
        });

    it('answers GraphQL over the socket', async () => {
        const response = await graphql('{ __typename }');
        expect(response.status).to.equal(200);
        expect(await response.json()).to.deep.equal({ data: { __typename: 'Query' } });
        expect(response.headers.get('x-request-id')).to.be.a('string');
    });

    it('answers an authenticated query and refuses a bad token with 401', async () => {
        const me = await graphql('{ me { subject club role } }', `Bearer ${token}`);
        expect(await me.json()).to.deep.equal({ data: { me: { subject: 'alice', club: 'AlpineMSP', role: 'staff' } } });
        const refused = await graphql('{ me { subject } }', 'Bearer not-a-token');
        expect(refused.status).to.equal(401);
    });

    it('reads a compressed body and one of nearly 1 MiB, and refuses one over 1 MiB with 413 PAYLOAD_TOO_LARGE before parsing it, declared or chunked', async () => {
        const post = (body: BodyInit, headers: Record<string, string> = {}) =>
            fetch(`${base}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', ...headers },
                body,
                duplex: 'half',
                signal: AbortSignal.timeout(5_000),
            } as RequestInit);
        const compressed = await post(gzipSync(JSON.stringify({ query: '{ __typename }' })), { 'content-encoding': 'gzip' });
        expect([compressed.status, await compressed.json()]).to.deep.equal([200, { data: { __typename: 'Query' } }]);
        const large = await post(JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1000 * 1024) } }));
        expect([large.status, await large.json()]).to.deep.equal([200, { data: { __typename: 'Query' } }]);
        const oversized = JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1.1 * 1024 * 1024) } });
        const refusal = { errors: [{ message: 'the request body exceeds 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 1048576 } }] };
        const declared = await post(oversized);
        expect([declared.status, await declared.json()]).to.deep.equal([413, refusal]);
        const chunked = await post(new Blob([oversized]).stream());
        expect([chunked.status, await chunked.json()]).to.deep.equal([413, refusal]);
        const unknownEncoding = await post('{}', { 'content-encoding': 'rot13' });
        expect(unknownEncoding.status).to.equal(415);
        expect(await unknownEncoding.json()).to.deep.equal({
            errors: [{ message: 'the request body could not be read', extensions: { code: 'BAD_USER_INPUT', reason: 'encoding.unsupported' } }],
        });
    });

    it('reports liveness, readiness per neighbour, and Prometheus metrics', async () => {
        expect(await (await fetch(`${base}/health/live`)).json()).to.deep.equal({ status: 'live' });
        const healthy = await fetch(`${base}/health/ready`);
        expect([healthy.status, await healthy.json()]).to.deep.equal([200, { ready: true, checks: { postgres: true, nats: true } }]);
        ready = false;
        const unhealthy = await fetch(`${base}/health/ready`);
        expect([unhealthy.status, await unhealthy.json()]).to.deep.equal([503, { ready: false, checks: { postgres: false, nats: true } }]);
        ready = true;
        const metrics = await fetch(`${base}/metrics`);
        expect(metrics.headers.get('content-type')).to.match(/^text\/plain/);
    });
});
