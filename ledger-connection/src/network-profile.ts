import { z } from 'zod';

/** A TLS endpoint; `hostAlias` is the name in its certificate when it differs from the endpoint's host. */
export const TlsEndpoint = z.object({
    endpoint: z.string().min(1),
    hostAlias: z.string().min(1).optional(),
    tlsRootCertPath: z.string().min(1),
});
export type TlsEndpoint = z.infer<typeof TlsEndpoint>;

/** An identity the club's CA enrolled: its certificate and private key files. */
export const IdentityFiles = z.object({ certPath: z.string().min(1), keyPath: z.string().min(1) });
export type IdentityFiles = z.infer<typeof IdentityFiles>;

export const ClubProfile = z.object({
    key: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case name such as harbour'),
    name: z.string(),
    ca: z.object({ url: z.string(), name: z.string(), tlsCertPath: z.string() }),
    /** The peer itself, for Deliver and Discovery. */
    peer: TlsEndpoint,
    /** What @hyperledger/fabric-gateway connects to: our Gateway service beside a 2.1 peer, or a Fabric >= 2.4 peer itself. */
    gateway: TlsEndpoint,
    chaincodeServer: z.object({ endpoint: z.string() }),
    /** The club's event indexer: its read model's schema and its health and metrics URL. */
    indexer: z.object({ schema: z.string(), url: z.string() }).optional(),
    /** By `club.role`: admin, staff, auditor. */
    identities: z.record(z.string(), IdentityFiles),
});
export type ClubProfile = z.infer<typeof ClubProfile>;

/** `.network/network.json`, which test-network.sh writes: where every component finds the others. */
export const NetworkProfile = z.object({
    /** The folder that holds all the local network's state (`.network/`). */
    stateDir: z.string(),
    /** The chaincode's name on every channel. */
    chaincode: z.string(),
    /** By MSP ID. */
    clubs: z.record(z.string(), ClubProfile),
    /** Each channel's member clubs, by MSP ID. */
    channels: z.record(z.string(), z.array(z.string())),
    orderer: z.object({ mspId: z.string(), endpoint: z.string(), tlsRootCertPath: z.string() }),
    postgres: z.object({ host: z.string(), port: z.number().int(), user: z.string(), database: z.string() }),
    /** Comma-separated NATS URLs. */
    nats: z.object({ servers: z.string() }),
    /** The GraphQL API that `up` starts. */
    api: z.object({ url: z.string() }).optional(),
});
export type NetworkProfile = z.infer<typeof NetworkProfile>;

/** The channels a club belongs to, in the profile's order. */
export function channelsOf(profile: NetworkProfile, mspId: string): string[] {
    return Object.entries(profile.channels)
        .filter(([, clubs]) => clubs.includes(mspId))
        .map(([channel]) => channel);
}

/** The profile's PostgreSQL as a connection string (trust on loopback: no password). */
export function postgresUrlOf({ postgres }: NetworkProfile): string {
    return `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}`;
}
