import { randomBytes } from 'node:crypto';
import { LOCAL_NETWORK_PROFILE, loadNetworkProfile, postgresUrlOf } from '@reciprocal-clubs/ledger-connection';
import { expect } from 'chai';
import pg from 'pg';
import { quoteIdentifier } from '../../src/store/database.js';
import { type LogLine, ServiceProcess, eventually } from '../support/service-process.js';
import { TcpProxy } from '../support/tcp-proxy.js';

const INDEXER = 'event-indexer/dist/main.js';
/** Ports this suite uses (17470–17499, clear of the resilience suite's 17470–17472): indexer HTTP, a relay, a closed port. */
const PORTS = { http: 17475, relay: 17491, closed: 17498 } as const;

interface Readiness {
    readonly status: number;
    readonly checks: Record<string, boolean>;
}

async function readiness(): Promise<Readiness> {
    const response = await fetch(`http://127.0.0.1:${PORTS.http.toString()}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, checks: ((await response.json()) as { checks: Record<string, boolean> }).checks };
}

/**
 * The real `node event-indexer/dist/main.js` streaming Alpine's channels from its gateway endpoint through a
 * relay the test controls: readiness is a round trip to the peer; start-up failures end with one error line.
 */
describe('the indexer process: start-up and readiness', function () {
    this.timeout(60_000);
    const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
    const schema = `test_operations_${randomBytes(4).toString('hex')}`;
    const base = { INDEXER_CLUB: 'AlpineMSP', INDEXER_SCHEMA: schema, INDEXER_HTTP_PORT: String(PORTS.http), LOG_LEVEL: 'info' };
    const running: ServiceProcess[] = [];

    function startIndexer(env: Record<string, string> = {}): ServiceProcess {
        const indexer = new ServiceProcess(INDEXER, { ...base, ...env });
        running.push(indexer);
        return indexer;
    }

    async function startUpFailure(env: Record<string, string>): Promise<{ exitCode: number | null; errors: LogLine[] }> {
        const indexer = startIndexer(env);
        const exitCode = await indexer.exitWithin(15_000);
        return { exitCode, errors: indexer.errors };
    }

    after(async () => {
        await Promise.all(running.map((indexer) => indexer.stop()));
        const pool = new pg.Pool({ connectionString: postgresUrlOf(profile), max: 1 });
        await pool.query(`DROP SCHEMA IF EXISTS ${quoteIdentifier(schema)} CASCADE`);
        await pool.end();
    });

    describe('a start-up that cannot succeed ends the process with one structured error naming the cause', () => {
        it('a missing certificate file', async () => {
            const { exitCode, errors } = await startUpFailure({ INDEXER_CERT: '/nonexistent/auditor-cert.pem' });
            expect(exitCode).to.equal(1);
            expect(errors.map((line) => [line.code, line.phase, line.msg])).to.deep.equal([
                [
                    'CREDENTIALS_UNREADABLE',
                    'start-up',
                    "could not start: cannot read the certificate of AlpineMSP auditor /nonexistent/auditor-cert.pem: ENOENT: no such file or directory, open '/nonexistent/auditor-cert.pem'",
                ],
            ]);
        });

        it('PostgreSQL unreachable past the bounded wait', async () => {
            const { exitCode, errors } = await startUpFailure({ DATABASE_URL: `postgres://rcn@127.0.0.1:${PORTS.closed.toString()}/rcn`, STARTUP_WAIT_SECONDS: '1' });
            expect(exitCode).to.equal(1);
            expect(errors.map((line) => [line.code, line.msg])).to.deep.equal([
                ['POSTGRES_UNREACHABLE', `could not start: PostgreSQL did not answer within 1 s: connect ECONNREFUSED 127.0.0.1:${PORTS.closed.toString()}`],
            ]);
        });

        it('NATS unreachable past the bounded wait', async () => {
            const { exitCode, errors } = await startUpFailure({ NATS_SERVERS: `nats://127.0.0.1:${PORTS.closed.toString()}`, STARTUP_WAIT_SECONDS: '1' });
            expect(exitCode).to.equal(1);
            expect(errors.map((line) => line.code)).to.deep.equal(['NATS_UNREACHABLE']);
            expect(errors[0]!.msg).to.match(/^could not start: NATS did not answer within 1 s: connection refused/);
        });

        it('a bad configuration', async () => {
            const { exitCode, errors } = await startUpFailure({ INDEXER_HTTP_PORT: 'eighty' });
            expect(exitCode).to.equal(1);
            expect(errors.map((line) => line.code)).to.deep.equal(['INVALID_CONFIGURATION']);
            expect(errors[0]!.msg).to.match(/^could not start: invalid indexer configuration: INDEXER_HTTP_PORT: /);
        });
    });

    it('is ready while its peer answers, and not ready within seconds once the gateway endpoint stops answering', async () => {
        const alpine = profile.clubs.AlpineMSP!;
        const relay = await TcpProxy.open(PORTS.relay, alpine.gateway.endpoint);
        try {
            const indexer = startIndexer({ GATEWAY_ENDPOINT: `127.0.0.1:${PORTS.relay.toString()}` });
            await indexer.logged((line) => line.msg === 'indexer started', 30_000);
            expect(await eventually('readiness', 10_000, async () => {
                const ready = await readiness();
                return ready.status === 200 ? ready : undefined;
            })).to.deep.equal({ status: 200, checks: { postgres: true, nats: true, ledger: true } });
            await relay.close();
            const cut = Date.now();
            const notReady = await eventually('readiness to report the peer unreachable', 15_000, async () => {
                const ready = await readiness();
                return ready.checks.ledger ? undefined : ready;
            });
            expect(notReady).to.deep.equal({ status: 503, checks: { postgres: true, nats: true, ledger: false } });
            expect(Date.now() - cut, 'milliseconds until not ready').to.be.below(10_000);
            expect(indexer.alive, 'it keeps running, to resume when the peer is back').to.be.true;
        } finally {
            await relay.close().catch(() => undefined);
        }
    });
});
