import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { quoteIdentifier } from '../event-indexer/src/store/database.js';
import { TEST_CLUB } from '../event-indexer/test/support/block-builder.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../event-indexer/test/support/database.js';
import { LOCAL_JWKS_FILE, LocalIssuer } from '../gateway-api/src/auth/local-issuer.js';
import type { ApiServerJob, ApiServerMessage } from './support/api-server-process.js';
import { BENCH_STATE_DIR, type ChainShape, benchChain, describeChain } from './support/bench-chain.js';
import { runChannel } from './support/channel-run.js';
import { firstMessage, forkTypeScript } from './support/child-process.js';
import { type BenchReport, progress } from './support/report.js';
import { type Percentiles, formatCount, formatMs, formatRatio, percentiles } from './support/stats.js';

const NAME = 'api-reads';
const P95_BAR_MS = 10;
const RATIO_BAR = 0.5;
const WARM_UP_SECONDS = 2;
/** For the single requests that check the answers before the load. */
const ANSWER_TIMEOUT_MS = 10_000;
const CHANNEL = 'atlantic';
/** A quarter of the journey's visit season: thousands of visits once the chain is replicated. */
const DATE_RANGE = { from: '2026-05-01', until: '2026-07-31' } as const;

/** What a club's desk asks all day: the first page of visits in a date range. */
const VISITS_QUERY = `query Visits($channel: String!, $from: Date, $until: Date) {
  visits(channel: $channel, from: $from, until: $until, first: 20) {
    edges { cursor node { visitId memberNumber homeClub hostClub visitDate facility guests status fee { amountMinor currency } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const TYPENAME_QUERY = '{ __typename }';

export interface ApiReadsOptions {
    readonly chain: ChainShape;
    readonly regenerate: boolean;
    readonly seconds: number;
    readonly connections: number;
}

interface Load {
    readonly requestsPerSecond: number;
    readonly latency: Percentiles;
    readonly requests: number;
}

/** The real Express app over a read model the indexer filled, loaded with a typical visits query and with Yoga's trivial query. */
export async function apiReads(options: ApiReadsOptions): Promise<BenchReport> {
    const chain = await benchChain(options.chain, { regenerate: options.regenerate, log: (message) => { progress(NAME, message); } });
    const database = await freshDatabase();
    const reader = `rcn_bench_api_${randomBytes(4).toString('hex')}`;
    try {
        progress(NAME, `filling the read model: indexing ${chain.transactions.toLocaleString('en-US')} transactions`);
        await runChannel({ dir: chain.dir, channel: chain.channel, pool: database.pool, lastBlock: BigInt(chain.blocks - 1), timeoutMs: 10 * 60_000 });
        const visits = await visitCounts(database);
        await grantReadOnly(database, reader);

        const issuerDir = path.join(BENCH_STATE_DIR, 'issuer');
        const token = await (await LocalIssuer.open(issuerDir)).issue({ sub: 'bench-desk', club: TEST_CLUB, role: 'staff' }, '1h');
        const connection = new URL(postgresUrl());
        connection.username = reader;
        const job: ApiServerJob = {
            connectionString: connection.toString(),
            schemas: { [TEST_CLUB]: database.options.schema },
            jwksPath: path.join(issuerDir, LOCAL_JWKS_FILE),
        };
        const server = forkTypeScript(new URL('./support/api-server-process.ts', import.meta.url), [JSON.stringify(job)]);
        try {
            const listening = await firstMessage<ApiServerMessage>(server, 60_000, 'the API server');
            if (listening.kind !== 'listening') {
                throw new Error('the API server did not start listening');
            }
            const url = `http://127.0.0.1:${listening.port.toString()}/graphql`;
            const visitsBody = JSON.stringify({ query: VISITS_QUERY, variables: { channel: CHANNEL, ...DATE_RANGE } });
            const typenameBody = JSON.stringify({ query: TYPENAME_QUERY });
            await expectAnswer(url, token, visitsBody, (data) => pageSize(data) === 20, 'a full page of 20 visits');
            await expectAnswer(url, token, typenameBody, (data) => data.__typename === 'Query', '{ __typename } to answer Query');

            progress(NAME, `visits query: ${options.connections.toString()} connections for ${options.seconds.toString()} s (after ${WARM_UP_SECONDS.toString()} s of warm-up)`);
            const visitsLoad = await measure(url, token, visitsBody, options);
            progress(NAME, `{ __typename }: ${options.connections.toString()} connections for ${options.seconds.toString()} s (after ${WARM_UP_SECONDS.toString()} s of warm-up)`);
            const typenameLoad = await measure(url, token, typenameBody, options);

            server.send('stop');
            const stopped = await firstMessage<ApiServerMessage>(server, 30_000, 'the API server');
            const ledgerCalls = stopped.kind === 'stopped' ? stopped.ledgerCalls : Number.NaN;
            if (ledgerCalls !== 0) {
                throw new Error(`reads reached the ledger ${String(ledgerCalls)} times`);
            }
            const ratio = visitsLoad.requestsPerSecond / typenameLoad.requestsPerSecond;
            return {
                benchmark: NAME,
                figures: [
                    {
                        figure: 'throughput (requests/s)',
                        measured: `${formatCount(visitsLoad.requestsPerSecond)} visits`,
                        comparedWith: `${formatCount(typenameLoad.requestsPerSecond)} __typename`,
                        ratio: formatRatio(ratio),
                        bar: `ratio ≥ ${RATIO_BAR.toString()}`,
                        meetsBar: ratio >= RATIO_BAR,
                    },
                    { figure: 'latency p50', measured: `${formatMs(visitsLoad.latency.p50)} visits`, comparedWith: `${formatMs(typenameLoad.latency.p50)} __typename` },
                    {
                        figure: 'latency p95',
                        measured: `${formatMs(visitsLoad.latency.p95)} visits`,
                        comparedWith: `${formatMs(typenameLoad.latency.p95)} __typename`,
                        bar: `visits p95 < ${P95_BAR_MS.toString()} ms`,
                        meetsBar: visitsLoad.latency.p95 < P95_BAR_MS,
                    },
                ],
                notes: [
                    describeChain(chain),
                    `read model: that chain indexed as ${TEST_CLUB} (${visits.total.toLocaleString('en-US')} visits, ${visits.inRange.toLocaleString('en-US')} ` +
                        `from ${DATE_RANGE.from} to ${DATE_RANGE.until} that ${TEST_CLUB} hosted or its members made), read by a SELECT-only login role`,
                    `visits query: visits(channel, from: ${DATE_RANGE.from}, until: ${DATE_RANGE.until}, first: 20) with ten fields per visit, ` +
                        `the page info and cursors; ${formatCount(visitsLoad.requests)} requests measured, ${formatCount(typenameLoad.requests)} for { __typename }`,
                    `the real app (createHttpApp + createApiYoga + JwtVerifier) in its own process on 127.0.0.1, every request with a LocalIssuer ` +
                        `staff token; autocannon with ${options.connections.toString()} connections in this process; the rate limiter runs with limits ` +
                        `no load reaches; latency per response, p50/p95 nearest-rank`,
                    'the ledger given to the API refuses every call: it was called 0 times',
                ],
            };
        } finally {
            server.kill();
        }
    } finally {
        await dropRole(reader);
        await database.drop();
    }
}

