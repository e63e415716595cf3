import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../gateway-api/src/auth/issuer.js';
import { JwtVerifier } from '../../gateway-api/src/auth/jwt-verifier.js';
import { loadTokenKeys } from '../../gateway-api/src/auth/token-keys.js';
import { createHttpApp } from '../../gateway-api/src/http-app.js';
import type { RateLimits } from '../../gateway-api/src/limits/rate-limit.js';
import { ReadModel } from '../../gateway-api/src/read-model.js';
import { createApiYoga } from '../../gateway-api/src/yoga.js';
import { unreachableServices } from '../../gateway-api/test/support/tokens.js';
import { UntouchableLedger } from './untouchable-ledger.js';

/**
 * A child process serving the real gateway-api app (Express, Yoga, JWT verification, query limits) on a
 * loopback port over a read model, so the load generator does not share its event loop.
 */

export interface ApiServerJob {
    /** A login role that may only read the read model, as the API connects in production. */
    readonly connectionString: string;
    /** Each club's read-model schema, by MSP ID. */
    readonly schemas: Readonly<Record<string, string>>;
    /** The local issuer's `jwks.json`. */
    readonly jwksPath: string;
}

export type ApiServerMessage = { readonly kind: 'listening'; readonly port: number } | { readonly kind: 'stopped'; readonly ledgerCalls: number };

/** Far above any load the benchmark makes: it measures queries, not the limiter's refusals (the limiter still runs). */
const UNREACHABLE_RATE_LIMITS: RateLimits = {
    perCaller: { points: 1_000_000_000, durationSeconds: 1 },
    perAddress: { points: 1_000_000_000, durationSeconds: 1 },
};

async function serve(job: ApiServerJob): Promise<void> {
    const readModel = new ReadModel({ connectionString: job.connectionString, schemas: job.schemas });
    const ledger = new UntouchableLedger();
    const tokens = new JwtVerifier({ keys: await loadTokenKeys(job.jwksPath), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });
    const yoga = createApiYoga({ services: unreachableServices({ readModel, ledger }), tokens, logging: false, rateLimits: UNREACHABLE_RATE_LIMITS });
    const app = createHttpApp(yoga, new Registry(), { postgres: () => readModel.isReachable() });
    const server = app.listen(0, '127.0.0.1', () => {
        process.send?.({ kind: 'listening', port: (server.address() as AddressInfo).port } satisfies ApiServerMessage);
    });
    const stop = async () => {
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        await closed;
        await readModel.close();
        process.send?.({ kind: 'stopped', ledgerCalls: ledger.calls } satisfies ApiServerMessage);
        process.disconnect();
    };
    process.once('message', () => void stop());
    // Never outlive the benchmark that started it.
    process.once('disconnect', () => {
        process.exit();
    });
}

if (!process.connected) {
    throw new Error('the API server runs as a child of the api-reads benchmark (forkTypeScript), which it reports to');
}
serve(JSON.parse(process.argv[2] ?? '{}') as ApiServerJob).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
    process.disconnect();
});
