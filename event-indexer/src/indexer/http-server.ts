import { type Server, createServer } from 'node:http';
import type { Registry } from 'prom-client';

/** Checks the indexer's neighbours; each resolves true when reachable. */
export type ReadinessChecks = Record<string, () => Promise<boolean>>;

/** `/health/live`, `/health/ready` (every neighbour reachable) and `/metrics`, on 127.0.0.1. */
export function startHttpServer(port: number, registry: Registry, readiness: ReadinessChecks): Promise<Server> {
    const server = createServer((request, response) => {
        void (async () => {
            switch (request.url) {
                case '/health/live':
                    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"live"}');
                    return;
                case '/health/ready': {
                    const results = Object.fromEntries(
                        await Promise.all(Object.entries(readiness).map(async ([name, check]) => [name, await check().catch(() => false)] as const)),
                    );
                    const ready = Object.values(results).every(Boolean);
                    response.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ ready, checks: results }));
                    return;
                }
                case '/metrics':
                    response.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
                    return;
                default:
                    response.writeHead(404).end();
            }
        })();
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
            resolve(server);
        });
    });
}
