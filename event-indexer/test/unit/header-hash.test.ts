import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { headerBytes, headerHash } from '../../src/blocks/header-hash.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const filled = (byte: number) => new Uint8Array(32).fill(byte);
const sha256Hex = (derHex: string) => createHash('sha256').update(Buffer.from(derHex.replace(/\s/g, ''), 'hex')).digest('hex');

describe('block header hash', () => {
    // DER written out by hand: SEQUENCE (30 len) { INTEGER (02 len n), OCTET STRING (04 len …), OCTET STRING (04 len …) }.
    const vectors = [
        {
            title: 'a genesis header: number 0 and an empty previous hash',
            number: 0n,
            previousHash: new Uint8Array(),
            dataHash: Uint8Array.of(0xab, 0xcd),
            der: '30 09  02 01 00  04 00  04 02 abcd',
        },
        {
            title: 'a header with 32-byte hashes',
            number: 5n,
            previousHash: filled(0x11),
            dataHash: filled(0x22),
            der: `30 47  02 01 05  04 20 ${'11'.repeat(32)}  04 20 ${'22'.repeat(32)}`,
        },
        {
            title: 'a number whose top bit needs a leading zero (128)',
            number: 128n,
            previousHash: filled(0x11),
            dataHash: filled(0x22),
            der: `30 48  02 02 0080  04 20 ${'11'.repeat(32)}  04 20 ${'22'.repeat(32)}`,
        },
        {
            title: 'a number above 2^53 (2^63), kept exact',
            number: 2n ** 63n,
            previousHash: filled(0x11),
            dataHash: filled(0x22),
            der: `30 4f  02 09 00 8000000000000000  04 20 ${'11'.repeat(32)}  04 20 ${'22'.repeat(32)}`,
        },
        {
            title: 'the largest uint64 block number',
            number: 2n ** 64n - 1n,
            previousHash: filled(0x11),
            dataHash: filled(0x22),
            der: `30 4f  02 09 00 ffffffffffffffff  04 20 ${'11'.repeat(32)}  04 20 ${'22'.repeat(32)}`,
        },
    ];

    for (const { title, number, previousHash, dataHash, der } of vectors) {
        it(`encodes ${title} as Fabric's DER and hashes it with SHA-256`, () => {
            expect(hex(headerBytes(number, previousHash, dataHash))).to.equal(der.replace(/\s/g, ''));
            expect(hex(headerHash(number, previousHash, dataHash))).to.equal(sha256Hex(der));
        });
    }

    it('encodes a hash given as a view into a larger buffer by its own bytes only', () => {
        const backing = Uint8Array.from({ length: 40 }, (_, index) => index);
        const view = backing.subarray(4, 36);
        expect(hex(headerHash(7n, view, view))).to.equal(hex(headerHash(7n, view.slice(), view.slice())));
    });

    it('changes with each field of the header', () => {
        const base = hex(headerHash(5n, filled(0x11), filled(0x22)));
        expect(hex(headerHash(6n, filled(0x11), filled(0x22)))).not.to.equal(base);
        expect(hex(headerHash(5n, filled(0x12), filled(0x22)))).not.to.equal(base);
        expect(hex(headerHash(5n, filled(0x11), filled(0x23)))).not.to.equal(base);
        // The hashes are length-prefixed: moving a byte from one to the other is a different header.
        expect(hex(headerHash(5n, Uint8Array.of(1, 2), Uint8Array.of(3)))).not.to.equal(hex(headerHash(5n, Uint8Array.of(1), Uint8Array.of(2, 3))));
    });
});
