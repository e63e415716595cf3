import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type DatabaseOptions, migrate, openPool, quoteIdentifier } from '../../../event-indexer/src/store/database.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../../../event-indexer/test/support/database.js';
import { ReadModel } from '../../src/read-model.js';

const apiMigrations = fileURLToPath(new URL('../../migrations', import.meta.url));

/** The PostgreSQL side of a deployment, in fresh schemas of the local server. */
export interface ClubDatabases {
    /** Each club's index, by MSP ID, as its indexer writes it. */
    readonly indexes: Readonly<Record<string, pg.Pool>>;
    /** The indexes as the API reads them: a login role that may only SELECT, so row-level security holds. */
    readonly readModel: ReadModel;
    /** The API's own schema (used visit passes). */
    readonly api: pg.Pool;
    close(): Promise<void>;
}

async function asSuperuser(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    try {
        await work(client);
    } finally {
        await client.end();
    }
}

/** A migrated index schema per club, the API's migrated schema, and the API's reading role. */
export async function clubDatabases(clubs: readonly string[]): Promise<ClubDatabases> {
    const indexes = new Map<string, TestDatabase>();
    const api: DatabaseOptions = { connectionString: postgresUrl(), schema: `test_api_${randomBytes(6).toString('hex')}` };
    const reader = `rcn_test_api_${randomBytes(4).toString('hex')}`;
    const dropAll = async () => {
        await Promise.all([...indexes.values()].map((index) => index.drop()));
        await asSuperuser(async (client) => {
            await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(api.schema)} CASCADE`);
            await client.query(`DROP ROLE IF EXISTS ${quoteIdentifier(reader)}`);
        });
    };
    try {
        for (const club of clubs) {
            indexes.set(club, await freshDatabase());
        }
        await migrate(api, () => undefined, apiMigrations);
        await asSuperuser(async (client) => {
            await client.query(`CREATE ROLE ${quoteIdentifier(reader)} LOGIN`);
            for (const index of indexes.values()) {
                const schema = quoteIdentifier(index.options.schema);
                await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${quoteIdentifier(reader)}`);
                await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${quoteIdentifier(reader)}`);
            }
        });
    } catch (error) {
        await dropAll();
        throw error;
    }
    const readerUrl = new URL(postgresUrl());
    readerUrl.username = reader;
    const readModel = new ReadModel({
        connectionString: readerUrl.toString(),
        schemas: Object.fromEntries([...indexes].map(([club, index]) => [club, index.options.schema])),
        maxConnections: 2,
    });
    const apiPool = openPool(api);
    return {
        indexes: Object.fromEntries([...indexes].map(([club, index]) => [club, index.pool])),
        readModel,
        api: apiPool,
        async close() {
            await Promise.all([readModel.close(), apiPool.end()]);
            await dropAll();
        },
    };
}
