import { randomBytes } from 'node:crypto';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { quoteIdentifier } from '../event-indexer/src/store/database.js';
import { TEST_CLUB } from '../event-indexer/test/support/block-builder.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../event-indexer/test/support/database.js';
import { LOCAL_JWKS_FILE, LocalIssuer } from '../gateway-api/src/auth/local-issuer.js';
import type { ApiServerJob, ApiServerReport } from './support/api-server-process.js';
import type { BareServerJob, BareServerReport } from './support/bare-server-process.js';
import { BENCH_STATE_DIR, type ChainShape, benchChain, describeChain } from './support/bench-chain.js';
import { runChannel } from './support/channel-run.js';
import { type BenchReport, type Figure, progress } from './support/report.js';
import { startServerProcess } from './support/server-process.js';
import { type Percentiles, formatCount, formatMs, formatRatio, percentiles } from './support/stats.js';

const NAME = 'api-reads';
/** The issue's bars, all in one run at `connections`: visits against `{ __typename }`, and that against bare node:http. */
const VISITS_THROUGHPUT_BAR = 0.7;
const VISITS_P95_BAR = 1.5;
const FRAMEWORK_THROUGHPUT_BAR = 0.5;
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

/** One kind of request the load is made of: where it goes, and what it asks. */
interface Contender {
    readonly name: string;
    readonly url: string;
    readonly body: string;
}

type Loads = Readonly<Record<'visits' | 'typename' | 'bare', Load>>;

/**
 * The real Express app over a read model the indexer filled, loaded with a typical visits query and with Yoga's
 * trivial query, and a bare node:http server checking the same token, at `connections` and at 1 connection.
 */
