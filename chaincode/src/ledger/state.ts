import stringify from 'json-stringify-deterministic';
import type { ChaincodeStub, Iterators, QueryResponseMetadata } from 'fabric-shim-api';
import { ChaincodeError, ErrorCode } from '../errors';
import type { CompositeKey } from './keys';

export interface Page<T> {
    readonly items: T[];
    /** Pass back to read the next page; empty when there is none. */
    readonly bookmark: string;
}

export interface KeyRevision<T> {
    readonly txId: string;
    readonly timestamp: string;
    readonly isDelete: boolean;
    readonly value?: T;
}

/** Deterministic JSON: every endorser must write the same bytes. */
export function toLedgerBytes(value: unknown): Uint8Array {
    return Buffer.from(stringify(value));
}

export function fromLedgerBytes<T>(bytes: Uint8Array): T {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** Typed access to the world state through composite keys. */
export class WorldState {
    readonly #stub: ChaincodeStub;

    constructor(stub: ChaincodeStub) {
        this.#stub = stub;
    }

    keyOf(key: CompositeKey): string {
        return this.#stub.createCompositeKey(key.objectType, [...key.attributes]);
    }

    async get<T>(key: CompositeKey): Promise<T | undefined> {
        const bytes = await this.#stub.getState(this.keyOf(key));
        return bytes.length > 0 ? fromLedgerBytes<T>(bytes) : undefined;
    }

    /** Reads an entity that must exist; `what` names it in the NOT_FOUND message. */
    async require<T>(key: CompositeKey, what: string): Promise<T> {
        const value = await this.get<T>(key);
        if (value === undefined) {
            throw new ChaincodeError(ErrorCode.NOT_FOUND, `${what} does not exist`);
        }
        return value;
    }

    async exists(key: CompositeKey): Promise<boolean> {
        const bytes = await this.#stub.getState(this.keyOf(key));
        return bytes.length > 0;
    }

    async put(key: CompositeKey, value: unknown): Promise<void> {
        await this.#stub.putState(this.keyOf(key), toLedgerBytes(value));
    }

    async delete(key: CompositeKey): Promise<void> {
        await this.#stub.deleteState(this.keyOf(key));
    }

    /**
     * Sets a key-level endorsement policy (a serialized SignaturePolicyEnvelope) unless the key has it already.
     * A peer invalidates (ENDORSEMENT_POLICY_FAILURE) every later transaction of a block that writes a key whose
     * policy an earlier one set; left unchanged, concurrent writers of the key meet as MVCC read conflicts.
     */
    async requireEndorsers(key: CompositeKey, policy: Uint8Array): Promise<void> {
        const ledgerKey = this.keyOf(key);
        // fabric-shim gives undefined, not empty bytes, for a key without a policy (its declarations say otherwise).
        const current = (await this.#stub.getStateValidationParameter(ledgerKey)) as Uint8Array | undefined;
        if (!Buffer.from(current ?? []).equals(Buffer.from(policy))) {
            await this.#stub.setStateValidationParameter(ledgerKey, policy);
        }
    }

    /** Every value under a partial key. For indexes and small sets only (clubs of a channel). */
    async list<T>(partial: CompositeKey): Promise<T[]> {
        const iterator = await this.#stub.getStateByPartialCompositeKey(partial.objectType, [...partial.attributes]);
        return drain(iterator, (kv) => fromLedgerBytes<T>(kv.value));
    }

    /** Attributes of the keys under a partial key, for pointer indexes whose keys carry the data. */
    async listKeys(partial: CompositeKey): Promise<string[][]> {
        const iterator = await this.#stub.getStateByPartialCompositeKey(partial.objectType, [...partial.attributes]);
        return drain(iterator, (kv) => this.#stub.splitCompositeKey(kv.key).attributes);
    }

    /** One page of values under a partial key. Fabric allows this in evaluated (read-only) transactions only. */
    async page<T>(partial: CompositeKey, pageSize: number, bookmark: string): Promise<Page<T>> {
        const { iterator, metadata } = await this.#stub.getStateByPartialCompositeKeyWithPagination(
            partial.objectType,
            [...partial.attributes],
            pageSize,
            bookmark,
        );
        const items = await drain(iterator, (kv) => fromLedgerBytes<T>(kv.value));
        return { items, bookmark: bookmarkAfter(metadata) };
    }

    async history<T>(key: CompositeKey): Promise<KeyRevision<T>[]> {
        const iterator = await this.#stub.getHistoryForKey(this.keyOf(key));
        return drain(iterator, (modification) => ({
            txId: modification.txId,
            timestamp: new Date(
                Number(modification.timestamp.seconds) * 1000 + Math.floor(modification.timestamp.nanos / 1e6),
            ).toISOString(),
            isDelete: modification.isDelete,
            ...(modification.isDelete ? {} : { value: fromLedgerBytes<T>(modification.value) }),
        }));
    }

    async getPrivate<T>(collection: string, key: CompositeKey): Promise<T | undefined> {
        const bytes = await this.#stub.getPrivateData(collection, this.keyOf(key));
        return bytes.length > 0 ? fromLedgerBytes<T>(bytes) : undefined;
    }

    async putPrivate(collection: string, key: CompositeKey, value: unknown): Promise<void> {
        await this.#stub.putPrivateData(collection, this.keyOf(key), toLedgerBytes(value));
    }

    /** SHA-256 of a private value, readable on every peer of the channel; undefined when absent. */
    async privateHash(collection: string, key: CompositeKey): Promise<string | undefined> {
        const bytes = await this.#stub.getPrivateDataHash(collection, this.keyOf(key));
        return bytes.length > 0 ? Buffer.from(bytes).toString('hex') : undefined;
    }

    /** Deletes a private value; past versions stay in the peers' private data stores (see purgePrivate). */
    async deletePrivate(collection: string, key: CompositeKey): Promise<void> {
        await this.#stub.deletePrivateData(collection, this.keyOf(key));
    }

    /** Removes a private value and its history from every peer that holds it (Fabric ≥ 2.5 only). */
    async purgePrivate(collection: string, key: CompositeKey): Promise<void> {
        await this.#stub.purgePrivateData(collection, this.keyOf(key));
    }
}

/**
 * A peer sends an empty last page's metadata as no bytes, for which fabric-shim sets no `metadata`
 * (its declarations say otherwise): then there is no next page.
 */
function bookmarkAfter(metadata: QueryResponseMetadata | undefined): string {
    return metadata?.bookmark ?? '';
}

async function drain<In, Out>(iterator: Iterators.CommonIterator<In>, map: (item: In) => Out): Promise<Out[]> {
    const out: Out[] = [];
    try {
        for (let result = await iterator.next(); !result.done; result = await iterator.next()) {
            out.push(map(result.value));
        }
    } finally {
        await iterator.close();
    }
    return out;
}
