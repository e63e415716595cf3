#!/usr/bin/env node
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { startGateway } from './service.js';

const logger = pino({ name: 'gateway-service', level: process.env.LOG_LEVEL ?? 'info' });

// Last resort only: every RPC handles its own failures; this keeps one stray rejection from
// taking down the service for every client.
process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason instanceof Error ? reason.message : String(reason) }, 'unhandled rejection');
});

async function main(): Promise<void> {
    const config = loadConfig();
    logger.level = config.logLevel;
    const gateway = await startGateway(config, logger);
    logger.info({ listen: config.listen, port: gateway.port, operationsPort: gateway.operationsPort, peer: config.peer.endpoint, mspId: config.identity.mspId }, 'gateway service started');

    let stopping = false;
    const stop = (signal: string): void => {
        if (stopping) {
            return;
        }
        stopping = true;
        logger.info({ signal }, 'stopping');
        gateway.close().then(
            () => {
                logger.info('stopped');
                process.exit(0);
            },
            (error: unknown) => {
                logger.error({ err: error instanceof Error ? error.message : String(error) }, 'error while stopping');
                process.exit(1);
            },
        );
    };
    process.on('SIGTERM', () => {
        stop('SIGTERM');
    });
    process.on('SIGINT', () => {
        stop('SIGINT');
    });
}

main().catch((error: unknown) => {
    logger.error({ err: error instanceof Error ? error.message : String(error) }, 'gateway service failed to start');
    process.exit(1);
});