export async function apiReads(options: ApiReadsOptions): Promise<BenchReport> {
    const chain = await benchChain(options.chain, { regenerate: options.regenerate, log: (message) => { progress(NAME, message); } });
    const database = await freshDatabase();
    const reader = `rcn_bench_api_${randomBytes(4).toString('hex')}`;
    try {
        progress(NAME, `filling the read model: indexing ${chain.transactions.toLocaleString('en-US')} transactions`);
        await runChannel({ dir: chain.dir, channel: chain.channel, pool: database.pool, lastBlock: BigInt(chain.blocks - 1), timeoutMs: 10 * 60_000 });
        // Autovacuum would within a minute or so of the load, changing the query plans in the middle of the measurement.
        await database.pool.query('ANALYZE');
        const visits = await visitCounts(database);
        await grantReadOnly(database, reader);

        const issuerDir = path.join(BENCH_STATE_DIR, 'issuer');
        const token = await (await LocalIssuer.open(issuerDir)).issue({ sub: 'bench-desk', club: TEST_CLUB, role: 'staff' }, '1h');
        const jwksPath = path.join(issuerDir, LOCAL_JWKS_FILE);
        const connection = new URL(postgresUrl());
        connection.username = reader;
        const apiJob: ApiServerJob = { connectionString: connection.toString(), schemas: { [TEST_CLUB]: database.options.schema }, jwksPath };
        const bareJob: BareServerJob = { jwksPath };
        const api = await startServerProcess<ApiServerReport>(new URL('./support/api-server-process.ts', import.meta.url), apiJob, 'the API server');
        const bare = await startServerProcess<BareServerReport>(new URL('./support/bare-server-process.ts', import.meta.url), bareJob, 'the bare node:http server')
            .catch((error: unknown) => {
                api.kill();
                throw error;
            });
        try {
            const typenameBody = JSON.stringify({ query: TYPENAME_QUERY });
            const contenders = {
                visits: { name: 'visits', url: `${api.origin}/graphql`, body: JSON.stringify({ query: VISITS_QUERY, variables: { channel: CHANNEL, ...DATE_RANGE } }) },
                typename: { name: '{ __typename }', url: `${api.origin}/graphql`, body: typenameBody },
                bare: { name: 'bare node:http', url: `${bare.origin}/graphql`, body: typenameBody },
            } as const satisfies Record<keyof Loads, Contender>;
            await expectAnswer(contenders.visits, token, (data) => pageSize(data) === 20, 'a full page of 20 visits');
            await expectAnswer(contenders.typename, token, (data) => data.__typename === 'Query', '{ __typename } to answer Query');
            await expectAnswer(contenders.bare, token, (data) => data.__typename === 'Query', 'the bare server to answer Query');

            const crowded = await measureEach(contenders, token, options.connections, options.seconds);
            const single = await measureEach(contenders, token, 1, options.seconds);

            const { ledgerCalls } = await api.stop();
            if (ledgerCalls !== 0) {
                throw new Error(`reads reached the ledger ${ledgerCalls.toString()} times`);
            }
            const { refusedTokens } = await bare.stop();
            if (refusedTokens !== 0) {
                throw new Error(`the bare server refused the token ${refusedTokens.toString()} times`);
            }
            return {
                benchmark: NAME,
                figures: figures(crowded, single, options.connections),
                notes: [
                    describeChain(chain),
                    `read model: that chain indexed as ${TEST_CLUB} (${visits.total.toLocaleString('en-US')} visits, ${visits.inRange.toLocaleString('en-US')} ` +
                        `from ${DATE_RANGE.from} to ${DATE_RANGE.until} that ${TEST_CLUB} hosted or its members made), ANALYZEd, read by a SELECT-only login role`,
                    `visits query: visits(channel, from: ${DATE_RANGE.from}, until: ${DATE_RANGE.until}, first: 20) with ten fields per visit, ` +
                        `the page info and cursors; requests measured at ${options.connections.toString()} connections: ${formatCount(crowded.visits.requests)} visits, ` +
                        `${formatCount(crowded.typename.requests)} { __typename }, ${formatCount(crowded.bare.requests)} bare`,
                    `the real app (createHttpApp + createApiYoga + JwtVerifier) in its own process on 127.0.0.1, every request with a LocalIssuer ` +
                        `staff token; the rate limiter runs with limits no load reaches`,
                    'bare node:http: a server in a process of its own that reads the body, checks the bearer token with the same JwtVerifier ' +
                        'over the same key set, and answers what the API answers to { __typename }: the cost of the framework stack is the difference',
                    `autocannon in this process, ${options.connections.toString()} connections then 1, ${options.seconds.toString()} s per contender after ` +
                        `${WARM_UP_SECONDS.toString()} s of warm-up, contenders one after another; latency per response, p50/p95 nearest-rank`,
                    'the ledger given to the API refuses every call: it was called 0 times',
                ],
            };
        } finally {
            api.kill();
            bare.kill();
        }
    } finally {
        await dropRole(reader);
        await database.drop();
    }
}

/** A figure and what it is measured against, as printed and as a number. */
interface Side {
    readonly text: string;
    readonly value: number;
}

/** A row whose bar is on the ratio of the measured figure to the one it is compared with. */
function ratioFigure(figure: string, measured: Side, comparedWith: Side, bar: { readonly atLeast: number } | { readonly atMost: number }): Figure {
    const ratio = measured.value / comparedWith.value;
    return {
        figure,
        measured: measured.text,
        comparedWith: comparedWith.text,
        ratio: formatRatio(ratio),
        ...('atLeast' in bar
            ? { bar: `ratio ≥ ${bar.atLeast.toString()}`, meetsBar: ratio >= bar.atLeast }
            : { bar: `ratio ≤ ${bar.atMost.toString()}`, meetsBar: ratio <= bar.atMost }),
    };
}

