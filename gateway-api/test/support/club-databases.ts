import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { type DatabaseOptions, migrate, openPool, quoteIdentifier } from '../../../event-indexer/src/store/database.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../../../event-indexer/test/support/database.js';
import { ReadModel } from '../../src/read-model.js';
import { type ReadingRole, asSuperuser, readingRole } from './reading-role.js';

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

/** A migrated index schema per club, the API's migrated schema, and the API's reading role. */
export async function clubDatabases(clubs: readonly string[]): Promise<ClubDatabases> {
    const indexes = new Map<string, TestDatabase>();
    const api: DatabaseOptions = { connectionString: postgresUrl(), schema: `test_api_${randomBytes(6).toString('hex')}` };
    let reader: ReadingRole | undefined;
    const dropAll = async () => {
        await Promise.all([...indexes.values()].map((index) => index.drop()));
        await asSuperuser(async (client) => {
            await client.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(api.schema)} CASCADE`);
        });
        await reader?.drop();
    };
    try {
        for (const club of clubs) {
            indexes.set(club, await freshDatabase());
        }
        await migrate(api, () => undefined, apiMigrations);
        reader = await readingRole([...indexes.values()].map((index) => index.options.schema));
    } catch (error) {
        await dropAll();
        throw error;
    }
    const readModel = new ReadModel({
        connectionString: reader.url,
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
