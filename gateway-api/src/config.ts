import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { API_TOKEN_AUDIENCE, LOCAL_ISSUER_DIRECTORY, LOCAL_TOKEN_ISSUER } from './auth/issuer.js';
import { LOCAL_JWKS_FILE } from './auth/local-issuer.js';
import type { ClubLedgerAccess } from './fabric-ledger.js';

const repositoryRoot = path.resolve(new URL('../..', import.meta.url).pathname);

/** The parts of .network/network.json (written by test-network.sh) the API reads its defaults from. */
const NetworkProfile = z.object({
    clubs: z.record(
        z.string(),
        z.object({
            key: z.string(),
            identities: z.object({
                admin: z.object({ certPath: z.string(), keyPath: z.string() }),
                staff: z.object({ certPath: z.string(), keyPath: z.string() }),
                auditor: z.object({ certPath: z.string(), keyPath: z.string() }),
            }),
            /** The club's gateway endpoint: our Gateway service beside a 2.1 peer, or a Fabric >= 2.4 peer itself. */
            gateway: z.object({ endpoint: z.string(), hostAlias: z.string().optional(), tlsRootCertPath: z.string() }).optional(),
        }),
    ),
    postgres: z.object({ host: z.string(), port: z.number(), user: z.string(), database: z.string() }),
    nats: z.object({ servers: z.string() }),
});

const Environment = z.object({
    RCN_NETWORK_PROFILE: z.string().default(path.join(repositoryRoot, '.network/network.json')),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(17400),
    API_HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: z.string().optional(),
    API_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway_api'),
    NATS_SERVERS: z.string().optional(),
    JWT_KEYS: z.string().default(path.join(repositoryRoot, LOCAL_ISSUER_DIRECTORY, LOCAL_JWKS_FILE)),
    JWT_ISSUER: z.string().default(LOCAL_TOKEN_ISSUER),
    JWT_AUDIENCE: z.string().default(API_TOKEN_AUDIENCE),
    PASS_KEYS_DIR: z.string().default(path.join(repositoryRoot, '.network/passkeys')),
    CHAINCODE_NAME: z.string().default('reciprocal'),
    GRAPHIQL: z.stringbool().default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
});

export interface ApiConfig {
    readonly port: number;
    readonly host: string;
    readonly databaseUrl: string;
    readonly apiSchema: string;
    /** Each served club's indexer schema (its read model). */
    readonly indexerSchemas: Readonly<Record<string, string>>;
    readonly natsServers: readonly string[];
    readonly jwt: { readonly keys: string; readonly issuer: string; readonly audience: string };
    readonly passKeysDir: string;
    readonly chaincodeName: string;
    /** Clubs whose peer the API reaches; ledger calls of other clubs are refused. */
    readonly ledgerAccess: Readonly<Record<string, ClubLedgerAccess>>;
    readonly graphiql: boolean;
    readonly logLevel: string;
}

/** Validated configuration from the environment, defaulting to the local network's profile. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
    const parsed = Environment.safeParse(env);
    if (!parsed.success) {
        throw new Error(`invalid API configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const vars = parsed.data;
    if (!existsSync(vars.RCN_NETWORK_PROFILE)) {
        throw new Error(`invalid API configuration: no network profile at ${vars.RCN_NETWORK_PROFILE} (run ./test-network.sh up, or set RCN_NETWORK_PROFILE)`);
    }
    const profile = NetworkProfile.parse(JSON.parse(readFileSync(vars.RCN_NETWORK_PROFILE, 'utf8')));
    const { host, port, user, database } = profile.postgres;
    const clubs = Object.entries(profile.clubs);
    return {
        port: vars.API_PORT,
        host: vars.API_HOST,
        databaseUrl: vars.DATABASE_URL ?? `postgres://${user}@${host}:${port}/${database}`,
        apiSchema: vars.API_SCHEMA,
        indexerSchemas: Object.fromEntries(clubs.map(([mspId, club]) => [mspId, `indexer_${club.key}`])),
        natsServers: (vars.NATS_SERVERS ?? profile.nats.servers).split(','),
        jwt: { keys: vars.JWT_KEYS, issuer: vars.JWT_ISSUER, audience: vars.JWT_AUDIENCE },
        passKeysDir: vars.PASS_KEYS_DIR,
        chaincodeName: vars.CHAINCODE_NAME,
        ledgerAccess: Object.fromEntries(
            clubs.flatMap(([mspId, club]) => (club.gateway === undefined ? [] : [[mspId, { gateway: club.gateway, identities: club.identities }]])),
        ),
        graphiql: vars.GRAPHIQL,
        logLevel: vars.LOG_LEVEL,
    };
}
