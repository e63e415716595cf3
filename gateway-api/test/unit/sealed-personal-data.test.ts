import { randomBytes } from 'node:crypto';
import { PersonalData, PersonalDataEnvelope } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { UnreadablePersonalData, openPersonalData, sealPersonalData } from '../../src/personal-data/sealed-record.js';

const owner = { channel: 'atlantic', memberNumber: 'ALP000042' };
const record: PersonalData = PersonalData.parse({
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    email: 'ada.lovelace@example.org',
    address: { line1: 'Seestrasse 1', city: 'Zurich', postalCode: '8002', country: 'CH' },
});
const personalValues = ['Ada', 'Lovelace', '1985-12-10', 'ada.lovelace', 'Seestrasse', 'Zurich', '8002'];

/** The envelope with one byte of a base64url part flipped. */
function flipped(envelope: PersonalDataEnvelope, part: 'iv' | 'ciphertext' | 'tag'): PersonalDataEnvelope {
    const bytes = Buffer.from(envelope[part], 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    return { ...envelope, [part]: bytes.toString('base64url') };
}

function unreadable(open: () => unknown): UnreadablePersonalData {
    try {
        open();
    } catch (error) {
        if (error instanceof UnreadablePersonalData) {
            return error;
        }
        throw error;
    }
    throw new Error('expected the record not to open');
}

describe('sealed personal records (AES-256-GCM under the member’s data key)', () => {
    const dataKey = randomBytes(32);

    it('seals into an envelope the chaincode accepts, holding none of the record', () => {
        const sealed = sealPersonalData(record, dataKey, owner);
        expect(PersonalDataEnvelope.parse(sealed)).to.deep.equal(sealed);
        expect(sealed).to.include({ v: 1, alg: 'A256GCM' });
        const json = JSON.stringify(sealed);
        for (const value of personalValues) {
            expect(json).not.to.include(value);
        }
    });

    it('opens with the member’s key to the record sealed', () => {
        expect(openPersonalData(sealPersonalData(record, dataKey, owner), dataKey, owner)).to.deep.equal(record);
    });

    it('seals the same record under a fresh nonce each time, so two sealings share nothing', () => {
        const [first, second] = [sealPersonalData(record, dataKey, owner), sealPersonalData(record, dataKey, owner)];
        expect(first.iv).not.to.equal(second.iv);
        expect(first.ciphertext).not.to.equal(second.ciphertext);
        expect(openPersonalData(second, dataKey, owner)).to.deep.equal(record);
    });

    it('refuses another key with a typed error that quotes nothing of the record', () => {
        const error = unreadable(() => openPersonalData(sealPersonalData(record, dataKey, owner), randomBytes(32), owner));
        expect(error.reason).to.equal('PERSONAL_DATA_UNREADABLE');
        expect(error.message).to.equal('the personal record of ALP000042 on atlantic cannot be read: it does not authenticate under the member’s data key');
    });

    for (const part of ['iv', 'ciphertext', 'tag'] as const) {
        it(`refuses an envelope whose ${part} was changed by one bit`, () => {
            unreadable(() => openPersonalData(flipped(sealPersonalData(record, dataKey, owner), part), dataKey, owner));
        });
    }

    it('refuses another member’s or another channel’s envelope under the right key: they are bound to their owner', () => {
        const sealed = sealPersonalData(record, dataKey, owner);
        unreadable(() => openPersonalData(sealed, dataKey, { ...owner, memberNumber: 'ALP000043' }));
        unreadable(() => openPersonalData(sealed, dataKey, { ...owner, channel: 'alps' }));
    });

    it('refuses what is not an envelope, a plaintext record among them', () => {
        for (const value of [record, {}, null, 'sealed', { ...sealPersonalData(record, dataKey, owner), v: 2 }]) {
            expect(unreadable(() => openPersonalData(value, dataKey, owner)).message).to.match(/not a sealed personal record$/);
        }
    });
});
