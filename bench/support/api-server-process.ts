import { createServer } from 'node:http';
import { Registry } from 'prom-client';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../gateway-api/src/auth/issuer.js';
import { JwtVerifier } from '../../gateway-api/src/auth/jwt-verifier.js';
import { loadTokenKeys } from '../../gateway-api/src/auth/token-keys.js';
import { createHttpApp } from '../../gateway-api/src/http-app.js';
import type { RateLimits } from '../../gateway-api/src/limits/rate-limit.js';
import { ReadModel } from '../../gateway-api/src/read-model.js';
import { createApiYoga } from '../../gateway-api/src/yoga.js';
import { unreachableServices } from '../../gateway-api/test/support/tokens.js';
import { serveForParent } from './server-process.js';
import { UntouchableLedger } from './untouchable-ledger.js';

/** The real gateway-api app (Express, Yoga, JWT verification, query limits) over a read model, in a process of its own. */

export interface ApiServerJob {
    /** A login role that may only read the read model, as the API connects in production. */
    readonly connectionString: string;
    /** Each club's read-model schema, by MSP ID. */
    readonly schemas: Readonly<Record<string, string>>;
    /** The local issuer's `jwks.json`. */
    readonly jwksPath: string;
}

export interface ApiServerReport {
    /** Reads must never reach the ledger. */
    readonly ledgerCalls: number;
}

/** Far above any load the benchmark makes: it measures queries, not the limiter's refusals (the limiter still runs). */
const UNREACHABLE_RATE_LIMITS: RateLimits = {
    perCaller: { points: 1_000_000_000, durationSeconds: 1 },
    perAddress: { points: 1_000_000_000, durationSeconds: 1 },
};

serveForParent<ApiServerJob, ApiServerReport>('the API server', async (job) => {
    const readModel = new ReadModel({ connectionString: job.connectionString, schemas: job.schemas });
    const ledger = new UntouchableLedger();
    const tokens = new JwtVerifier({ keys: await loadTokenKeys(job.jwksPath), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });
    const yoga = createApiYoga({ services: unreachableServices({ readModel, ledger }), tokens, logging: false, rateLimits: UNREACHABLE_RATE_LIMITS });
    const app = createHttpApp(yoga, new Registry(), { postgres: () => readModel.isReachable() });
    return {
        server: createServer(app),
        stopped: async () => {
            await readModel.close();
            return { ledgerCalls: ledger.calls };
        },
    };
});
