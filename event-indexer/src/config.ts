import { existsSync } from 'node:fs';
import {
    type ClubProfile,
    type IdentityFiles,
    LOCAL_NETWORK_PROFILE,
    type NetworkProfile,
    type TlsEndpoint,
    channelsOf,
    loadNetworkProfile,
    postgresUrlOf,
} from '@reciprocal-clubs/ledger-connection';
import { z } from 'zod';
import { ConfigurationError } from './configuration-error.js';
import { DEFAULT_BATCH_TRANSACTIONS } from './indexer/channel-indexer.js';

export interface IndexerConfig {
    readonly club: string;
    readonly channels: readonly string[];
    readonly chaincodeName: string;
    readonly database: { readonly connectionString: string; readonly schema: string };
    readonly natsServers: readonly string[];
    readonly httpPort: number;
    readonly logLevel: string;
    /** How long start-up waits for PostgreSQL and NATS before it gives up. */
    readonly startupWaitMs: number;
    /** Transactions applied in one database transaction at most while the index is behind. */
    readonly batchTransactions: number;
    /** Where blocks come from: the club's gateway endpoint as one of its identities, or a folder of block files. */
    readonly source:
        | { readonly kind: 'peer'; readonly gateway: TlsEndpoint; readonly identity: IdentityFiles }
        | { readonly kind: 'files'; readonly dir: string };
}

const Environment = z.object({
    INDEXER_CLUB: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'must be an MSP ID such as HarbourMSP'),
    RCN_NETWORK_PROFILE: z.string().optional(),
    INDEXER_CHANNELS: z.string().optional(),
    CHAINCODE_NAME: z.string().optional(),
    DATABASE_URL: z.string().optional(),
    INDEXER_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
    NATS_SERVERS: z.string().optional(),
    INDEXER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(17460),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    STARTUP_WAIT_SECONDS: z.coerce.number().min(0).max(3600).default(30),
    INDEXER_BATCH_TRANSACTIONS: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_BATCH_TRANSACTIONS),
    INDEXER_BLOCKS_DIR: z.string().optional(),
    GATEWAY_ENDPOINT: z.string().optional(),
    GATEWAY_HOST_ALIAS: z.string().optional(),
    GATEWAY_TLS_ROOT_CERT: z.string().optional(),
    INDEXER_CERT: z.string().optional(),
    INDEXER_KEY: z.string().optional(),
});
type Environment = z.infer<typeof Environment>;

/** A named profile must exist; the default one may be absent when the environment gives everything. */
function profileOf(vars: Environment): NetworkProfile | undefined {
    try {
        if (vars.RCN_NETWORK_PROFILE !== undefined) {
            return loadNetworkProfile(vars.RCN_NETWORK_PROFILE);
        }
        return existsSync(LOCAL_NETWORK_PROFILE) ? loadNetworkProfile(LOCAL_NETWORK_PROFILE) : undefined;
    } catch (error) {
        throw new ConfigurationError(`invalid indexer configuration: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
}

/** Validated configuration from the environment, defaulting to the local network's profile. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
    const parsed = Environment.safeParse(env);
    if (!parsed.success) {
        throw new ConfigurationError(`invalid indexer configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const vars = parsed.data;
    const profile = profileOf(vars);
    const club = profile?.clubs[vars.INDEXER_CLUB];
    return {
        club: vars.INDEXER_CLUB,
        channels:
            vars.INDEXER_CHANNELS?.split(',').map((channel) => channel.trim()).filter(Boolean) ?? (profile === undefined ? [] : channelsOf(profile, vars.INDEXER_CLUB)),
        chaincodeName: vars.CHAINCODE_NAME ?? profile?.chaincode ?? 'reciprocal',
        database: {
            connectionString: required(vars.DATABASE_URL ?? (profile && postgresUrlOf(profile)), 'DATABASE_URL'),
            schema: vars.INDEXER_SCHEMA ?? `indexer_${club?.key ?? vars.INDEXER_CLUB.toLowerCase()}`,
        },
        natsServers: required(vars.NATS_SERVERS ?? profile?.nats.servers, 'NATS_SERVERS').split(','),
        httpPort: vars.INDEXER_HTTP_PORT,
        logLevel: vars.LOG_LEVEL,
        startupWaitMs: vars.STARTUP_WAIT_SECONDS * 1000,
        batchTransactions: vars.INDEXER_BATCH_TRANSACTIONS,
        source: sourceOf(vars, club),
    };
}

function required<T>(value: T | undefined, name: string): T {
    if (value === undefined) {
        throw new ConfigurationError(`invalid indexer configuration: ${name} is not set and the network profile does not provide it`);
    }
    return value;
}

function sourceOf(vars: Environment, club: ClubProfile | undefined): IndexerConfig['source'] {
    if (vars.INDEXER_BLOCKS_DIR !== undefined) {
        return { kind: 'files', dir: vars.INDEXER_BLOCKS_DIR };
    }
    const hostAlias = vars.GATEWAY_HOST_ALIAS ?? club?.gateway.hostAlias;
    return {
        kind: 'peer',
        gateway: {
            endpoint: required(vars.GATEWAY_ENDPOINT ?? club?.gateway.endpoint, 'GATEWAY_ENDPOINT'),
            ...(hostAlias === undefined ? {} : { hostAlias }),
            tlsRootCertPath: required(vars.GATEWAY_TLS_ROOT_CERT ?? club?.gateway.tlsRootCertPath, 'GATEWAY_TLS_ROOT_CERT'),
        },
        // Reading blocks needs no more than the club's auditor identity.
        identity: {
            certPath: required(vars.INDEXER_CERT ?? club?.identities.auditor?.certPath, 'INDEXER_CERT'),
            keyPath: required(vars.INDEXER_KEY ?? club?.identities.auditor?.keyPath, 'INDEXER_KEY'),
        },
    };
}
