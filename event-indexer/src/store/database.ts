import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';
import { type UntilReachableOptions, untilReachable } from '../startup/until-reachable.js';

/** Where one club's index lives: a PostgreSQL database and the schema that holds its tables. */
export interface DatabaseOptions {
    readonly connectionString: string;
    /** Each club's indexer keeps its own schema, so several clubs can share one local server. */
    readonly schema: string;
    readonly maxConnections?: number;
}

/** The indexer's own migrations; other components pass theirs. */
const indexerMigrations = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * A pool whose connections see the club's schema first. A connection lost while PostgreSQL restarts is
 * reported to `onConnectionLost`: pg announces it with an 'error' event (from the pool for an idle
 * client, from the client itself for one checked out), and an 'error' event nobody listens to ends
 * the process. The work in flight fails on its own and is retried by its caller.
 */
export function openPool(options: DatabaseOptions, onConnectionLost: (error: Error) => void = () => undefined): pg.Pool {
    const pool = new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
        options: `-c search_path=${quoteIdentifier(options.schema)}`,
    });
    pool.on('error', onConnectionLost);
    pool.on('connect', (client) => {
        client.on('error', () => undefined);
    });
    return pool;
}

/** Resolves once PostgreSQL accepts a connection, trying for at most `withinMs` (start-up's bounded wait). */
export async function waitForDatabase(connectionString: string, options: Omit<UntilReachableOptions, 'neighbour'>): Promise<void> {
    await untilReachable(
        async () => {
            const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000 });
            client.on('error', () => undefined);
            await client.connect();
            await client.end();
        },
        { neighbour: 'PostgreSQL', ...options },
    );
}

/** Creates the schema if needed and applies every pending migration (node-pg-migrate, versioned SQL files). */
export async function migrate(
    options: DatabaseOptions,
    log: (message: string) => void = () => undefined,
    migrationsDir: string = indexerMigrations,
): Promise<void> {
    const client = new pg.Client({ connectionString: options.connectionString });
    await client.connect();
    try {
        await runner({
            dbClient: client,
            dir: migrationsDir,
            direction: 'up',
            schema: options.schema,
            createSchema: true,
            migrationsTable: 'schema_migrations',
            checkOrder: true,
            lockValue: migrationLockOf(options.schema),
            log,
        });
    } finally {
        await client.end();
    }
}

/**
 * node-pg-migrate takes one advisory lock for the whole database, without waiting: the indexers of
 * several clubs (and other components) starting together on one server would refuse each other.
 * A lock per schema still keeps two migrations of one schema apart.
 */
function migrationLockOf(schema: string): number {
    return createHash('sha256').update(`node-pg-migrate ${schema}`).digest().readUIntBE(0, 6);
}

export function quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
}
