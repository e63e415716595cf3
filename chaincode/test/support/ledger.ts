import { createHash } from 'node:crypto';
import { ChaincodeStub, ClientIdentity } from 'fabric-shim';
import type { Iterators } from 'fabric-shim-api';
import sinon from 'sinon';
import { RecordContext } from '../../src/context';
import type { LedgerEvent } from '../../src/model/events';
import { type WriteSet, endorsementPolicyFailure } from './commit-validation';
import { ATLANTIC } from './fixtures';
import { endorsementsBy } from './signature-policies';

/** Who submits a transaction in a test: a club's MSP and the `club.role` its certificate carries. */
export interface Submitter {
    readonly mspId: string;
    readonly role?: string;
    /** The acting person the API names in the transient map. */
    readonly actor?: string;
    readonly transient?: Record<string, string>;
    /** Transaction time; defaults to the ledger's clock. */
    readonly at?: Date;
}

interface Revision {
    readonly txId: string;
    readonly at: Date;
    readonly value: Uint8Array | undefined;
}

/** A channel: its name and the clubs whose organizations are its members, each with one peer. */
export interface Channel {
    readonly name: string;
    readonly clubs: readonly string[];
}

/**
 * A transaction that committing peers mark invalid because its endorsements do not satisfy the policies of
 * what it wrote: it is in the block but changes nothing. The client sees its validation code.
 */
export class EndorsementPolicyFailure extends Error {
    readonly validationCode = 'ENDORSEMENT_POLICY_FAILURE';

    constructor(txId: string, reason: string) {
        super(`ENDORSEMENT_POLICY_FAILURE: transaction ${txId} is invalid: ${reason}`);
        this.name = 'EndorsementPolicyFailure';
    }
}

/** The result of one simulated transaction: its event and the keys it wrote. */
export interface TransactionOutcome<T> {
    readonly result: T;
    readonly event: LedgerEvent | undefined;
    readonly txId: string;
}

const MAX_UNICODE = String.fromCodePoint(0x10ffff);
const compositeKeys = ChaincodeStub.prototype;

/**
 * An in-memory ledger behind sinon stubs of ChaincodeStub and ClientIdentity.
 * Like Fabric, writes are buffered and become visible only when the transaction
 * succeeds (no read-your-writes), and a refused transaction writes nothing.
 * A submitted transaction commits only if its endorsing organizations satisfy the endorsement
 * policies of what it wrote, as a committing peer validates it; otherwise it too writes nothing.
 */
export class FakeLedger {
    readonly channel: { readonly name: string; readonly clubs: string[] };
    readonly state = new Map<string, Uint8Array>();
    readonly privateData = new Map<string, Map<string, Uint8Array>>();
    readonly endorsementPolicies = new Map<string, Uint8Array>();
    readonly history = new Map<string, Revision[]>();
    readonly events: LedgerEvent[] = [];
    /** The clock for transactions that do not set `at`. */
    clock = new Date('2026-03-02T10:00:00.000Z');
    #txCounter = 0;

    constructor(channel: Channel = ATLANTIC) {
        this.channel = { name: channel.name, clubs: [...channel.clubs] };
    }

    /** Adds a club's organization to the channel (a channel configuration update), unless it is a member. */
    joinChannel(mspId: string): void {
        if (!this.channel.clubs.includes(mspId)) {
            this.channel.clubs.push(mspId);
        }
    }

    /**
     * Runs a submitted transaction, endorsed by one peer of each of `endorsers` (by default every club of the
     * channel), and commits its writes if it succeeds and is valid; throws EndorsementPolicyFailure if it is not.
     */
    async submit<T>(
        submitter: Submitter,
        run: (ctx: RecordContext) => Promise<T>,
        endorsers: readonly string[] = this.channel.clubs,
    ): Promise<TransactionOutcome<T>> {
        const tx = this.#transaction(submitter);
        const result = await run(tx.ctx);
        tx.commit(endorsers);
        return { result, event: tx.event(), txId: tx.txId };
    }