/** Every visit in the read model, and those the benchmark's query selects before paging. */
async function visitCounts(database: TestDatabase): Promise<{ total: number; inRange: number }> {
    const { rows } = await database.pool.query<{ total: number; in_range: number }>(
        `SELECT count(*)::int AS total,
                (count(*) FILTER (WHERE visit_date BETWEEN $1 AND $2 AND $3 IN (host_club, home_club)))::int AS in_range
         FROM visits`,
        [DATE_RANGE.from, DATE_RANGE.until, TEST_CLUB],
    );
    return { total: rows[0]?.total ?? 0, inRange: rows[0]?.in_range ?? 0 };
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

/** A login role that may only read the schema: row-level security applies to it as to the deployed API. */
async function grantReadOnly(database: TestDatabase, role: string): Promise<void> {
    const schema = quoteIdentifier(database.options.schema);
    await asSuperuser(async (client) => {
        await client.query(`CREATE ROLE ${quoteIdentifier(role)} LOGIN`);
        await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${quoteIdentifier(role)}`);
        await client.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${quoteIdentifier(role)}`);
    });
}

async function dropRole(role: string): Promise<void> {
    // The schema still holds the role's grants: revoke them with it.
    await asSuperuser(async (client) => {
        const { rows } = await client.query<{ exists: boolean }>('SELECT exists(SELECT FROM pg_roles WHERE rolname = $1)', [role]);
        if (rows[0]?.exists === true) {
            await client.query(`DROP OWNED BY ${quoteIdentifier(role)}`);
            await client.query(`DROP ROLE ${quoteIdentifier(role)}`);
        }
    });
}

interface GraphqlAnswer {
    readonly data?: Record<string, unknown> | null;
    readonly errors?: readonly unknown[];
}

function pageSize(data: Record<string, unknown>): number | undefined {
    const visits = data.visits as { edges?: readonly unknown[] } | undefined;
    return visits?.edges?.length;
}

/** One request before the load: the benchmark must measure answers, not refusals. */
async function expectAnswer(url: string, token: string, body: string, check: (data: Record<string, unknown>) => boolean, what: string): Promise<void> {
    const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    }).catch((error: unknown) => {
        throw new Error(`expected ${what}; the API did not answer within ${ANSWER_TIMEOUT_MS.toString()} ms`, { cause: error });
    });
    const answer = (await response.json()) as GraphqlAnswer;
    if (response.status !== 200 || answer.errors !== undefined || answer.data == null || !check(answer.data)) {
        throw new Error(`expected ${what}; got ${response.status.toString()} ${JSON.stringify(answer).slice(0, 500)}`);
    }
}

/** A warm-up run, then the measured one: requests/s from autocannon, latency percentiles from every response. */
async function measure(url: string, token: string, body: string, options: ApiReadsOptions): Promise<Load> {
    await fire(url, token, body, options.connections, WARM_UP_SECONDS);
    const { result, responseTimes } = await fire(url, token, body, options.connections, options.seconds);
    const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
    if (failures > 0) {
        throw new Error(
            `${failures.toString()} failed requests (errors ${result.errors.toString()}, timeouts ${result.timeouts.toString()}, ` +
                `non-2xx ${result.non2xx.toString()}, GraphQL errors ${result.mismatches.toString()})`,
        );
    }
    return { requestsPerSecond: result.requests.average, latency: percentiles(responseTimes), requests: responseTimes.length };
}

function fire(url: string, token: string, body: string, connections: number, seconds: number): Promise<{ result: autocannon.Result; responseTimes: number[] }> {
    const responseTimes: number[] = [];
    return new Promise((resolve, reject) => {
        const instance = autocannon(
            {
                url,
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body,
                connections,
                duration: seconds,
                // A GraphQL error still answers 200: count it as a failed request.
                verifyBody: (text) => !String(text).includes('"errors"'),
            },
            (error: Error | null, result: autocannon.Result) => {
                if (error !== null) {
                    reject(error);
                } else {
                    resolve({ result, responseTimes });
                }
            },
        );
        instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
            responseTimes.push(responseTime);
        });
    });
}
