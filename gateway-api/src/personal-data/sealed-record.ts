import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PersonalData, PersonalDataEnvelope, toLedgerBytes } from '@reciprocal-clubs/chaincode/model';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

/** The record a sealing belongs to: bound into it as additional authenticated data, so it opens for that member only. */
export interface RecordOwner {
    readonly channel: string;
    readonly memberNumber: string;
}

/** A sealed record that does not open: the wrong key, a changed byte, another member's record. Never says what it held. */
export class UnreadablePersonalData extends Error {
    readonly reason = 'PERSONAL_DATA_UNREADABLE';

    constructor(owner: RecordOwner, why: string) {
        super(`the personal record of ${owner.memberNumber} on ${owner.channel} cannot be read: ${why}`);
        this.name = 'UnreadablePersonalData';
    }
}

function associatedDataOf(owner: RecordOwner): Buffer {
    return Buffer.from(JSON.stringify(['rcn-personal-data', 1, owner.channel, owner.memberNumber]));
}

/**
 * Seals a validated personal record under the member's data key: AES-256-GCM over its canonical JSON (sorted
 * keys, as the ledger writes JSON), with a fresh random nonce each time, so sealing the same record twice
 * gives two unrelated envelopes (and public hashes).
 */
export function sealPersonalData(record: PersonalData, dataKey: Uint8Array, owner: RecordOwner): PersonalDataEnvelope {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, dataKey, iv, { authTagLength: TAG_BYTES }).setAAD(associatedDataOf(owner));
    const ciphertext = Buffer.concat([cipher.update(toLedgerBytes(record)), cipher.final()]);
    return {
        v: 1,
        alg: 'A256GCM',
        iv: iv.toString('base64url'),
        ciphertext: ciphertext.toString('base64url'),
        tag: cipher.getAuthTag().toString('base64url'),
    };
}

/** Opens a sealed record with the member's data key and checks it is still a valid PersonalData. */
export function openPersonalData(sealed: unknown, dataKey: Uint8Array, owner: RecordOwner): PersonalData {
    const envelope = PersonalDataEnvelope.safeParse(sealed);
    if (!envelope.success) {
        throw new UnreadablePersonalData(owner, 'not a sealed personal record');
    }
    const { iv, ciphertext, tag } = envelope.data;
    let plaintext: Buffer;
    try {
        const decipher = createDecipheriv(CIPHER, dataKey, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES })
            .setAAD(associatedDataOf(owner))
            .setAuthTag(Buffer.from(tag, 'base64url'));
        plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
    } catch {
        throw new UnreadablePersonalData(owner, 'it does not authenticate under the member’s data key');
    }
    const record = PersonalData.safeParse(parsedJson(plaintext));
    if (!record.success) {
        throw new UnreadablePersonalData(owner, 'it opens, but is not a valid personal record');
    }
    return record.data;
}

function parsedJson(bytes: Buffer): unknown {
    try {
        return JSON.parse(bytes.toString('utf8'));
    } catch {
        return undefined;
    }
}
