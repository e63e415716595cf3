import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Registry } from 'prom-client';
import type { YogaServerInstance } from 'graphql-yoga';
import type { ApiContext } from './context.js';
import { readRequestBody } from './request-body.js';
import type { ApiServerContext } from './yoga.js';

/** Whether a neighbour (PostgreSQL, a peer, NATS) is reachable. */
export type ReadinessChecks = Readonly<Record<string, () => Promise<boolean> | boolean>>;

/** The API's handler for node:http's `createServer`. */
export type HttpApp = (request: IncomingMessage, response: ServerResponse) => void;

function pathOf(url: string | undefined): string {
    const query = url?.indexOf('?') ?? -1;
    return query === -1 ? (url ?? '') : (url ?? '').slice(0, query);
}

/** Express for the operators' endpoints: `/health/live`, `/health/ready`, `/metrics`, and the 404 of any other path. */
function operationsApp(registry: Registry, readiness: ReadinessChecks): express.Express {
    const app = express();
    app.disable('x-powered-by');
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
    return app;
}

/**
 * `/graphql` (bodies up to MAX_REQUEST_BODY_BYTES) straight to Yoga, which gets node's request (the server context's
 * `req`); everything else through Express. Express stays off the GraphQL path: its router, and the request and
 * response prototypes it swaps in, cost several times what node:http itself does per request.
 */
export function createHttpApp(yoga: YogaServerInstance<ApiServerContext, ApiContext>, registry: Registry, readiness: ReadinessChecks): HttpApp {
    const operations = operationsApp(registry, readiness);
    return (request, response) => {
        if (pathOf(request.url) !== yoga.graphqlEndpoint) {
            operations(request, response);
            return;
        }
        readRequestBody(request, response, () => {
            yoga.requestListener(request, response);
        });
    };
}
