import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';
import sinon from 'sinon';
import { RecordContext } from '../../src/context';
import { loadNetworkProfile } from './network-profile';

/**
 * Against the running Fabric CAs of the local network: each club's identities are issued by its own CA
 * and carry `club.role`, which the chaincode's own identity code (fabric-shim ClientIdentity → RecordContext) reads.
 */
describe('club identities issued by the real Fabric CAs', () => {
    const profile = loadNetworkProfile();

    function chaincodeContextFor(mspId: string, certPem: string): RecordContext {
        const stub = sinon.createStubInstance(ChaincodeStub);
        stub.getCreator.returns({ mspid: mspId, idBytes: Buffer.from(certPem) });
        stub.getChannelID.returns('atlantic');
        stub.getTxID.returns('tx');
        const ctx = new RecordContext();
        ctx.stub = stub;
        ctx.clientIdentity = new ClientIdentity(stub);
        return ctx;
    }

    for (const [mspId, club] of Object.entries(profile.clubs)) {
        describe(mspId, () => {
            const caCert = new X509Certificate(readFileSync(club.ca.tlsCertPath));

            for (const [role, identity] of Object.entries(club.identities)) {
                it(`${role}: issued by ${club.ca.name}, and the chaincode reads club.role=${role}`, () => {
                    const pem = readFileSync(identity.certPath, 'utf8');
                    const cert = new X509Certificate(pem);
                    expect(cert.verify(caCert.publicKey)).to.equal(true);
                    expect(cert.subject).to.contain(`O=${club.name}`);

                    const caller = chaincodeContextFor(mspId, pem).caller;
                    expect(caller).to.deep.equal({ mspId, role });
                });

                it(`${role}: the private key belongs to the certificate`, () => {
                    const key = createPrivateKey(readFileSync(identity.keyPath));
                    const signature = sign('sha256', Buffer.from('visit pass'), key);
                    const publicKey = createPublicKey(readFileSync(identity.certPath));
                    expect(verify('sha256', Buffer.from('visit pass'), publicKey, signature)).to.equal(true);
                });
            }

            it('is not trusted by another club’s CA', () => {
                const other = Object.entries(profile.clubs).find(([id]) => id !== mspId)?.[1];
                const otherCa = new X509Certificate(readFileSync(other!.ca.tlsCertPath));
                const cert = new X509Certificate(readFileSync(club.identities.staff!.certPath));
                expect(cert.verify(otherCa.publicKey)).to.equal(false);
            });
        });
    }

    it('an identity without club.role gets no role in the chaincode', () => {
        const harbour = profile.clubs.HarbourMSP!;
        // The CA's registrar (bootstrap admin) is enrolled without the attribute.
        const pem = readFileSync(`${profile.stateDir}/ca/harbour-registrar/msp/signcerts/cert.pem`, 'utf8');
        expect(new X509Certificate(pem).verify(new X509Certificate(readFileSync(harbour.ca.tlsCertPath)).publicKey)).to.equal(true);
        expect(chaincodeContextFor('HarbourMSP', pem).caller).to.deep.equal({ mspId: 'HarbourMSP', role: undefined });
    });
});
