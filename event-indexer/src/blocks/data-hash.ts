import { createHash } from 'node:crypto';

/** Fabric's block data hash: SHA-256 over the block's envelopes, concatenated in order. */
export function blockDataHash(envelopes: readonly Uint8Array[]): Uint8Array {
    return createHash('sha256').update(Buffer.concat(envelopes)).digest();
}
