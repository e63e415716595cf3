import { createServer, type Server } from 'node:http';
import type { Metrics } from './metrics.js';

export interface OperationsOptions {
    readonly metrics: Metrics;
    /** Milliseconds since the gateway's peer last answered. */
    readonly sincePeerAnswerMs: () => number;
    /** How recent that answer must be for /healthz to say 200. */
    readonly healthyWithinMs: number;
}

/** HTTP operations endpoint: GET /healthz (200 only when the peer answered recently) and GET /metrics. */
export function createOperationsServer(options: OperationsOptions): Server {
    return createServer((request, response) => {
        const path = (request.url ?? '/').split('?')[0];
        if (request.method !== 'GET') {
            response.writeHead(405).end();
            return;
        }
        if (path === '/healthz') {
            const since = options.sincePeerAnswerMs();
            const healthy = since <= options.healthyWithinMs;
            response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ status: healthy ? 'OK' : 'UNAVAILABLE', peerAnsweredMsAgo: Number.isFinite(since) ? since : null }));
            return;
        }
        if (path === '/metrics') {
            options.metrics.registry.metrics().then(
                (text) => {
                    response.writeHead(200, { 'content-type': options.metrics.registry.contentType });
                    response.end(text);
                },
                (error: unknown) => {
                    response.writeHead(500).end(String(error));
                },
            );
            return;
        }
        response.writeHead(404).end();
    });
}
