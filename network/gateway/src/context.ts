import type { Logger } from 'pino';
import type { CommitListeners } from './commit-listener.js';
import type { Connections, Endpoint } from './connections.js';
import type { GatewayIdentity } from './identity.js';
import type { Metrics } from './metrics.js';
import type { ChannelView, PeerInfo, Registry } from './registry.js';

export interface GatewayOptions {
    /** Upper bound on one peer's endorsement (Fabric's gateway.endorsementTimeout). */
    readonly endorsementTimeoutMs: number;
    /** Upper bound on one orderer's Broadcast (Fabric's gateway.broadcastTimeout). */
    readonly broadcastTimeoutMs: number;
    /** Upper bound on discovery and QSCC calls the gateway makes for itself. */
    readonly queryTimeoutMs: number;
}

export const defaultGatewayOptions: GatewayOptions = { endorsementTimeoutMs: 30_000, broadcastTimeoutMs: 30_000, queryTimeoutMs: 10_000 };

/** What every RPC module works with. */
export interface GatewayContext {
    readonly identity: GatewayIdentity;
    readonly connections: Connections;
    readonly registry: Registry;
    readonly commits: CommitListeners;
    readonly logger: Logger;
    readonly metrics?: Metrics | undefined;
    readonly options: GatewayOptions;
}

/** The gRPC endpoint for a discovered peer: its TLS roots come from its MSP in the channel config. */
export function endpointOf(context: GatewayContext, view: ChannelView, info: PeerInfo): Endpoint {
    return context.connections.endpoint(info.address, info.mspId, view.msps.get(info.mspId)?.tlsRootCerts ?? []);
}

/** The gateway's own peer as discovery lists it (or as configured when discovery omits it). */
export function localPeerInfo(context: GatewayContext, view: ChannelView): PeerInfo {
    const local = context.connections.local;
    return (
        view.peers.find((info) => context.connections.isLocalAddress(info.address)) ??
        view.peers.find((info) => info.mspId === local.mspId) ?? { mspId: local.mspId, address: local.address, ledgerHeight: 0, chaincodes: [], identity: new Uint8Array() }
    );
}
