import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { p256, p384 } from '@noble/curves/nist.js';
import { expect } from 'chai';
import { signingOptionsFor } from '../../src/native-signer.js';

describe('signing with OpenSSL for fabric-gateway', () => {
    const messages = Array.from({ length: 64 }, (_, n) => Buffer.from(`proposal ${n.toString()}`));

    for (const { namedCurve, curve, digest } of [
        { namedCurve: 'prime256v1', curve: p256, digest: 'sha256' },
        { namedCurve: 'secp384r1', curve: p384, digest: 'sha384' },
    ] as const) {
        it(`signs the whole message (${namedCurve}, ${digest}) with low-S signatures the public key verifies`, async () => {
            const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
            const { hash, signer } = signingOptionsFor(privateKey);
            for (const message of messages) {
                expect(Buffer.from(hash(message))).to.deep.equal(message);
                const signature = await signer(hash(message));
                expect(verify(digest, message, publicKey, signature)).to.equal(true);
                expect(curve.Signature.fromBytes(signature, 'der').hasHighS(), 'high S, which Fabric refuses').to.equal(false);
            }
        });
    }

    it('keeps fabric-gateway’s own signer, over a SHA-256 digest, for any other key', async () => {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const { hash, signer } = signingOptionsFor(privateKey);
        const [message] = messages as [Buffer];
        const digest = createHash('sha256').update(message).digest();
        expect(Buffer.from(hash(message))).to.deep.equal(digest);
        expect(verify(null, digest, publicKey, await signer(digest))).to.equal(true);
    });
});
