import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
    type ClubProfile,
    type GatewayConnection,
    type IdentityFiles,
    LOCAL_NETWORK_PROFILE,
    type NetworkProfile,
    connectToGateway,
    loadNetworkProfile,
} from '@reciprocal-clubs/ledger-connection';
import { LOCAL_ISSUER_DIRECTORY } from '../../gateway-api/src/auth/issuer.js';
import { LocalIssuer } from '../../gateway-api/src/auth/local-issuer.js';

/**
 * The demo agreement the peer benchmarks check in under (scripts/demo-data.ts): Harbour's members at Alpine on
 * `atlantic`, at most 4 visits per member and month.
 */
export const DEMO_AGREEMENT = { home: 'HarbourMSP', host: 'AlpineMSP', channel: 'atlantic', visitsPerMonth: 4 } as const;

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What `./test-network.sh up` runs, as its network profile describes it, and the issuer of the API's tokens. */
export interface RunningProduct {
    readonly profile: NetworkProfile;
    readonly apiUrl: string;
    readonly graphqlUrl: string;
    /** The club whose desk checks the members in, and its staff identity. */
    readonly host: ClubProfile;
    readonly hostStaff: IdentityFiles;
    readonly issuer: LocalIssuer;
}

/** Reads the running product's profile (`RCN_NETWORK_PROFILE` or `.network/network.json`); never starts anything. */
export async function runningProduct(): Promise<RunningProduct> {
    const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
    const apiUrl = profile.api?.url;
    const host = profile.clubs[DEMO_AGREEMENT.host];
    const hostStaff = host?.identities.staff;
    if (apiUrl === undefined || host === undefined || hostStaff === undefined) {
        throw new Error(`the network profile names no API or no ${DEMO_AGREEMENT.host} staff identity: is the network up (./test-network.sh status)?`);
    }
    const issuer = await LocalIssuer.open(path.join(repositoryRoot, LOCAL_ISSUER_DIRECTORY));
    return { profile, apiUrl, graphqlUrl: `${apiUrl}/graphql`, host, hostStaff, issuer };
}

/** The host club's staff identity (the one the API signs with for a staff caller) on the host's gateway endpoint. */
export interface HostDesk {
    readonly connection: GatewayConnection<'staff'>;
    /** The chaincode on the demo agreement's channel. */
    readonly contract: Contract;
}

export async function connectHostDesk(product: RunningProduct): Promise<HostDesk> {
    const connection = await connectToGateway({ mspId: DEMO_AGREEMENT.host, gateway: product.host.gateway, identities: { staff: product.hostStaff } });
    return { connection, contract: connection.as('staff').getNetwork(DEMO_AGREEMENT.channel).getContract(product.profile.chaincode) };
}
