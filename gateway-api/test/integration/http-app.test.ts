import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { expect } from 'chai';
import { Registry } from 'prom-client';
import { createHttpApp } from '../../src/http-app.js';
import { STAFF_CLAIMS, signedToken, testSigningKey, testVerifier, testYoga } from '../support/tokens.js';

/** The Express app over a real loopback socket: what `node gateway-api/dist/main.js` serves. */
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
            const listening = app.listen(0, '127.0.0.1', () => {
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
