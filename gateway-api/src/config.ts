import path from 'node:path';
import { type ClubProfile, type IdentityFiles, type NetworkProfile, LOCAL_NETWORK_PROFILE, channelsOf, loadNetworkProfile, postgresUrlOf } from '@reciprocal-clubs/ledger-connection';
import { z } from 'zod';
import { API_TOKEN_AUDIENCE, LOCAL_ISSUER_DIRECTORY, LOCAL_TOKEN_ISSUER } from './auth/issuer.js';
import { LOCAL_JWKS_FILE } from './auth/local-issuer.js';
import type { ClubLedgerAccess, FabricRole } from './club-gateways.js';
import { ConfigurationError } from './configuration-error.js';

const repositoryRoot = path.resolve(new URL('../..', import.meta.url).pathname);

const Environment = z.object({
    RCN_NETWORK_PROFILE: z.string().default(LOCAL_NETWORK_PROFILE),
    API_PORT: z.coerce.number().int().min(0).max(65535).default(17400),
    API_HOST: z.string().default('127.0.0.1'),
    DATABASE_URL: z.string().optional(),
    API_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('gateway_api'),
    NATS_SERVERS: z.string().optional(),
    JWT_KEYS: z.string().default(path.join(repositoryRoot, LOCAL_ISSUER_DIRECTORY, LOCAL_JWKS_FILE)),
    JWT_ISSUER: z.string().default(LOCAL_TOKEN_ISSUER),
    JWT_AUDIENCE: z.string().default(API_TOKEN_AUDIENCE),
    PASS_KEYS_DIR: z.string().default(path.join(repositoryRoot, '.network/passkeys')),
    CHAINCODE_NAME: z.string().optional(),
    GRAPHIQL: z.stringbool().default(false),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    STARTUP_WAIT_SECONDS: z.coerce.number().min(0).max(3600).default(30),
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
    /** Clubs whose gateway the API reaches; ledger calls of other clubs are refused. */
    readonly ledgerAccess: Readonly<Record<string, ClubLedgerAccess>>;
    readonly graphiql: boolean;
    readonly logLevel: string;
    /** How long start-up waits for PostgreSQL and NATS before it gives up. */
    readonly startupWaitMs: number;
}

function profileAt(file: string): NetworkProfile {
    try {
        return loadNetworkProfile(file);
    } catch (error) {
        const hint = ' (run ./test-network.sh up, or set RCN_NETWORK_PROFILE)';
        throw new ConfigurationError(`invalid API configuration: ${error instanceof Error ? error.message : String(error)}${hint}`, { cause: error });
    }
}

function ledgerAccessOf(profile: NetworkProfile, mspId: string, club: ClubProfile): ClubLedgerAccess {
    const identity = (role: FabricRole): IdentityFiles => {
        const files = club.identities[role];
        if (files === undefined) {
            throw new ConfigurationError(`invalid API configuration: the network profile names no ${role} identity of ${mspId}`);
        }
        return files;
    };
    return {
        gateway: club.gateway,
        identities: { admin: identity('admin'), staff: identity('staff'), auditor: identity('auditor') },
        channels: channelsOf(profile, mspId),
    };
}

/** Validated configuration from the environment, defaulting to the local network's profile. */
export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
    const parsed = Environment.safeParse(env);
    if (!parsed.success) {
        throw new ConfigurationError(`invalid API configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const vars = parsed.data;
    const profile = profileAt(vars.RCN_NETWORK_PROFILE);
    const clubs = Object.entries(profile.clubs);
    return {
        port: vars.API_PORT,
        host: vars.API_HOST,
        databaseUrl: vars.DATABASE_URL ?? postgresUrlOf(profile),
        apiSchema: vars.API_SCHEMA,
        indexerSchemas: Object.fromEntries(clubs.map(([mspId, club]) => [mspId, `indexer_${club.key}`])),
        natsServers: (vars.NATS_SERVERS ?? profile.nats.servers).split(','),
        jwt: { keys: vars.JWT_KEYS, issuer: vars.JWT_ISSUER, audience: vars.JWT_AUDIENCE },
        passKeysDir: vars.PASS_KEYS_DIR,
        chaincodeName: vars.CHAINCODE_NAME ?? profile.chaincode,
        ledgerAccess: Object.fromEntries(clubs.map(([mspId, club]) => [mspId, ledgerAccessOf(profile, mspId, club)])),
        graphiql: vars.GRAPHIQL,
        logLevel: vars.LOG_LEVEL,
        startupWaitMs: vars.STARTUP_WAIT_SECONDS * 1000,
    };
}
