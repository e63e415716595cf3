#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { PeerLedgerReader, connectToPeer, ensureNotificationStream, migrate, openPool, verifyIndexIntegrity } from '@reciprocal-clubs/event-indexer';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { JwtVerifier } from './auth/jwt-verifier.js';
import { loadTokenKeys } from './auth/token-keys.js';
import { type ApiConfig, loadApiConfig } from './config.js';
import type { ApiServices } from './context.js';
import { FabricLedger } from './fabric-ledger.js';
import { createHttpApp } from './http-app.js';
import { MeasuredLedger } from './measured-ledger.js';
import { NatsNotificationFeed } from './notification-feed.js';
import { UsedVisitPasses } from './passes/used-passes.js';
import { ReadModel } from './read-model.js';
import { createApiYoga } from './yoga.js';

const migrations = path.resolve(new URL('../migrations', import.meta.url).pathname);

async function start(config: ApiConfig): Promise<void> {
    const logger = pino({ level: config.logLevel, base: { service: 'gateway-api' } });
    const registry = new Registry();
    collectDefaultMetrics({ register: registry, prefix: 'rcn_api_' });

    const apiDatabase = { connectionString: config.databaseUrl, schema: config.apiSchema };
    await migrate(apiDatabase, (message) => { logger.debug({ migration: message }); }, migrations);
    const apiPool = openPool(apiDatabase, (error) => { logger.warn({ err: error }, 'lost a PostgreSQL connection'); });
    const readModel = new ReadModel({ connectionString: config.databaseUrl, schemas: config.indexerSchemas });
    const fabric = new FabricLedger({ chaincodeName: config.chaincodeName, clubs: config.ledgerAccess });
    const nats = await connect({ servers: [...config.natsServers], maxReconnectAttempts: -1, waitOnFirstConnect: true });
    await ensureNotificationStream(nats);
    const notifications = new NatsNotificationFeed(nats);

    const services: ApiServices = {
        readModel,
        ledger: new MeasuredLedger(fabric, registry),
        notifications,
        usedVisitPasses: new UsedVisitPasses(apiPool),
        passSigningKeys: async (club) => {
            const pem = await readFile(path.join(config.passKeysDir, `${club}.pem`)).catch(() => undefined);
            return pem === undefined ? undefined : createPrivateKey(pem);
        },
        verifyIndex: async (club, channel) => {
            const access = config.ledgerAccess[club];
            if (access === undefined) {
                throw new Error(`no peer configured for ${club}`);
            }
            const peer = await connectToPeer({ mspId: club, ...access.gateway, ...access.identities.auditor });
            try {
                return await verifyIndexIntegrity(readModel.poolOf(club), new PeerLedgerReader(peer.gateway), channel);
            } finally {
                peer.close();
            }
        },
    };
    const tokens = new JwtVerifier({ keys: await loadTokenKeys(config.jwt.keys), issuer: config.jwt.issuer, audience: config.jwt.audience });
    const yoga = createApiYoga({ services, tokens, graphiql: config.graphiql, logging: logger });
    const app = createHttpApp(yoga, registry, {
        postgres: () => readModel.isReachable(),
        ledger: () => fabric.isReachable(),
        nats: () => notifications.isReachable(),
    });
    const server = app.listen(config.port, config.host, () => {
        logger.info({ url: `http://${config.host}:${config.port}${yoga.graphqlEndpoint}` }, 'gateway-api listening');
    });
    const forgetExpiredPasses = setInterval(() => void services.usedVisitPasses.forgetExpired(), 60 * 60 * 1000);
    const shutdown = () => {
        clearInterval(forgetExpiredPasses);
        server.close();
        fabric.close();
        void Promise.allSettled([nats.drain(), readModel.close(), apiPool.end()]);
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
}

start(loadApiConfig()).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
});