function figures(crowded: Loads, single: Loads, connections: number): Figure[] {
    const at = `${connections.toString()} connections`;
    const rate = (load: Load) => `${formatCount(load.requestsPerSecond)}/s`;
    const throughput = (load: Load, name: string): Side => ({ text: `${rate(load)} ${name}`, value: load.requestsPerSecond });
    const p95 = (load: Load, name: string): Side => ({ text: `${formatMs(load.latency.p95)} ${name}`, value: load.latency.p95 });
    const both = (load: Load) => `${formatMs(load.latency.p50)} / ${formatMs(load.latency.p95)}`;
    return [
        ratioFigure(`throughput, ${at}`, throughput(crowded.visits, 'visits'), throughput(crowded.typename, '__typename'), { atLeast: VISITS_THROUGHPUT_BAR }),
        ratioFigure(`latency p95, ${at}`, p95(crowded.visits, 'visits'), p95(crowded.typename, '__typename'), { atMost: VISITS_P95_BAR }),
        ratioFigure(`throughput, ${at}`, throughput(crowded.typename, '__typename'), throughput(crowded.bare, 'bare'), { atLeast: FRAMEWORK_THROUGHPUT_BAR }),
        { figure: `latency p50 / p95, ${at}`, measured: `${both(crowded.visits)} visits`, comparedWith: `${both(crowded.typename)} __typename` },
        { figure: `latency p50 / p95, ${at}`, measured: `${both(crowded.typename)} __typename`, comparedWith: `${both(crowded.bare)} bare` },
        { figure: 'latency p50 / p95, 1 connection', measured: `${both(single.visits)} visits`, comparedWith: `${both(single.typename)} __typename` },
        { figure: 'latency p50 / p95, 1 connection', measured: `${both(single.typename)} __typename`, comparedWith: `${both(single.bare)} bare` },
        {
            figure: 'throughput, 1 connection',
            measured: `${rate(single.visits)} visits, ${rate(single.typename)} __typename`,
            comparedWith: `${rate(single.bare)} bare`,
        },
    ];
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
async function expectAnswer(contender: Contender, token: string, check: (data: Record<string, unknown>) => boolean, what: string): Promise<void> {
    const response = await fetch(contender.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: contender.body,
        signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    }).catch((error: unknown) => {
        throw new Error(`expected ${what}; the API did not answer within ${ANSWER_TIMEOUT_MS.toString()} ms`, { cause: error });
    });
    const answer = (await response.json()) as GraphqlAnswer;
    if (response.status !== 200 || answer.errors !== undefined || answer.data == null || !check(answer.data)) {
        throw new Error(`expected ${what}; got ${response.status.toString()} ${JSON.stringify(answer).slice(0, 500)}`);
    }
}

/** Each contender in turn at the same number of connections. */
async function measureEach(contenders: Readonly<Record<keyof Loads, Contender>>, token: string, connections: number, seconds: number): Promise<Loads> {
    const each = (contender: Contender) => measure(contender, token, connections, seconds);
    return { visits: await each(contenders.visits), typename: await each(contenders.typename), bare: await each(contenders.bare) };
}

/** A warm-up run, then the measured one: requests/s from autocannon, latency percentiles from every response. */
async function measure(contender: Contender, token: string, connections: number, seconds: number): Promise<Load> {
    progress(NAME, `${contender.name}: ${connections.toString()} connections for ${seconds.toString()} s (after ${WARM_UP_SECONDS.toString()} s of warm-up)`);
    await fire(contender, token, connections, WARM_UP_SECONDS);
    const { result, responseTimes } = await fire(contender, token, connections, seconds);
    const failures = result.errors + result.timeouts + result.non2xx + result.mismatches;
    if (failures > 0) {
        throw new Error(
            `${failures.toString()} failed requests (errors ${result.errors.toString()}, timeouts ${result.timeouts.toString()}, ` +
                `non-2xx ${result.non2xx.toString()}, GraphQL errors ${result.mismatches.toString()})`,
        );
    }
    return { requestsPerSecond: result.requests.average, latency: percentiles(responseTimes), requests: responseTimes.length };
}

function fire(contender: Contender, token: string, connections: number, seconds: number): Promise<{ result: autocannon.Result; responseTimes: number[] }> {
    const responseTimes: number[] = [];
    return new Promise((resolve, reject) => {
        const instance = autocannon(
            {
                url: contender.url,
                method: 'POST',
                headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
                body: contender.body,
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
