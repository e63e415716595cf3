import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { hash } from '@hyperledger/fabric-gateway';
import { msp } from '@hyperledger/fabric-protos';
import { signingOptionsFor } from '@reciprocal-clubs/ledger-connection';

/**
 * The gateway's own identity. It signs only what the gateway itself asks its peers for (discovery
 * requests, Deliver seek envelopes, QSCC proposals); a client's proposals and transactions are
 * never signed here — they pass through with the client's signature.
 */
export interface GatewayIdentity {
    readonly mspId: string;
    /** msp.SerializedIdentity bytes: the creator of what this identity signs. */
    readonly creator: Uint8Array;
    /** An ECDSA (low-S, DER) signature over SHA-256 of the message. */
    sign(message: Uint8Array): Promise<Uint8Array>;
}

export function serializeIdentity(mspId: string, certificatePem: Uint8Array | string): Uint8Array {
    const identity = new msp.SerializedIdentity();
    identity.setMspid(mspId);
    identity.setIdBytes(typeof certificatePem === 'string' ? Buffer.from(certificatePem) : certificatePem);
    return identity.serializeBinary();
}

export function newGatewayIdentity(mspId: string, certificatePem: Uint8Array | string, privateKey: KeyObject | string | Buffer): GatewayIdentity {
    const key = typeof privateKey === 'string' || Buffer.isBuffer(privateKey) ? createPrivateKey(privateKey) : privateKey;
    const signing = signingOptionsFor(key);
    return {
        mspId,
        creator: serializeIdentity(mspId, certificatePem),
        sign: (message) => signing.signer(signing.hash(message)),
    };
}

/** A fresh nonce and the transaction ID Fabric derives from it: hex(SHA-256(nonce ‖ creator)). */
export function newTransactionContext(creator: Uint8Array): { nonce: Uint8Array; transactionId: string } {
    const nonce = randomBytes(24);
    const transactionId = Buffer.from(hash.sha256(Buffer.concat([nonce, creator]))).toString('hex');
    return { nonce, transactionId };
}
