import { type KeyObject, sign } from 'node:crypto';
import { type Signer, hash, signers } from '@hyperledger/fabric-gateway';
import { p256, p384 } from '@noble/curves/nist.js';

/** How a Gateway hashes and signs: the pair goes to fabric-gateway's `connect` together. */
export interface SigningOptions {
    readonly hash: (message: Uint8Array) => Uint8Array;
    readonly signer: Signer;
}

const curves = { prime256v1: { curve: p256, digest: 'sha256' }, secp384r1: { curve: p384, digest: 'sha384' } } as const;

/**
 * ECDSA with OpenSSL (node:crypto) for P-256 and P-384 keys: fabric-gateway's own signer computes in JavaScript
 * (@noble/curves), some 25 times slower, and was the largest share of the API's CPU under load. fabric-gateway then
 * hands the signer the whole message (`hash.none`), which OpenSSL hashes with the curve's digest as Fabric's
 * default does, and the signature is made low-S, as Fabric's MSP accepts no other. Other keys keep fabric-gateway's
 * signer.
 */
export function signingOptionsFor(privateKey: KeyObject): SigningOptions {
    const namedCurve = privateKey.asymmetricKeyDetails?.namedCurve;
    const native = namedCurve === 'prime256v1' || namedCurve === 'secp384r1' ? curves[namedCurve] : undefined;
    if (native === undefined) {
        return { hash: hash.sha256, signer: signers.newPrivateKeySigner(privateKey) };
    }
    const { Signature, Point } = native.curve;
    return {
        hash: hash.none,
        signer: (message) => {
            const signature = Signature.fromBytes(sign(native.digest, message, privateKey), 'der');
            const lowS = signature.hasHighS() ? new Signature(signature.r, Point.Fn.neg(signature.s)) : signature;
            return Promise.resolve(lowS.toBytes('der'));
        },
    };
}
