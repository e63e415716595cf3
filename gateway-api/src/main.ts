#!/usr/bin/env node
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import path from 'node:path';
import {
    PeerLedgerReader,
    connectToNats,
    ensureNotificationStream,
    failureOf,
    migrate,
    openPool,
    verifyIndexIntegrity,
    waitForDatabase,
} from '@reciprocal-clubs/event-indexer';
import { type Logger, pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { JwtVerifier } from './auth/jwt-verifier.js';
import { loadTokenKeys } from './auth/token-keys.js';
import { ClubGateways } from './club-gateways.js';
import { type ApiConfig, loadApiConfig } from './config.js';
import type { ApiServices } from './context.js';
import { FabricLedger } from './fabric-ledger.js';
import { type HttpApp, createHttpApp } from './http-app.js';
import { LedgerReadiness } from './ledger-readiness.js';
import { MeasuredLedger } from './measured-ledger.js';
import { NatsNotificationFeed } from './notification-feed.js';
import { UsedVisitPasses } from './passes/used-passes.js';
import { DatabasePersonalDataKeys } from './personal-data/data-keys.js';
import { ReadModel } from './read-model.js';
import { createApiYoga } from './yoga.js';

const migrations = path.resolve(new URL('../migrations', import.meta.url).pathname);

function listen(app: HttpApp, config: ApiConfig): Promise<Server> {
    return new Promise((resolve, reject) => {
        const server = createServer(app);
        server.once('error', reject);
        server.listen(config.port, config.host, () => {
            server.off('error', reject);
            resolve(server);
        });
    });
}

/** Everything the API needs, in order; a neighbour that never answers, or a file that is not there, rejects. */
async function start(config: ApiConfig, logger: Logger): Promise<void> {
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'rcn_api_' });
    const waiting = (neighbour: string) => (error: Error) => {
        logger.warn({ reason: error.message, withinMs: config.startupWaitMs }, `waiting for ${neighbour}`);
    };

    const tokenKeys = await loadTokenKeys(config.jwt.keys);
    const gateways = await ClubGateways.open(config.ledgerAccess);
    await waitForDatabase(config.databaseUrl, { withinMs: config.startupWaitMs, onWait: waiting('PostgreSQL') });
    const apiDatabase = { connectionString: config.databaseUrl, schema: config.apiSchema };
    await migrate(apiDatabase, (message) => { logger.debug({ migration: message }); }, migrations);
    const nats = await connectToNats(config.natsServers, { withinMs: config.startupWaitMs, onWait: waiting('NATS') });
    await ensureNotificationStream(nats);

    const apiPool = openPool(apiDatabase, (error) => { logger.warn({ err: error }, 'lost a PostgreSQL connection'); });
    const readModel = new ReadModel({ connectionString: config.databaseUrl, schemas: config.indexerSchemas });
    const fabric = new FabricLedger({ chaincodeName: config.chaincodeName, gateways });
    const ledgerReadiness = new LedgerReadiness({
        gateways,
        channels: Object.fromEntries(Object.entries(config.ledgerAccess).map(([club, access]) => [club, access.channels])),
        logger,
    });
    await ledgerReadiness.start();
    const notifications = new NatsNotificationFeed(nats);
    const services: ApiServices = {
        readModel,
        ledger: new MeasuredLedger(fabric, registry),
        notifications,
        usedVisitPasses: new UsedVisitPasses(apiPool),
        personalDataKeys: new DatabasePersonalDataKeys(apiPool),
        passSigningKeys: async (club) => {
            const pem = await readFile(path.join(config.passKeysDir, `${club}.pem`)).catch(() => undefined);
            return pem === undefined ? undefined : createPrivateKey(pem);
        },
        verifyIndex: (club, channel) => verifyIndexIntegrity(readModel.poolOf(club), new PeerLedgerReader(gateways.gatewayOf(club, 'auditor')), channel),
    };
    const tokens = new JwtVerifier({ keys: tokenKeys, issuer: config.jwt.issuer, audience: config.jwt.audience });
    const yoga = createApiYoga({ services, tokens, graphiql: config.graphiql, logging: logger });
    const app = createHttpApp(yoga, registry, {
        postgres: () => readModel.isReachable(),
        ledger: () => ledgerReadiness.isReady(),
        nats: () => notifications.isReachable(),
    });
    const server = await listen(app, config);
    logger.info({ url: `http://${config.host}:${config.port}${yoga.graphqlEndpoint}` }, 'gateway-api listening');
    const forgetExpiredPasses = setInterval(() => void services.usedVisitPasses.forgetExpired(), 60 * 60 * 1000);
    const shutdown = () => {
        clearInterval(forgetExpiredPasses);
        ledgerReadiness.stop();
        server.close();
        gateways.close();
        void Promise.allSettled([nats.drain(), readModel.close(), apiPool.end()]);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
}

const logger = pino({ base: { service: 'gateway-api' } });
try {
    const config = loadApiConfig();
    logger.level = config.logLevel;
    await start(config, logger);
} catch (error) {
    const { code, reason } = failureOf(error);
    logger.error({ err: error, code }, `could not start: ${reason}`);
    // Whatever start-up left open (a pool, a NATS connection, a gRPC channel) must not keep the process alive.
    process.exit(1);
}
