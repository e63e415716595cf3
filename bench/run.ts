import './support/quiet-chaincode-logs.js';
import { parseArgs } from 'node:util';
import { apiReads } from './api-reads.js';
import { checkInHistory } from './check-in-history.js';
import { indexerCatchUp } from './indexer-catch-up.js';
import { indexerLiveLag } from './indexer-live-lag.js';
import { indexerPeerStream } from './indexer-peer-stream.js';
import { ledgerSubmit } from './ledger-submit.js';
import type { ChainShape } from './support/bench-chain.js';
import type { BenchReport } from './support/report.js';
import { wholeStack } from './whole-stack.js';

const USAGE = `Usage: npm run bench -- [benchmark …] [options]

Benchmarks (all of them, in this order, when none is named):
  indexer-catch-up   a fresh index catching up on a chain from block 0, against a decode-only stream
  indexer-live-lag   block file committed → its rows visible in PostgreSQL, under a steady load
  api-reads          a typical visits query against { __typename }, over HTTP with autocannon
  ledger-submit      Visit:checkIn through the running API's checkIn mutation against raw fabric-gateway
  check-in-history   Visit:checkIn endorse → commit for a member with a long visit history against a short one
                     (builds the histories once, ~2 transactions per prior visit; kept in .network/bench)
  whole-stack        committed check-ins/s through the API with two clubs endorsing, sustained, with where the
                     time goes, indexer lag and every process's memory and CPU
  indexer-peer-stream
                     a fresh index catching up from Harbour's peer's block stream against a decode-only stream,
                     then a peer's commit → rows visible under a steady load (tops the channel up to
                     --peer-transactions first when it holds fewer)
                     (the last four need the whole network up: ./test-network.sh up)

Options:
  --transactions N   transactions in the generated chain (default 20000; cached under .network/bench/chains)
  --regenerate       generate the chain again even if it is cached
  --rate N           indexer-live-lag: blocks written per second (default 10)
  --seconds N        indexer-live-lag: seconds of steady load (default 30); whole-stack: seconds measured (default 60)
  --duration N       api-reads: seconds of load per query (default 10)
  --connections N    api-reads: concurrent connections (default 32)
  --serial-check-ins N      ledger-submit: check-ins per mode at concurrency 1 (default 48)
  --concurrent-check-ins N  ledger-submit: check-ins per mode at --concurrency (default 256)
  --concurrency N           ledger-submit: in-flight check-ins of the concurrent level (default 16);
                            whole-stack: closed-loop workers (default 64)
  --history N               check-in-history: prior visits of the long history (default 5000)
  --baseline-history N      check-in-history: prior visits of the short one (default 10)
  --samples N               check-in-history: timed check-ins per member (default 40)
  --members N               whole-stack: members with visits left this month ready before the load (default enough
                            for a check-in per worker and second: 1152 at the defaults; unused ones are kept for
                            the next run in .network/bench)
  --peer-transactions N     indexer-peer-stream: transactions the channel must hold, topped up with check-in + cancel
                            pairs when it holds fewer (default 20000)
  --lag-seconds N           indexer-peer-stream: seconds of steady load while the live lag is measured (default 30)
  --lag-rate N              indexer-peer-stream: transactions per second of that load (default 16)
  -h, --help         this text`;

const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
        transactions: { type: 'string', default: '20000' },
        regenerate: { type: 'boolean', default: false },
        rate: { type: 'string', default: '10' },
        // Shared by two benchmarks with different defaults: absent unless given.
        seconds: { type: 'string' },
        duration: { type: 'string', default: '10' },
        connections: { type: 'string', default: '32' },
        'serial-check-ins': { type: 'string', default: '48' },
        'concurrent-check-ins': { type: 'string', default: '256' },
        concurrency: { type: 'string' },
        history: { type: 'string', default: '5000' },
        'baseline-history': { type: 'string', default: '10' },
        samples: { type: 'string', default: '40' },
        members: { type: 'string' },
        'peer-transactions': { type: 'string', default: '20000' },
        'lag-seconds': { type: 'string', default: '30' },
        'lag-rate': { type: 'string', default: '16' },
        help: { type: 'boolean', short: 'h', default: false },
    },
});

