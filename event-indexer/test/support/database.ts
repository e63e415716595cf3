import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { type DatabaseOptions, migrate, openPool, quoteIdentifier } from '../../src/store/database.js';

interface Profile {
    /** Where test-network.sh keeps the network's state, its processes' pid files among it (`pids/`). */
    readonly stateDir: string;
    readonly postgres: { readonly host: string; readonly port: number; readonly user: string; readonly database: string };
    readonly nats: { readonly servers: string };
}

/** The local network's connection settings (.network/network.json, written by test-network.sh). */
export function networkProfile(): Profile {
    const file = process.env.RCN_NETWORK_PROFILE ?? new URL('../../../.network/network.json', import.meta.url);
    return JSON.parse(readFileSync(file, 'utf8')) as Profile;
}

export function postgresUrl(): string {
    const { host, port, user, database } = networkProfile().postgres;
    return `postgres://${user}@${host}:${port}/${database}`;
}

export interface TestDatabase {
    readonly options: DatabaseOptions;
    readonly pool: pg.Pool;
    /** Drops the schema and closes the pool. */
    drop(): Promise<void>;
}

/** A migrated schema of its own in the real local PostgreSQL, for one test file. */
export async function freshDatabase(): Promise<TestDatabase> {
    const options: DatabaseOptions = { connectionString: postgresUrl(), schema: `test_${randomBytes(6).toString('hex')}` };
    await migrate(options);
    const pool = openPool(options);
    return {
        options,
        pool,
        async drop() {
            await pool.end();
            const admin = new pg.Client({ connectionString: options.connectionString });
            await admin.connect();
            await admin.query(`DROP SCHEMA ${quoteIdentifier(options.schema)} CASCADE`);
            await admin.end();
        },
    };
}
