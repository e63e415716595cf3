import type { Gateway } from '@hyperledger/fabric-gateway';
import { type GatewayConnection, type IdentityFiles, type TlsEndpoint, connectToGateway } from '@reciprocal-clubs/ledger-connection';
import { ApiError, ApiErrorCode } from './errors.js';

/** The `club.role`s the club's CA enrolled an identity for. */
export type FabricRole = 'admin' | 'staff' | 'auditor';

/** A club's gateway endpoint, the identities its CA enrolled for the API, and the channels it belongs to. */
export interface ClubLedgerAccess {
    readonly gateway: TlsEndpoint;
    readonly identities: Readonly<Record<FabricRole, IdentityFiles>>;
    readonly channels: readonly string[];
}

/** One connection to each served club's gateway endpoint, signing as the identity of whichever role acts. */
export class ClubGateways {
    readonly #connections: ReadonlyMap<string, GatewayConnection<FabricRole>>;

    private constructor(connections: ReadonlyMap<string, GatewayConnection<FabricRole>>) {
        this.#connections = connections;
    }

    /** Reads every club's TLS root and identity files now, so that a missing one stops start-up. */
    static async open(clubs: Readonly<Record<string, ClubLedgerAccess>>): Promise<ClubGateways> {
        const opening = Object.entries(clubs).map(async ([mspId, access]) => [mspId, await connectToGateway({ mspId, gateway: access.gateway, identities: access.identities })] as const);
        const results = await Promise.allSettled(opening);
        const opened = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const failed = results.find((result) => result.status === 'rejected');
        if (failed !== undefined) {
            for (const [, connection] of opened) {
                connection.close();
            }
            throw failed.reason;
        }
        return new ClubGateways(new Map(opened));
    }

    /** The club's Gateway as the role's identity; FORBIDDEN for a club this API does not serve. */
    gatewayOf(club: string, role: FabricRole): Gateway {
        const connection = this.#connections.get(club);
        if (connection === undefined) {
            throw new ApiError(ApiErrorCode.FORBIDDEN, `club ${club} is not served by this API`);
        }
        return connection.as(role);
    }

    close(): void {
        for (const connection of this.#connections.values()) {
            connection.close();
        }
    }
}