function positiveNumber(name: string, text: string): number {
    const value = Number(text);
    if (!Number.isFinite(value) || value <= 0) {
        throw new Error(`--${name} must be a positive number, not ${text}`);
    }
    return value;
}

/** Every benchmark, run with the options read before any of them starts (a bad option fails at once). */
function benchmarks(): Readonly<Record<string, () => Promise<BenchReport>>> {
    const chain: ChainShape = {
        transactions: Math.ceil(positiveNumber('transactions', values.transactions)),
        genuineVisits: 250,
        maxTransactionsPerBlock: 10,
    };
    const regenerate = values.regenerate;
    const liveLag = { chain, regenerate, blocksPerSecond: positiveNumber('rate', values.rate), seconds: positiveNumber('seconds', values.seconds ?? '30') };
    const reads = {
        chain,
        regenerate,
        seconds: positiveNumber('duration', values.duration),
        connections: Math.ceil(positiveNumber('connections', values.connections)),
    };
    const submits = {
        serialCheckIns: Math.ceil(positiveNumber('serial-check-ins', values['serial-check-ins'])),
        concurrentCheckIns: Math.ceil(positiveNumber('concurrent-check-ins', values['concurrent-check-ins'])),
        concurrency: Math.ceil(positiveNumber('concurrency', values.concurrency ?? '16')),
    };
    const histories = {
        history: Math.ceil(positiveNumber('history', values.history)),
        baselineHistory: Math.ceil(positiveNumber('baseline-history', values['baseline-history'])),
        samples: Math.ceil(positiveNumber('samples', values.samples)),
    };
    const stack = {
        seconds: positiveNumber('seconds', values.seconds ?? '60'),
        concurrency: Math.ceil(positiveNumber('concurrency', values.concurrency ?? '64')),
        ...(values.members === undefined ? {} : { members: Math.ceil(positiveNumber('members', values.members)) }),
    };
    const peerStream = {
        peerTransactions: Math.ceil(positiveNumber('peer-transactions', values['peer-transactions'])),
        lagSeconds: positiveNumber('lag-seconds', values['lag-seconds']),
        lagRate: positiveNumber('lag-rate', values['lag-rate']),
    };
    return {
        'indexer-catch-up': () => indexerCatchUp({ chain, regenerate, timeoutMs: 10 * 60_000 }),
        'indexer-live-lag': () => indexerLiveLag(liveLag),
        'api-reads': () => apiReads(reads),
        'ledger-submit': () => ledgerSubmit(submits),
        'check-in-history': () => checkInHistory(histories),
        'whole-stack': () => wholeStack(stack),
        'indexer-peer-stream': () => indexerPeerStream(peerStream),
    };
}

async function main(): Promise<void> {
    if (values.help) {
        console.log(USAGE);
        return;
    }
    const runs = benchmarks();
    const names = positionals.length === 0 || positionals.includes('all') ? Object.keys(runs) : positionals;
    const unknown = names.filter((name) => !(name in runs));
    if (unknown.length > 0) {
        throw new Error(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}`);
    }
    const reports: BenchReport[] = [];
    const failures: string[] = [];
    for (const name of names) {
        const run = runs[name];
        if (run !== undefined) {
            // One benchmark failing must not lose the others' figures.
            await run().then(
                (report) => reports.push(report),
                (error: unknown) => failures.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
            );
        }
    }
    print(reports);
    if (failures.length > 0) {
        console.log('\nFailed:');
        for (const failure of failures) {
            console.log(`  - ${failure}`);
        }
        process.exitCode = 1;
    }
}

function print(reports: readonly BenchReport[]): void {
    console.table(
        reports.flatMap((report) =>
            report.figures.map((figure) => ({
                benchmark: report.benchmark,
                figure: figure.figure,
                measured: figure.measured,
                'compared with': figure.comparedWith ?? '',
                ratio: figure.ratio ?? '',
                bar: figure.bar ?? '',
                'meets bar': figure.meetsBar === undefined ? '' : figure.meetsBar ? 'yes' : 'NO',
            })),
        ),
    );
    for (const report of reports) {
        console.log(`\n${report.benchmark}:`);
        for (const note of report.notes) {
            console.log(`  - ${note}`);
        }
        for (const table of report.tables ?? []) {
            console.log(`\n  ${table.title}:`);
            console.table(table.rows);
        }
    }
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
});
