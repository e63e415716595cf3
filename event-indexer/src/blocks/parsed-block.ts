/** A block as the indexer keeps it: header facts for the hash chain and every transaction, valid or not. */
export interface ParsedBlock {
    readonly channel: string;
    readonly number: bigint;
    readonly previousHash: Uint8Array;
    readonly dataHash: Uint8Array;
    /** SHA-256 of the block header's ASN.1 DER encoding: what the next block's previousHash must equal. */
    readonly headerHash: Uint8Array;
    readonly transactions: readonly ParsedTransaction[];
}

export interface KeyWrite {
    readonly namespace: string;
    readonly key: string;
    readonly isDelete: boolean;
    /** Absent for deletes. */
    readonly value?: Uint8Array;
}

export interface PrivateKeyWrite extends KeyWrite {
    readonly collection: string;
}

export interface ChaincodeEventRecord {
    readonly chaincodeId: string;
    readonly name: string;
    readonly payload: Uint8Array;
}

export interface ParsedTransaction {
    /** Position in the block, from 0. */
    readonly txIndex: number;
    /** Empty for configuration transactions that carry none. */
    readonly txId: string;
    /** The header type's name: ENDORSER_TRANSACTION, CONFIG, … */
    readonly type: string;
    readonly creatorMsp: string;
    readonly timestamp: Date;
    /** The peer's validation code's name: VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, … */
    readonly validationCode: string;
    readonly isValid: boolean;
    /** The invoked chaincode and function, for endorser transactions. */
    readonly chaincode?: { readonly name: string; readonly function: string };
    /** Public writes of every namespace the transaction touched. */
    readonly writes: readonly KeyWrite[];
    /** Private writes the indexing club may read (block-and-private-data events only). */
    readonly privateWrites: readonly PrivateKeyWrite[];
    readonly event?: ChaincodeEventRecord;
    /** Why the envelope could not be decoded; its type is then MALFORMED and it carries no writes. */
    readonly malformed?: string;
}