    /** Runs an evaluated (read-only) transaction; its writes, if any, are dropped. */
    async evaluate<T>(submitter: Submitter, run: (ctx: RecordContext) => Promise<T>): Promise<T> {
        return run(this.#transaction(submitter).ctx);
    }

    /** A context for one transaction, for tests that need the stub itself. */
    context(submitter: Submitter): {
        ctx: RecordContext;
        stub: sinon.SinonStubbedInstance<ChaincodeStub>;
        commit: (endorsers?: readonly string[]) => void;
    } {
        const tx = this.#transaction(submitter);
        return { ctx: tx.ctx, stub: tx.stub, commit: tx.commit };
    }

    key(objectType: string, ...attributes: string[]): string {
        return compositeKeys.createCompositeKey(objectType, attributes);
    }

    /** The committed value of a key, parsed. */
    read<T>(objectType: string, ...attributes: string[]): T | undefined {
        const bytes = this.state.get(this.key(objectType, ...attributes));
        return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
    }

    /** Writes a committed value directly, to arrange a test. */
    write(value: unknown, objectType: string, ...attributes: string[]): void {
        this.state.set(this.key(objectType, ...attributes), Buffer.from(JSON.stringify(value)));
    }

    readPrivate<T>(collection: string, objectType: string, ...attributes: string[]): T | undefined {
        const bytes = this.privateData.get(collection)?.get(this.key(objectType, ...attributes));
        return bytes === undefined ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as T);
    }

    #transaction(submitter: Submitter) {
        this.#txCounter += 1;
        const txId = createHash('sha256').update(`tx-${this.#txCounter}`).digest('hex');
        const at = submitter.at ?? this.clock;
        const writes = new Map<string, Uint8Array | undefined>();
        const privateWrites = new Map<string, Map<string, Uint8Array | undefined>>();
        const policyWrites = new Map<string, Uint8Array>();
        const purges: [string, string][] = [];
        let event: LedgerEvent | undefined;

