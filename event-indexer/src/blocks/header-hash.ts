import { createHash } from 'node:crypto';
import { Integer, OctetString, Sequence } from 'asn1js';

/**
 * The block header as Fabric hashes it (protoutil.BlockHeaderBytes): the ASN.1 DER encoding of
 * SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }.
 */
export function headerBytes(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
    const header = new Sequence({
        value: [Integer.fromBigInt(number), new OctetString({ valueHex: previousHash }), new OctetString({ valueHex: dataHash })],
    });
    return new Uint8Array(header.toBER());
}

/** SHA-256 of the header's DER encoding: what the next block's previousHash must equal. */
export function headerHash(number: bigint, previousHash: Uint8Array, dataHash: Uint8Array): Uint8Array {
    return createHash('sha256').update(headerBytes(number, previousHash, dataHash)).digest();
}
