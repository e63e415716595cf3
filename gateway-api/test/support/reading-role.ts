import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { quoteIdentifier } from '../../../event-indexer/src/store/database.js';
import { postgresUrl } from '../../../event-indexer/test/support/database.js';

/** Runs work as the local server's superuser (the network's `rcn` user). */
export async function asSuperuser(work: (client: pg.Client) => Promise<unknown>): Promise<void> {
    const client = new pg.Client({ connectionString: postgresUrl() });
    await client.connect();
    try {
        await work(client);
    } finally {
        await client.end();
    }
}

/** A login role that may only SELECT in some schemas, and the URL to connect as it. */
export interface ReadingRole {
    readonly url: string;
    drop(): Promise<void>;
}

/**
 * The API's way into the read model, as in production: a role that may only read, so row-level security
 * restricts it (a superuser would bypass it).
 */
export async function readingRole(schemas: readonly string[]): Promise<ReadingRole> {
    const name = quoteIdentifier(`rcn_test_api_${randomBytes(4).toString('hex')}`);
    const drop = () =>
        asSuperuser(async (client) => {
            await client.query(`DROP OWNED BY ${name}`).catch(() => undefined);
            await client.query(`DROP ROLE IF EXISTS ${name}`);
        });
    try {
        await asSuperuser(async (client) => {
            await client.query(`CREATE ROLE ${name} LOGIN`);
            for (const schema of schemas.map(quoteIdentifier)) {
                await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${name}`);
                await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${name}`);
            }
        });
    } catch (error) {
        await drop();
        throw error;
    }
    const url = new URL(postgresUrl());
    url.username = name.slice(1, -1);
    return { url: url.toString(), drop };
}
