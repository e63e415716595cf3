import { ledger } from '@hyperledger/fabric-protos';
import type { KeyWrite, PrivateKeyWrite } from './parsed-block.js';

/** The writes of one namespace's KVRWSet (public or of one private collection). */
export function keyWrites(namespace: string, kvRwSet: Uint8Array): KeyWrite[] {
    return ledger.rwset.kvrwset.KVRWSet.deserializeBinary(kvRwSet)
        .getWritesList()
        .map((write) =>
            write.getIsDelete()
                ? { namespace, key: write.getKey(), isDelete: true }
                : { namespace, key: write.getKey(), isDelete: false, value: write.getValue_asU8() },
        );
}

/** The public writes of every namespace of a transaction's TxReadWriteSet. */
export function publicWrites(txRwSet: Uint8Array): KeyWrite[] {
    return ledger.rwset.TxReadWriteSet.deserializeBinary(txRwSet)
        .getNsRwsetList()
        .flatMap((ns) => keyWrites(ns.getNamespace(), ns.getRwset_asU8()));
}

/** The private writes of every namespace and collection of a transaction's private read-write set. */
export function privateWrites(pvtRwSet: ledger.rwset.TxPvtReadWriteSet): PrivateKeyWrite[] {
    return pvtRwSet.getNsPvtRwsetList().flatMap((ns) =>
        ns
            .getCollectionPvtRwsetList()
            .flatMap((collection) =>
                keyWrites(ns.getNamespace(), collection.getRwset_asU8()).map((write) => ({ ...write, collection: collection.getCollectionName() })),
            ),
    );
}
