import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';

/** The parts of .network/network.json (written by test-network.sh) the indexer reads its defaults from. */
const NetworkProfile = z.object({
    clubs: z.record(
        z.string(),
        z.object({
            key: z.string(),
            identities: z.record(z.string(), z.object({ certPath: z.string(), keyPath: z.string() })),
            /** The club's gateway endpoint: our Gateway service beside a 2.1 peer, or a Fabric >= 2.4 peer itself. */
            gateway: z.object({ endpoint: z.string(), hostAlias: z.string().optional(), tlsRootCertPath: z.string() }).optional(),
        }),
    ),
    channels: z.record(z.string(), z.array(z.string())),
    postgres: z.object({ host: z.string(), port: z.number(), user: z.string(), database: z.string() }),
    nats: z.object({ servers: z.string() }),
});
type NetworkProfile = z.infer<typeof NetworkProfile>;

export interface IndexerConfig {
    readonly club: string;
    readonly channels: readonly string[];
    readonly chaincodeName: string;
    readonly database: { readonly connectionString: string; readonly schema: string };
    readonly natsServers: readonly string[];
    readonly httpPort: number;
    readonly logLevel: string;
    /** Where blocks come from: the club's peer, or a folder of block files. */
    readonly source:
        | { readonly kind: 'peer'; readonly endpoint: string; readonly hostAlias?: string; readonly tlsRootCertPath: string; readonly certPath: string; readonly keyPath: string }
        | { readonly kind: 'files'; readonly dir: string };
}

const Environment = z.object({
    INDEXER_CLUB: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'must be an MSP ID such as HarbourMSP'),
    RCN_NETWORK_PROFILE: z.string().default(new URL('../../.network/network.json', import.meta.url).pathname),
    INDEXER_CHANNELS: z.string().optional(),
    CHAINCODE_NAME: z.string().default('reciprocal'),
    DATABASE_URL: z.string().optional(),
    INDEXER_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
    NATS_SERVERS: z.string().optional(),
    INDEXER_HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(17460),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    INDEXER_BLOCKS_DIR: z.string().optional(),
    GATEWAY_ENDPOINT: z.string().optional(),
    GATEWAY_HOST_ALIAS: z.string().optional(),
    GATEWAY_TLS_ROOT_CERT: z.string().optional(),
    INDEXER_CERT: z.string().optional(),
    INDEXER_KEY: z.string().optional(),
});

/** Validated configuration from the environment, defaulting to the local network's profile. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
    const parsed = Environment.safeParse(env);
    if (!parsed.success) {
        throw new Error(`invalid indexer configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const vars = parsed.data;
    const profile = existsSync(vars.RCN_NETWORK_PROFILE) ? NetworkProfile.parse(JSON.parse(readFileSync(vars.RCN_NETWORK_PROFILE, 'utf8'))) : undefined;
    const club = profile?.clubs[vars.INDEXER_CLUB];
    const required: Required = (value, name) => {
        if (value === undefined) {
            throw new Error(`invalid indexer configuration: ${name} is not set and the network profile does not provide it`);
        }
        return value;
    };
    return {
        club: vars.INDEXER_CLUB,
        channels: vars.INDEXER_CHANNELS?.split(',').map((channel) => channel.trim()).filter(Boolean) ?? channelsOf(profile, vars.INDEXER_CLUB),
        chaincodeName: vars.CHAINCODE_NAME,
        database: {
            connectionString: required(vars.DATABASE_URL ?? (profile && postgresUrl(profile)), 'DATABASE_URL'),
            schema: vars.INDEXER_SCHEMA ?? `indexer_${club?.key ?? vars.INDEXER_CLUB.toLowerCase()}`,
        },
        natsServers: required(vars.NATS_SERVERS ?? profile?.nats.servers, 'NATS_SERVERS').split(','),
        httpPort: vars.INDEXER_HTTP_PORT,
        logLevel: vars.LOG_LEVEL,
        source: sourceOf(vars, club, required),
    };
}

type Required = <T>(value: T | undefined, name: string) => T;

function sourceOf(vars: z.infer<typeof Environment>, club: NetworkProfile['clubs'][string] | undefined, required: Required): IndexerConfig['source'] {
    if (vars.INDEXER_BLOCKS_DIR !== undefined) {
        return { kind: 'files', dir: vars.INDEXER_BLOCKS_DIR };
    }
    const hostAlias = vars.GATEWAY_HOST_ALIAS ?? club?.gateway?.hostAlias;
    return {
        kind: 'peer',
        endpoint: required(vars.GATEWAY_ENDPOINT ?? club?.gateway?.endpoint, 'GATEWAY_ENDPOINT'),
        ...(hostAlias === undefined ? {} : { hostAlias }),
        tlsRootCertPath: required(vars.GATEWAY_TLS_ROOT_CERT ?? club?.gateway?.tlsRootCertPath, 'GATEWAY_TLS_ROOT_CERT'),
        // Reading blocks needs no more than the club's auditor identity.
        certPath: required(vars.INDEXER_CERT ?? club?.identities.auditor?.certPath, 'INDEXER_CERT'),
        keyPath: required(vars.INDEXER_KEY ?? club?.identities.auditor?.keyPath, 'INDEXER_KEY'),
    };
}

function channelsOf(profile: NetworkProfile | undefined, club: string): string[] {
    return Object.entries(profile?.channels ?? {})
        .filter(([, clubs]) => clubs.includes(club))
        .map(([channel]) => channel);
}

function postgresUrl({ postgres }: NetworkProfile): string {
    return `postgres://${postgres.user}@${postgres.host}:${postgres.port}/${postgres.database}`;
}
