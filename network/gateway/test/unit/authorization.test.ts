import { sign, X509Certificate } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { authorizeSignedRequest, verifySignature } from '../../src/authorization.js';
import type { GatewayRpcError } from '../../src/error-detail.js';
import type { ChannelView } from '../../src/registry.js';
import { creatorOf, newOrg, signWith, type Issued, type TestOrg } from './fixtures.js';

describe('signed request authorization', function () {
    this.timeout(20_000);
    let harbour: TestOrg;
    let rogue: TestOrg;
    let user: Issued;
    let view: ChannelView;

    before(() => {
        harbour = newOrg('HarbourMSP');
        rogue = newOrg('HarbourMSP');
        user = harbour.issue('harbour-admin');
        view = {
            channel: 'atlantic',
            msps: new Map([['HarbourMSP', { mspId: 'HarbourMSP', rootCerts: [Buffer.from(harbour.ca.certPem)], intermediateCerts: [], tlsRootCerts: [] }]]),
            orderers: [],
            peers: [],
        };
    });

    function request(identity: Uint8Array): Uint8Array {
        const commitRequest = new gateway.CommitStatusRequest();
        commitRequest.setChannelId('atlantic');
        commitRequest.setTransactionId('tx1');
        commitRequest.setIdentity(identity);
        return commitRequest.serializeBinary();
    }

    function refusal(fn: () => unknown): GatewayRpcError {
        try {
            fn();
        } catch (error) {
            return error as GatewayRpcError;
        }
        throw new Error('expected a refusal');
    }

    it('accepts a request signed by a channel member, as fabric-gateway signs it', async () => {
        const identity = creatorOf('HarbourMSP', user);
        const bytes = request(identity);
        const caller = authorizeSignedRequest(view, bytes, identity, await signWith(user.key, bytes));
        expect(caller.mspId).to.equal('HarbourMSP');
        expect(caller.certificate.subject).to.contain('CN=harbour-admin');
    });

    it('refuses a forged signature (signed over other bytes) with PERMISSION_DENIED', async () => {
        const identity = creatorOf('HarbourMSP', user);
        const bytes = request(identity);
        const forged = await signWith(user.key, Buffer.from('something else'));
        const error = refusal(() => authorizeSignedRequest(view, bytes, identity, forged));
        expect(error.code).to.equal(status.PERMISSION_DENIED);
        expect(error.message).to.match(/signature verification failed/);
        expect(refusal(() => authorizeSignedRequest(view, bytes, identity, Buffer.from('garbage'))).code).to.equal(status.PERMISSION_DENIED);
        expect(refusal(() => authorizeSignedRequest(view, bytes, identity, new Uint8Array())).code).to.equal(status.PERMISSION_DENIED);
    });

    it('refuses an identity of an MSP that is not in the channel', () => {
        const identity = creatorOf('OtherMSP', user);
        const bytes = request(identity);
        const error = refusal(() => authorizeSignedRequest(view, bytes, identity, new Uint8Array([1])));
        expect(error.code).to.equal(status.PERMISSION_DENIED);
        expect(error.message).to.contain('"OtherMSP" is not a member of channel atlantic');
    });

    it('refuses a certificate claiming the MSP but issued by another CA', async () => {
        const impostor = rogue.issue('harbour-admin');
        const identity = creatorOf('HarbourMSP', impostor);
        const bytes = request(identity);
        const signature = await signWith(impostor.key, bytes);
        const error = refusal(() => authorizeSignedRequest(view, bytes, identity, signature));
        expect(error.code).to.equal(status.PERMISSION_DENIED);
        expect(error.message).to.contain('not issued by a CA of HarbourMSP');
        expect(refusal(() => authorizeSignedRequest(view, bytes, Buffer.from('garbage identity'), signature)).code).to.be.oneOf([status.INVALID_ARGUMENT, status.PERMISSION_DENIED]);
    });

    it('trusts a certificate it chained for as long as the channel configuration stands: a new one without its root refuses it', async () => {
        const identity = creatorOf('HarbourMSP', user);
        const bytes = request(identity);
        const signature = await signWith(user.key, bytes);
        authorizeSignedRequest(view, bytes, identity, signature);
        expect(authorizeSignedRequest(view, bytes, identity, signature).mspId).to.equal('HarbourMSP');

        const rootReplaced: ChannelView = {
            ...view,
            msps: new Map([['HarbourMSP', { mspId: 'HarbourMSP', rootCerts: [Buffer.from(rogue.ca.certPem)], intermediateCerts: [], tlsRootCerts: [] }]]),
        };
        expect(refusal(() => authorizeSignedRequest(rootReplaced, bytes, identity, signature)).message).to.contain('not issued by a CA of HarbourMSP');
        const forged = await signWith(user.key, Buffer.from('something else'));
        expect(refusal(() => authorizeSignedRequest(view, bytes, identity, forged)).message, 'the signature is checked every time').to.match(/signature verification failed/);
    });

    it('refuses a high-S signature as Fabric does, and accepts its low-S twin', () => {
        const data = Buffer.from('payload');
        const certificate = new X509Certificate(user.certPem);
        const order = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
        const raw = sign('sha256', data, { key: user.key, dsaEncoding: 'ieee-p1363' });
        const r = BigInt(`0x${raw.subarray(0, 32).toString('hex')}`);
        let s = BigInt(`0x${raw.subarray(32).toString('hex')}`);
        const der = (rv: bigint, sv: bigint): Buffer => {
            const int = (v: bigint): Buffer => {
                let hex = v.toString(16);
                if (hex.length % 2) hex = `0${hex}`;
                let bytes = Buffer.from(hex, 'hex');
                if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
                return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
            };
            const body = Buffer.concat([int(rv), int(sv)]);
            return Buffer.concat([Buffer.from([0x30, body.length]), body]);
        };
        const low = s > order / 2n ? order - s : s;
        s = order - low;
        expect(verifySignature(certificate, data, der(r, low))).to.equal(true);
        expect(verifySignature(certificate, data, der(r, s))).to.equal(false);
    });
});
