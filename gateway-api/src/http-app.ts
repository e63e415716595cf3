import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { YogaServerInstance } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import { limitedRequestBody, refusedRequestBody } from './request-body.js';
import type { ApiServerContext } from './yoga.js';

/** Whether a neighbour (PostgreSQL, a peer, NATS) is reachable. */
export type ReadinessChecks = Readonly<Record<string, () => Promise<boolean> | boolean>>;

/** Express around the Yoga instance: `/graphql` (bodies up to MAX_REQUEST_BODY_BYTES), `/metrics`, `/health/live`, `/health/ready`. */
export function createHttpApp(yoga: YogaServerInstance<ApiServerContext, ApiContext>, registry: Registry, readiness: ReadinessChecks): Express {
    const app = express();
    app.disable('x-powered-by');
    // Loopback proxies only: the rate limit keys anonymous requests by the client address.
    app.set('trust proxy', 'loopback');
    app.get('/health/live', (_request, response) => {
        response.json({ status: 'live' });
    });
    app.get('/health/ready', async (_request, response) => {
        const results = Object.fromEntries(
            await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await Promise.resolve(check()).catch(() => false)] as const)),
        );
        const ready = Object.values(results).every(Boolean);
        response.status(ready ? 200 : 503).json({ ready, checks: results });
    });
    app.get('/metrics', async (_request, response) => {
        response.type(registry.contentType).send(await registry.metrics());
    });
    app.use(yoga.graphqlEndpoint, ...limitedRequestBody(), (request, response) => {
        // Writes Yoga's response to Node's; the server context carries Express's `req`, whose `ip` the rate limit keys on.
        yoga.requestListener(request, response);
    });
    app.use(refusedRequestBody);
    return app;
}
