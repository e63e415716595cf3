import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

/** Where one club's index lives: a PostgreSQL database and the schema that holds its tables. */
export interface DatabaseOptions {
    readonly connectionString: string;
    /** Each club's indexer keeps its own schema, so several clubs can share one local server. */
    readonly schema: string;
    readonly maxConnections?: number;
}

/** The indexer's own migrations; other components pass theirs. */
const indexerMigrations = fileURLToPath(new URL('../../migrations', import.meta.url));

/** A pool whose connections see the club's schema first. */
export function openPool(options: DatabaseOptions): pg.Pool {
    return new pg.Pool({
        connectionString: options.connectionString,
        max: options.maxConnections ?? 10,
        options: `-c search_path=${quoteIdentifier(options.schema)}`,
    });
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
            log,
        });
    } finally {
        await client.end();
    }
}

export function quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
}
