import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rcn-'));
    const profilePath = path.join(directory, 'network.json');
    const alpine = {
        key: 'alpine',
        name: 'Alpine Club',
        ca: { url: 'https://127.0.0.1:17254', name: 'ca-alpine', tlsCertPath: '/tls/ca-alpine.pem' },
        peer: { endpoint: '127.0.0.1:17251', hostAlias: 'peer.alpine', tlsRootCertPath: '/tls/peer-alpine.pem' },
        gateway: { endpoint: '127.0.0.1:17257', tlsRootCertPath: '/tls/alpine.pem' },
        chaincodeServer: { endpoint: '127.0.0.1:17256' },
        identities: { auditor: { certPath: '/ids/alpine/auditor.pem', keyPath: '/ids/alpine/auditor.key' } },
    };
    const profile = {
        stateDir: '/state',
        chaincode: 'reciprocal',
        clubs: { AlpineMSP: alpine },
        channels: { atlantic: ['HarbourMSP', 'AlpineMSP', 'MetroMSP'], alps: ['AlpineMSP', 'MetroMSP'] },
        orderer: { mspId: 'OrdererMSP', endpoint: '127.0.0.1:17050', tlsRootCertPath: '/tls/orderer.pem' },
        postgres: { host: '127.0.0.1', port: 17432, user: 'rcn', database: 'rcn' },
        nats: { servers: 'nats://127.0.0.1:17422' },
    };
    writeFileSync(profilePath, JSON.stringify(profile));

    it('takes its defaults from the network profile: channels of the club, its schema, its gateway and auditor identity', () => {
        const config = loadConfig({ INDEXER_CLUB: 'AlpineMSP', RCN_NETWORK_PROFILE: profilePath });
        expect(config).to.deep.equal({
            club: 'AlpineMSP',
            channels: ['atlantic', 'alps'],
            chaincodeName: 'reciprocal',
            database: { connectionString: 'postgres://rcn@127.0.0.1:17432/rcn', schema: 'indexer_alpine' },
            natsServers: ['nats://127.0.0.1:17422'],
            httpPort: 17460,
            logLevel: 'info',
            startupWaitMs: 30_000,
            batchTransactions: 500,
            source: {
                kind: 'peer',
                gateway: { endpoint: '127.0.0.1:17257', tlsRootCertPath: '/tls/alpine.pem' },
                identity: { certPath: '/ids/alpine/auditor.pem', keyPath: '/ids/alpine/auditor.key' },
            },
        });
    });

    it('lets the environment override every default', () => {
        const config = loadConfig({
            INDEXER_CLUB: 'AlpineMSP',
            RCN_NETWORK_PROFILE: profilePath,
            INDEXER_CHANNELS: 'alps',
            DATABASE_URL: 'postgres://x@db/y',
            INDEXER_SCHEMA: 'alpine_index',
            NATS_SERVERS: 'nats://a:1,nats://b:2',
            INDEXER_HTTP_PORT: '9100',
            STARTUP_WAIT_SECONDS: '2.5',
            INDEXER_BATCH_TRANSACTIONS: '250',
            INDEXER_BLOCKS_DIR: '/exports',
        });
        expect(config).to.deep.include({
            channels: ['alps'],
            database: { connectionString: 'postgres://x@db/y', schema: 'alpine_index' },
            natsServers: ['nats://a:1', 'nats://b:2'],
            httpPort: 9100,
            startupWaitMs: 2_500,
            batchTransactions: 250,
            source: { kind: 'files', dir: '/exports' },
        });
    });

    it('names what is missing when neither the environment nor the profile gives it', () => {
        expect(() => loadConfig({ INDEXER_CLUB: 'HarbourMSP', RCN_NETWORK_PROFILE: profilePath })).to.throw(/GATEWAY_ENDPOINT is not set/);
        expect(() => loadConfig({ INDEXER_CLUB: 'HarbourMSP', RCN_NETWORK_PROFILE: profilePath, GATEWAY_ENDPOINT: '127.0.0.1:1' })).to.throw(/GATEWAY_TLS_ROOT_CERT is not set/);
    });

    it('refuses a named network profile that is missing or not of the profile’s shape, as INVALID_CONFIGURATION', () => {
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', RCN_NETWORK_PROFILE: '/nowhere.json' }))
            .to.throw(/no network profile at \/nowhere\.json/)
            .with.property('code', 'INVALID_CONFIGURATION');
        const badPath = path.join(directory, 'bad.json');
        writeFileSync(badPath, JSON.stringify({ ...profile, clubs: { AlpineMSP: { ...alpine, gateway: { endpoint: '127.0.0.1:17257' } } } }));
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', RCN_NETWORK_PROFILE: badPath })).to.throw(/clubs\.AlpineMSP\.gateway\.tlsRootCertPath/);
    });

    it('refuses invalid values with the variable named', () => {
        expect(() => loadConfig({})).to.throw(/INDEXER_CLUB/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', INDEXER_HTTP_PORT: 'eighty' })).to.throw(/INDEXER_HTTP_PORT/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', INDEXER_SCHEMA: 'Drop Table' })).to.throw(/INDEXER_SCHEMA/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', LOG_LEVEL: 'loud' })).to.throw(/LOG_LEVEL/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', STARTUP_WAIT_SECONDS: 'soon' })).to.throw(/STARTUP_WAIT_SECONDS/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', INDEXER_BATCH_TRANSACTIONS: '0' })).to.throw(/INDEXER_BATCH_TRANSACTIONS/);
    });
});
