import type { Server as HttpServer } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { CommitListeners } from './commit-listener.js';
import { splitHostPort, type GatewayConfig } from './config.js';
import { Connections } from './connections.js';
import type { GatewayContext } from './context.js';
import { newGatewayIdentity } from './identity.js';
import { Metrics } from './metrics.js';
import { createOperationsServer } from './operations.js';
import { peerDiscovery, Registry } from './registry.js';
import { createGatewayServer, listen } from './server.js';

export interface RunningGateway {
    readonly port: number;
    readonly operationsPort?: number | undefined;
    close(): Promise<void>;
}

/** Builds everything from the configuration, binds the gRPC and operations listeners and starts probing the peer. */
export async function startGateway(config: GatewayConfig, logger: Logger): Promise<RunningGateway> {
    const identity = newGatewayIdentity(config.identity.mspId, config.identity.certificate, config.identity.privateKey);
    const connections = new Connections({ address: config.peer.endpoint, mspId: config.identity.mspId, tlsRootCert: config.peer.tlsRootCert, hostAlias: config.peer.hostAlias });
    const discover = peerDiscovery(identity, connections.local, config.queryTimeoutMs);
    const registry = new Registry(discover, { channelTtlMs: config.discoveryTtlMs, descriptorTtlMs: Math.min(10_000, config.discoveryTtlMs) });
    const metrics = new Metrics(() => connections.sinceLocalAnswer());
    const context: GatewayContext = {
        identity,
        connections,
        registry,
        commits: new CommitListeners(identity, connections.local, logger),
        logger,
        metrics,
        options: { endorsementTimeoutMs: config.endorsementTimeoutMs, broadcastTimeoutMs: config.broadcastTimeoutMs, queryTimeoutMs: config.queryTimeoutMs },
    };

    const server = createGatewayServer(context);
    let port: number;
    try {
        port = await listen(server, config.listen, grpc.ServerCredentials.createSsl(null, [{ cert_chain: config.tls.cert, private_key: config.tls.key }], false));
    } catch (error) {
        connections.close();
        throw new Error(`cannot listen on ${config.listen}: ${error instanceof Error ? error.message : String(error)}`);
    }

    // The peer's health: an empty discovery request every few seconds (any answer counts), plus
    // every answer to real traffic; and channel views refreshed in the background.
    const probe = (): void => {
        discover([]).catch((error: unknown) => {
            logger.debug({ err: error instanceof Error ? error.message : String(error) }, "the gateway's peer did not answer the health probe");
        });
    };
    probe();
    const probeTimer = setInterval(probe, Math.max(1_000, Math.floor(config.healthyWithinMs / 3)));
    const refreshTimer = setInterval(() => void registry.refreshKnown(), config.discoveryTtlMs);
    probeTimer.unref();
    refreshTimer.unref();

    let operations: HttpServer | undefined;
    let operationsPort: number | undefined;
    if (config.operationsListen) {
        const { host, port: opsPort } = splitHostPort(config.operationsListen);
        const ops = createOperationsServer({ metrics, sincePeerAnswerMs: () => connections.sinceLocalAnswer(), healthyWithinMs: config.healthyWithinMs });
        operations = ops;
        operationsPort = await new Promise<number>((resolve, reject) => {
            ops.once('error', reject);
            ops.listen(opsPort, host, () => {
                const address = ops.address();
                resolve(typeof address === 'object' && address ? address.port : opsPort);
            });
        }).catch((error: unknown) => {
            clearInterval(probeTimer);
            clearInterval(refreshTimer);
            server.forceShutdown();
            connections.close();
            throw new Error(`cannot listen on ${String(config.operationsListen)} (operations): ${error instanceof Error ? error.message : String(error)}`);
        });
    }

    return {
        port,
        operationsPort,
        close: async () => {
            clearInterval(probeTimer);
            clearInterval(refreshTimer);
            context.commits.close();
            await new Promise<void>((resolve) => {
                const force = setTimeout(() => {
                    server.forceShutdown();
                    resolve();
                }, 5_000);
                server.tryShutdown(() => {
                    clearTimeout(force);
                    resolve();
                });
            });
            await new Promise<void>((resolve) => {
                if (!operations) {
                    resolve();
                    return;
                }
                operations.close(() => {
                    resolve();
                });
                operations.closeAllConnections();
            });
            connections.close();
        },
    };
}
