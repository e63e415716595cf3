import { randomBytes } from 'node:crypto';
import sinon from 'sinon';
import type { DataKeyOwner, PersonalDataKeys } from '../../src/personal-data/data-keys.js';
import { DATA_KEY_BYTES } from '../../src/personal-data/sealed-record.js';

const idOf = (owner: DataKeyOwner): string => JSON.stringify([owner.club, owner.channel, owner.memberNumber]);

/** The API's data keys in memory, with spies that tell when each was made, read and destroyed. */
export class InMemoryPersonalDataKeys implements PersonalDataKeys {
    readonly #keys = new Map<string, Uint8Array>();
    #destroyFailure: Error | undefined;
    readonly keyFor = sinon.spy((owner: DataKeyOwner): Promise<Uint8Array> => {
        const key = this.#keys.get(idOf(owner)) ?? randomBytes(DATA_KEY_BYTES);
        this.#keys.set(idOf(owner), key);
        return Promise.resolve(key);
    });
    readonly find = sinon.spy((owner: DataKeyOwner): Promise<Uint8Array | undefined> => Promise.resolve(this.#keys.get(idOf(owner))));
    readonly destroy = sinon.spy((owner: DataKeyOwner): Promise<void> => {
        const failure = this.#destroyFailure;
        this.#destroyFailure = undefined;
        if (failure !== undefined) {
            return Promise.reject(failure);
        }
        this.#keys.delete(idOf(owner));
        return Promise.resolve();
    });

    /** The key the store holds for `owner`, without counting as a read. */
    held(owner: DataKeyOwner): Uint8Array | undefined {
        return this.#keys.get(idOf(owner));
    }

    /** Puts `key` in place, to arrange a test. */
    hold(owner: DataKeyOwner, key: Uint8Array): void {
        this.#keys.set(idOf(owner), key);
    }

    /** The next destroy fails with `error` (the database lost, say) and destroys nothing. */
    failNextDestroy(error: Error): void {
        this.#destroyFailure = error;
    }

    reset(): void {
        this.#keys.clear();
        this.#destroyFailure = undefined;
        for (const spy of [this.keyFor, this.find, this.destroy]) {
            spy.resetHistory();
        }
    }
}
