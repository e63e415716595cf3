import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { LedgerConnectionError } from '../../src/errors.js';
import { loadNetworkProfile } from '../../src/load-network-profile.js';
import { channelsOf, postgresUrlOf } from '../../src/network-profile.js';

describe('the network profile', () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'rcn-profile-'));
    const club = {
        key: 'metro',
        name: 'Metro Club',
        ca: { url: 'https://127.0.0.1:17354', name: 'ca-metro', tlsCertPath: '/tls/ca.pem' },
        peer: { endpoint: '127.0.0.1:17351', hostAlias: 'peer.metro', tlsRootCertPath: '/tls/peer.pem' },
        gateway: { endpoint: '127.0.0.1:17357', hostAlias: 'gateway.metro', tlsRootCertPath: '/tls/gateway.pem' },
        chaincodeServer: { endpoint: '127.0.0.1:17356' },
        identities: { auditor: { certPath: '/ids/auditor.pem', keyPath: '/ids/auditor.key' } },
    };
    const profile = {
        stateDir: '/state',
        chaincode: 'reciprocal',
        clubs: { MetroMSP: club },
        channels: { atlantic: ['HarbourMSP', 'MetroMSP'], alps: ['AlpineMSP'] },
        orderer: { mspId: 'OrdererMSP', endpoint: '127.0.0.1:17050', tlsRootCertPath: '/tls/orderer.pem' },
        postgres: { host: '127.0.0.1', port: 17432, user: 'rcn', database: 'rcn' },
        nats: { servers: 'nats://127.0.0.1:17422' },
    };
    const write = (name: string, content: string): string => {
        const file = path.join(directory, name);
        writeFileSync(file, content);
        return file;
    };
    const refusal = (file: string): LedgerConnectionError => {
        try {
            loadNetworkProfile(file);
        } catch (error) {
            expect(error).to.be.instanceOf(LedgerConnectionError);
            return error as LedgerConnectionError;
        }
        throw new Error('the profile was accepted');
    };

    it('reads what test-network.sh writes, and derives a club’s channels and the PostgreSQL URL', () => {
        const loaded = loadNetworkProfile(write('network.json', JSON.stringify(profile)));
        expect(loaded.clubs.MetroMSP?.gateway).to.deep.equal(club.gateway);
        expect(channelsOf(loaded, 'MetroMSP')).to.deep.equal(['atlantic']);
        expect(postgresUrlOf(loaded)).to.equal('postgres://rcn@127.0.0.1:17432/rcn');
    });

    it('names a missing file, a file that is not JSON, and every field that is wrong', () => {
        expect(refusal(path.join(directory, 'absent.json'))).to.include({ code: 'NETWORK_PROFILE_MISSING' });
        expect(refusal(write('garbage.json', '{ not json'))).to.include({ code: 'NETWORK_PROFILE_INVALID' });
        const { gateway: _gateway, ...withoutGateway } = club;
        const wrong = refusal(write('wrong.json', JSON.stringify({ ...profile, clubs: { MetroMSP: withoutGateway }, postgres: { ...profile.postgres, port: 'x' } })));
        expect(wrong.code).to.equal('NETWORK_PROFILE_INVALID');
        expect(wrong.message).to.match(/clubs\.MetroMSP\.gateway/).and.match(/postgres\.port/);
    });
});
