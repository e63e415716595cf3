import type { Gateway } from '@hyperledger/fabric-gateway';
import { LOCAL_NETWORK_PROFILE, type TlsEndpoint, connectToGateway } from '@reciprocal-clubs/ledger-connection';
import { type IndexerConfig, loadConfig } from '../../event-indexer/src/config.js';
import { GatewayBlockSource } from '../../event-indexer/src/source/block-source.js';

/** A club's indexer's way to the ledger, opened as its production process opens it (event-indexer/src/main.ts). */
export interface IndexerLedger {
    readonly config: IndexerConfig;
    /** The club's gateway endpoint the indexer streams from. */
    readonly endpoint: TlsEndpoint;
    readonly source: GatewayBlockSource;
    /** The indexer's identity on the club's gateway endpoint. */
    readonly gateway: Gateway;
    close(): void;
}

/**
 * The configuration `./test-network.sh up` gives the club's indexer: scripts/network/indexers.sh sets only the club
 * and the network profile (and a port), so everything else comes from the profile, as in production.
 */
function productionConfig(club: string): IndexerConfig {
    return loadConfig({ INDEXER_CLUB: club, RCN_NETWORK_PROFILE: process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE });
}

/** The club's gateway endpoint (TLS, its root from the profile) as the indexer's identity, and the block source on it. */
export async function connectAsIndexer(club: string): Promise<IndexerLedger> {
    const config = productionConfig(club);
    if (config.source.kind !== 'peer') {
        throw new Error(`${club}'s indexer is configured to read block files, not its peer`);
    }
    const connection = await connectToGateway({ mspId: config.club, gateway: config.source.gateway, identities: { auditor: config.source.identity } });
    const gateway = connection.as('auditor');
    return {
        config,
        endpoint: config.source.gateway,
        source: new GatewayBlockSource((channel) => gateway.getNetwork(channel)),
        gateway,
        close: () => {
            connection.close();
        },
    };
}
