import type { SinonSpyCall } from 'sinon';
import type { PrivateWriteSpec, WriteSpec } from '../../../event-indexer/test/support/block-builder.js';
import type { SimulationStub } from './built-chaincode.js';

/** What a simulated transaction wrote, as its block carries it. */
export interface ReadWriteSet {
    readonly writes: readonly WriteSpec[];
    readonly privateWrites: readonly PrivateWriteSpec[];
}

interface KeyWrite {
    readonly call: SinonSpyCall;
    /** Absent for the public world state. */
    readonly collection?: string;
    readonly key: string;
    /** Absent for a delete. */
    readonly value?: Uint8Array;
}

/** The last write of each key, sorted by key, as Fabric's read-write set builder keeps them; a purge is a private delete. */
export function readWriteSetOf(stub: SimulationStub): ReadWriteSet {
    const calls: KeyWrite[] = [
        ...stub.putState.getCalls().map((call) => ({ call, key: call.args[0], value: call.args[1] })),
        ...stub.deleteState.getCalls().map((call) => ({ call, key: call.args[0] })),
        ...stub.putPrivateData.getCalls().map((call) => ({ call, collection: call.args[0], key: call.args[1], value: call.args[2] })),
        ...stub.deletePrivateData.getCalls().map((call) => ({ call, collection: call.args[0], key: call.args[1] })),
        ...stub.purgePrivateData.getCalls().map((call) => ({ call, collection: call.args[0], key: call.args[1] })),
    ];
    const last = new Map<string, KeyWrite>();
    for (const write of calls.sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))) {
        last.set(JSON.stringify([write.collection ?? null, write.key]), write);
    }
    const sorted = [...last.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const writeSpec = ({ key, value }: KeyWrite): WriteSpec => (value === undefined ? { key, delete: true } : { key, value });
    return {
        writes: sorted.filter((write) => write.collection === undefined).map(writeSpec),
        privateWrites: sorted.flatMap((write) => (write.collection === undefined ? [] : [{ ...writeSpec(write), collection: write.collection }])),
    };
}