        const stub = sinon.createStubInstance(ChaincodeStub);
        stub.createCompositeKey.callsFake((type: string, attrs: string[]) => compositeKeys.createCompositeKey(type, attrs));
        stub.splitCompositeKey.callsFake((key: string) => compositeKeys.splitCompositeKey(key));
        stub.getTxID.returns(txId);
        stub.getChannelID.returns(this.channel.name);
        stub.getDateTimestamp.returns(at);
        stub.getTransient.returns(
            new Map(
                Object.entries({ ...(submitter.actor ? { actor: submitter.actor } : {}), ...submitter.transient }).map(
                    ([name, value]) => [name, Buffer.from(value)],
                ),
            ),
        );
        stub.getState.callsFake((key: string) => Promise.resolve(this.state.get(key) ?? new Uint8Array()));
        stub.putState.callsFake((key: string, value: Uint8Array) => {
            writes.set(key, value);
            return Promise.resolve();
        });
        stub.deleteState.callsFake((key: string) => {
            writes.set(key, undefined);
            return Promise.resolve();
        });
        stub.setStateValidationParameter.callsFake((key: string, policy: Uint8Array) => {
            policyWrites.set(key, policy);
            return Promise.resolve();
        });
        // As a peer gives it through fabric-shim: undefined for a key without a policy.
        stub.getStateValidationParameter.callsFake((key: string) => Promise.resolve(this.endorsementPolicies.get(key)!));
        stub.getStateByPartialCompositeKey.callsFake(((type: string, attrs: string[]) =>
            iterate(this.#range(compositeKeys.createCompositeKey(type, attrs)))) as never);
        stub.getStateByPartialCompositeKeyWithPagination.callsFake(((
            type: string,
            attrs: string[],
            pageSize: number,
            bookmark?: string,
        ) => {
            const all = this.#range(compositeKeys.createCompositeKey(type, attrs)).filter(
                ([key]) => !bookmark || key >= bookmark,
            );
            const page = all.slice(0, pageSize);
            const next = all[pageSize]?.[0] ?? '';
            const metadata = { fetchedRecordsCount: page.length, bookmark: next };
            return Promise.resolve({
                iterator: iterator(page.map(([key, value]) => ({ namespace: 'reciprocal', key, value }))),
                // All-default metadata serializes to no bytes, for which fabric-shim sets no `metadata`.
                ...(page.length > 0 || next !== '' ? { metadata } : {}),
            });
        }) as never);
        stub.getHistoryForKey.callsFake(((key: string) =>
            Promise.resolve(
                iterator(
                    [...(this.history.get(key) ?? [])].reverse().map((revision) => ({
                        txId: revision.txId,
                        isDelete: revision.value === undefined,
                        value: revision.value ?? new Uint8Array(),
                        timestamp: { seconds: Math.floor(revision.at.getTime() / 1000), nanos: 0 },
                    })),
                ),
            )) as never);
        stub.getPrivateData.callsFake((collection: string, key: string) =>
            Promise.resolve(this.privateData.get(collection)?.get(key) ?? new Uint8Array()),
        );
        stub.getPrivateDataHash.callsFake((collection: string, key: string) => {
            const bytes = this.privateData.get(collection)?.get(key);
            return Promise.resolve(bytes ? createHash('sha256').update(bytes).digest() : new Uint8Array());
        });
        stub.putPrivateData.callsFake((collection: string, key: string, value: Uint8Array) => {
            collectionOf(privateWrites, collection).set(key, value);
            return Promise.resolve();
        });
        stub.deletePrivateData.callsFake((collection: string, key: string) => {
            collectionOf(privateWrites, collection).set(key, undefined);
            return Promise.resolve();
        });
        stub.purgePrivateData.callsFake((collection: string, key: string) => {
            purges.push([collection, key]);
            return Promise.resolve();
        });
        stub.setEvent.callsFake((name: string, payload: Uint8Array) => {
            event = JSON.parse(Buffer.from(payload).toString('utf8')) as LedgerEvent;
            if (event.name !== name) {
                throw new Error(`event named ${name} carries ${event.name}`);
            }
        });

        const identity = sinon.createStubInstance(ClientIdentity);
        identity.getMSPID.returns(submitter.mspId);
        identity.getID.returns(`x509::/CN=${submitter.role ?? 'nobody'}@${submitter.mspId}::/CN=ca.${submitter.mspId}`);
        identity.getAttributeValue.callsFake((name: string) => (name === 'club.role' ? (submitter.role ?? null) : null));

        const ctx = new RecordContext();
        ctx.stub = stub;
        ctx.clientIdentity = identity;

        const commit = (endorsers: readonly string[] = this.channel.clubs) => {
            const written = {
                publicKeys: [...new Set([...writes.keys(), ...policyWrites.keys()])],
                collections: [...new Set([...privateWrites.keys(), ...purges.map(([collection]) => collection)])],
            };
            this.#validate(txId, written, endorsers);
            for (const [key, value] of writes) {
                if (value === undefined) {
                    this.state.delete(key);
                    this.endorsementPolicies.delete(key);
                } else {
                    this.state.set(key, value);
                }
                this.history.set(key, [...(this.history.get(key) ?? []), { txId, at, value }]);
            }
            for (const [collection, entries] of privateWrites) {
                for (const [key, value] of entries) {
                    const target = collectionOf(this.privateData, collection);
                    if (value === undefined) {
                        target.delete(key);
                    } else {
                        target.set(key, value);
                    }
                }
            }
            for (const [collection, key] of purges) {
                this.privateData.get(collection)?.delete(key);
            }
            for (const [key, policy] of policyWrites) {
                // Fabric drops a validation parameter set on a key that has no value once the transaction commits.
                if (this.state.has(key)) {
                    this.endorsementPolicies.set(key, policy);
                }
            }
            if (event) {
                this.events.push(event);
            }
        };
        return { ctx, stub, txId, commit, event: () => event };
    }

    #validate(txId: string, written: WriteSet, endorsers: readonly string[]): void {
        const strangers = endorsers.filter((endorser) => !this.channel.clubs.includes(endorser));
        if (strangers.length > 0) {
            throw new Error(`no peer of ${strangers.join(', ')} is on channel ${this.channel.name}`);
        }
        const failure = endorsementPolicyFailure(written, endorsementsBy(endorsers), {
            clubs: this.channel.clubs,
            validationParameterOf: (key) => this.endorsementPolicies.get(key),
        });
        if (failure !== undefined) {
            throw new EndorsementPolicyFailure(txId, failure);
        }
    }

    #range(prefix: string): [string, Uint8Array][] {
        return [...this.state.entries()]
            .filter(([key]) => key >= prefix && key < prefix + MAX_UNICODE)
            .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    }
}

function collectionOf<V>(collections: Map<string, Map<string, V>>, name: string): Map<string, V> {
    let collection = collections.get(name);
    if (!collection) {
        collection = new Map();
        collections.set(name, collection);
    }
    return collection;
}

function iterator<T>(items: T[]): Iterators.CommonIterator<T> {
    let index = 0;
    return {
        next: () => {
            const value = items[index];
            index += 1;
            return Promise.resolve(value === undefined ? { done: true, value: undefined as never } : { done: false, value });
        },
        close: () => Promise.resolve(),
    };
}

function iterate(entries: [string, Uint8Array][]): Promise<Iterators.StateQueryIterator> {
    return Promise.resolve(iterator(entries.map(([key, value]) => ({ namespace: 'reciprocal', key, value }))));
}

/** Runs a promise expected to be refused and returns the error, failing the test if it succeeds. */
export async function refusal(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        if (error instanceof Error) {
            return error;
        }
        throw new Error(`refused with a non-Error: ${String(error)}`);
    }
    throw new Error('expected the transaction to be refused, but it succeeded');
}
