import pg from 'pg';

/** Where each club's indexer keeps its read model. */
export interface ReadModelOptions {
    readonly connectionString: string;
    /** Schema of each club's index, by MSP ID. */
    readonly schemas: Readonly<Record<string, string>>;
    readonly maxConnections?: number;
}

/**
 * The PostgreSQL read model, seen as one club: queries run in that club's index schema with
 * `rcn.club` set, so row-level security shows personal data of its own members only.
 */
export class ReadModel {
    readonly #pools = new Map<string, pg.Pool>();
    /** Each query text's prepared statement name: the texts come from the schema's code, values are always bound. */
    readonly #statements = new Map<string, string>();

    constructor(options: ReadModelOptions) {
        for (const [club, schema] of Object.entries(options.schemas)) {
            const pool = new pg.Pool({
                connectionString: options.connectionString,
                max: options.maxConnections ?? 10,
                options: `-c search_path="${schema.replaceAll('"', '""')}" -c rcn.club=${club}`,
            });
            // A connection lost while PostgreSQL restarts: the query in flight fails on its own; an
            // unheard 'error' event would end the process.
            pool.on('error', () => undefined);
            this.#pools.set(club, pool);
        }
    }

    /**
     * A prepared statement per query text and connection, so PostgreSQL parses and analyses each text once per
     * connection rather than on every request.
     */
    async query<Row extends pg.QueryResultRow>(club: string, text: string, values: readonly unknown[] = []): Promise<Row[]> {
        let name = this.#statements.get(text);
        if (name === undefined) {
            name = `rcn_read_${this.#statements.size.toString()}`;
            this.#statements.set(text, name);
        }
        return (await this.poolOf(club).query<Row>({ name, text, values: [...values] })).rows;
    }

    /** The pool of one club's read model, for work that needs more than one query (the integrity walk). */
    poolOf(club: string): pg.Pool {
        const pool = this.#pools.get(club);
        if (pool === undefined) {
            throw new Error(`no read model for club ${club}`);
        }
        return pool;
    }

    async isReachable(): Promise<boolean> {
        const checks = [...this.#pools.values()].map(async (pool) => (await pool.query('SELECT 1')).rowCount === 1);
        return (await Promise.all(checks)).every(Boolean);
    }

    async close(): Promise<void> {
        await Promise.all([...this.#pools.values()].map((pool) => pool.end()));
    }
}
