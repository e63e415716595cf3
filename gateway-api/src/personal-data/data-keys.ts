import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { DATA_KEY_BYTES } from './sealed-record.js';

/** Whose data key: the home club that keeps it, and the member's record on a channel. */
export interface DataKeyOwner {
    readonly club: string;
    readonly channel: string;
    readonly memberNumber: string;
}

/**
 * The per-member data keys that seal personal records, kept by the home club's API alone. Destroying a key
 * erases every sealed copy of the record, wherever the ledger left one (crypto-shredding).
 */
export interface PersonalDataKeys {
    /** The member's key, made (random, 256 bits) on first use; every later call returns the same key. */
    keyFor(owner: DataKeyOwner): Promise<Uint8Array>;
    /** The member's key; undefined once destroyed (or never made). */
    find(owner: DataKeyOwner): Promise<Uint8Array | undefined>;
    /** Destroys the member's key for good; destroying a destroyed key does nothing. */
    destroy(owner: DataKeyOwner): Promise<void>;
}

/** The keys in the API's own schema (table personal_data_keys), which the read model's role cannot read. */
export class DatabasePersonalDataKeys implements PersonalDataKeys {
    readonly #pool: pg.Pool;

    constructor(pool: pg.Pool) {
        this.#pool = pool;
    }

    async keyFor(owner: DataKeyOwner): Promise<Uint8Array> {
        // DO NOTHING keeps the first key when two requests race, and writes no second row version holding a key.
        await this.#pool.query(
            `INSERT INTO personal_data_keys (club, channel, member_number, data_key) VALUES ($1, $2, $3, $4)
             ON CONFLICT (club, channel, member_number) DO NOTHING`,
            [owner.club, owner.channel, owner.memberNumber, randomBytes(DATA_KEY_BYTES)],
        );
        const key = await this.find(owner);
        if (key === undefined) {
            throw new Error(`the data key of ${owner.memberNumber} on ${owner.channel} vanished as it was made`);
        }
        return key;
    }

    async find(owner: DataKeyOwner): Promise<Uint8Array | undefined> {
        const { rows } = await this.#pool.query<{ data_key: Buffer }>(
            'SELECT data_key FROM personal_data_keys WHERE club = $1 AND channel = $2 AND member_number = $3',
            [owner.club, owner.channel, owner.memberNumber],
        );
        return rows[0]?.data_key;
    }

    async destroy(owner: DataKeyOwner): Promise<void> {
        await this.#pool.query('DELETE FROM personal_data_keys WHERE club = $1 AND channel = $2 AND member_number = $3', [
            owner.club,
            owner.channel,
            owner.memberNumber,
        ]);
    }
}
