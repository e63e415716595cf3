import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LOCAL_NETWORK_PROFILE, type NetworkProfile, loadNetworkProfile } from '@reciprocal-clubs/ledger-connection';
import { expect } from 'chai';
import { type LogLine, ServiceProcess, eventually } from '../../../event-indexer/test/support/service-process.js';
import { TcpProxy } from '../../../event-indexer/test/support/tcp-proxy.js';
import { LOCAL_JWKS_FILE, LocalIssuer } from '../../src/auth/local-issuer.js';

const API = 'gateway-api/dist/main.js';
/** Ports this suite uses (17480–17499): API processes, a relay, and ports nothing listens on. */
const PORTS = { healthy: 17480, noKeys: 17481, relayed: 17482, relay: 17490, closed: 17499 } as const;

interface Readiness {
    readonly status: number;
    readonly body: { ready: boolean; checks: Record<string, boolean> };
}

async function readiness(port: number): Promise<Readiness> {
    const response = await fetch(`http://127.0.0.1:${port.toString()}/health/ready`, { signal: AbortSignal.timeout(5_000) });
    return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

/** The one error line a failed start-up logs, and the exit code. */
async function startUpFailure(env: Record<string, string>): Promise<{ exitCode: number | null; errors: LogLine[] }> {
    const api = new ServiceProcess(API, env);
    const exitCode = await api.exitWithin(15_000);
    return { exitCode, errors: api.errors };
}

/**
 * The real `node gateway-api/dist/main.js` against the running network: start-up failures end the process
 * with one structured error, readiness is a round trip to each club's peer, and oversized bodies are refused.
 */
describe('the API process: start-up, readiness and request limits', function () {
    this.timeout(60_000);
    const profile = loadNetworkProfile(process.env.RCN_NETWORK_PROFILE ?? LOCAL_NETWORK_PROFILE);
    const running: ServiceProcess[] = [];
    let directory: string;

    /** A copy of the live profile, changed by `edit`. */
    async function profileCopy(name: string, edit: (copy: NetworkProfile) => void): Promise<string> {
        const copy = structuredClone(profile);
        edit(copy);
        const file = path.join(directory, `${name}.json`);
        await writeFile(file, JSON.stringify(copy));
        return file;
    }

    function startApi(port: number, env: Record<string, string> = {}): ServiceProcess {
        const api = new ServiceProcess(API, { API_PORT: String(port), LOG_LEVEL: 'info', JWT_KEYS: path.join(directory, 'no-issuer', LOCAL_JWKS_FILE), ...env });
        running.push(api);
        return api;
    }

    const listening = (api: ServiceProcess) => api.logged((line) => line.msg === 'gateway-api listening', 30_000);

    before(async () => {
        directory = await mkdtemp(path.join(tmpdir(), 'rcn-api-operations-'));
    });

    after(async () => {
        await Promise.all(running.map((api) => api.stop()));
        await rm(directory, { recursive: true, force: true });
    });

    describe('a start-up that cannot succeed ends the process with one structured error naming the cause', () => {
        it('a missing certificate file', async () => {
            const file = await profileCopy('missing-cert', (copy) => {
                copy.clubs.MetroMSP!.identities.staff!.certPath = path.join(directory, 'absent-cert.pem');
            });
            const { exitCode, errors } = await startUpFailure({ RCN_NETWORK_PROFILE: file, API_PORT: String(PORTS.closed) });
            expect(exitCode).to.equal(1);
            expect(errors).to.have.length(1);
            expect(errors[0]).to.include({ level: 50, service: 'gateway-api', code: 'CREDENTIALS_UNREADABLE' });
            expect(errors[0]!.msg).to.equal(
                `could not start: cannot read the certificate of MetroMSP staff ${path.join(directory, 'absent-cert.pem')}: ENOENT: no such file or directory, open '${path.join(directory, 'absent-cert.pem')}'`,
            );
        });

        it('PostgreSQL unreachable past the bounded wait', async () => {
            const started = Date.now();
            const { exitCode, errors } = await startUpFailure({
                DATABASE_URL: `postgres://rcn@127.0.0.1:${PORTS.closed.toString()}/rcn`,
                STARTUP_WAIT_SECONDS: '1',
                API_PORT: String(PORTS.closed),
            });
            expect(exitCode).to.equal(1);
            expect(Date.now() - started, 'ends soon after the wait').to.be.below(10_000);
            expect(errors.map((line) => [line.code, line.msg])).to.deep.equal([
                ['POSTGRES_UNREACHABLE', `could not start: PostgreSQL did not answer within 1 s: connect ECONNREFUSED 127.0.0.1:${PORTS.closed.toString()}`],
            ]);
        });

        it('a bad configuration', async () => {
            const { exitCode, errors } = await startUpFailure({ API_PORT: 'eighty' });
            expect(exitCode).to.equal(1);
            expect(errors.map((line) => line.code)).to.deep.equal(['INVALID_CONFIGURATION']);
            expect(errors[0]!.msg).to.match(/^could not start: invalid API configuration: API_PORT: /);
        });
    });

    it('starts before any token was issued, and accepts a token issued after it started', async () => {
        const issuerDirectory = path.join(directory, 'late-issuer');
        const api = startApi(PORTS.noKeys, { JWT_KEYS: path.join(issuerDirectory, LOCAL_JWKS_FILE) });
        await listening(api);
        const issuer = await LocalIssuer.open(issuerDirectory);
        const token = await issuer.issue({ sub: 'alice', club: 'AlpineMSP', role: 'staff' }, '5m');
        const response = await fetch(`http://127.0.0.1:${PORTS.noKeys.toString()}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: '{ me { subject club role } }' }),
        });
        expect([response.status, await response.json()]).to.deep.equal([200, { data: { me: { subject: 'alice', club: 'AlpineMSP', role: 'staff' } } }]);
    });

    describe('against the live network', () => {
        let api: ServiceProcess;

        before(async () => {
            api = startApi(PORTS.healthy);
            await listening(api);
        });

        it('is ready: PostgreSQL, every club’s peer (a round trip on each channel) and NATS', async () => {
            expect(await readiness(PORTS.healthy)).to.deep.equal({ status: 200, body: { ready: true, checks: { postgres: true, ledger: true, nats: true } } });
        });

        it('refuses a 1.1 MiB body with 413 PAYLOAD_TOO_LARGE before parsing it, declared or chunked', async () => {
            const body = JSON.stringify({ query: `{ __typename }`, variables: { padding: 'x'.repeat(1.1 * 1024 * 1024) } });
            const refusal = { errors: [{ message: 'the request body exceeds 1048576 bytes', extensions: { code: 'PAYLOAD_TOO_LARGE', limit: 1048576 } }] };
            const declared = await fetch(`http://127.0.0.1:${PORTS.healthy.toString()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
            expect([declared.status, await declared.json()]).to.deep.equal([413, refusal]);
            const chunks = new Blob([body]).stream();
            const chunked = await fetch(`http://127.0.0.1:${PORTS.healthy.toString()}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: chunks,
                duplex: 'half',
            } as RequestInit);
            expect([chunked.status, await chunked.json()]).to.deep.equal([413, refusal]);
            const small = await fetch(`http://127.0.0.1:${PORTS.healthy.toString()}/graphql`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: '{ __typename }', variables: { padding: 'x'.repeat(1000 * 1024) } }),
            });
            expect([small.status, await small.json()]).to.deep.equal([200, { data: { __typename: 'Query' } }]);
        });
    });

    it('is not ready within seconds once one club’s gateway endpoint stops answering', async () => {
        const metro = profile.clubs.MetroMSP!;
        const relay = await TcpProxy.open(PORTS.relay, metro.gateway.endpoint);
        try {
            const file = await profileCopy('relayed-metro', (copy) => {
                copy.clubs.MetroMSP!.gateway = { ...metro.gateway, endpoint: `127.0.0.1:${PORTS.relay.toString()}`, hostAlias: metro.gateway.hostAlias ?? '127.0.0.1' };
            });
            const api = startApi(PORTS.relayed, { RCN_NETWORK_PROFILE: file });
            await listening(api);
            expect((await readiness(PORTS.relayed)).body.checks.ledger).to.be.true;
            await relay.close();
            const cut = Date.now();
            const notReady = await eventually('readiness to report the ledger unreachable', 15_000, async () => {
                const ready = await readiness(PORTS.relayed);
                return ready.body.checks.ledger ? undefined : ready;
            });
            expect(notReady).to.deep.equal({ status: 503, body: { ready: false, checks: { postgres: true, ledger: false, nats: true } } });
            expect(Date.now() - cut, 'milliseconds until not ready').to.be.below(10_000);
            await api.logged((line) => line.msg === 'the peer does not answer' && line.club === 'MetroMSP', 5_000);
        } finally {
            await relay.close().catch(() => undefined);
        }
    });

    it('with a club’s gateway endpoint closed from the start, it serves but is not ready', async () => {
        const file = await profileCopy('closed-metro', (copy) => {
            copy.clubs.MetroMSP!.gateway.endpoint = `127.0.0.1:${PORTS.closed.toString()}`;
        });
        const api = startApi(PORTS.relayed + 1, { RCN_NETWORK_PROFILE: file });
        await listening(api);
        expect(await readiness(PORTS.relayed + 1)).to.deep.equal({ status: 503, body: { ready: false, checks: { postgres: true, ledger: false, nats: true } } });
    });
});
