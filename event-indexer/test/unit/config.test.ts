import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
    const profilePath = path.join(mkdtempSync(path.join(tmpdir(), 'rcn-')), 'network.json');
    writeFileSync(
        profilePath,
        JSON.stringify({
            clubs: {
                AlpineMSP: {
                    key: 'alpine',
                    identities: { auditor: { certPath: '/ids/alpine/auditor.pem', keyPath: '/ids/alpine/auditor.key' } },
                    gateway: { endpoint: '127.0.0.1:17257', tlsRootCertPath: '/tls/alpine.pem' },
                },
                HarbourMSP: { key: 'harbour', identities: {} },
            },
            channels: { atlantic: ['HarbourMSP', 'AlpineMSP', 'MetroMSP'], alps: ['AlpineMSP', 'MetroMSP'] },
            postgres: { host: '127.0.0.1', port: 17432, user: 'rcn', database: 'rcn' },
            nats: { servers: 'nats://127.0.0.1:17422' },
        }),
    );

    it('takes its defaults from the network profile: channels of the club, its schema, its peer and auditor identity', () => {
        const config = loadConfig({ INDEXER_CLUB: 'AlpineMSP', RCN_NETWORK_PROFILE: profilePath });
        expect(config).to.deep.equal({
            club: 'AlpineMSP',
            channels: ['atlantic', 'alps'],
            chaincodeName: 'reciprocal',
            database: { connectionString: 'postgres://rcn@127.0.0.1:17432/rcn', schema: 'indexer_alpine' },
            natsServers: ['nats://127.0.0.1:17422'],
            httpPort: 17460,
            logLevel: 'info',
            source: {
                kind: 'peer',
                endpoint: '127.0.0.1:17257',
                tlsRootCertPath: '/tls/alpine.pem',
                certPath: '/ids/alpine/auditor.pem',
                keyPath: '/ids/alpine/auditor.key',
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
            INDEXER_BLOCKS_DIR: '/exports',
        });
        expect(config).to.deep.include({
            channels: ['alps'],
            database: { connectionString: 'postgres://x@db/y', schema: 'alpine_index' },
            natsServers: ['nats://a:1', 'nats://b:2'],
            httpPort: 9100,
            source: { kind: 'files', dir: '/exports' },
        });
    });

    it('names what is missing when neither the environment nor the profile gives it', () => {
        expect(() => loadConfig({ INDEXER_CLUB: 'HarbourMSP', RCN_NETWORK_PROFILE: profilePath })).to.throw(/GATEWAY_ENDPOINT is not set/);
        expect(() => loadConfig({ INDEXER_CLUB: 'HarbourMSP', RCN_NETWORK_PROFILE: '/nowhere.json' })).to.throw(/DATABASE_URL is not set/);
    });

    it('refuses invalid values with the variable named', () => {
        expect(() => loadConfig({})).to.throw(/INDEXER_CLUB/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', INDEXER_HTTP_PORT: 'eighty' })).to.throw(/INDEXER_HTTP_PORT/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', INDEXER_SCHEMA: 'Drop Table' })).to.throw(/INDEXER_SCHEMA/);
        expect(() => loadConfig({ INDEXER_CLUB: 'AlpineMSP', LOG_LEVEL: 'loud' })).to.throw(/LOG_LEVEL/);
    });
});
