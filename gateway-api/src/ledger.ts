import type { Caller } from './caller.js';

/** One chaincode transaction, as the API asks for it. */
export interface LedgerCall {
    readonly channel: string;
    /** `Contract:function`, e.g. `Visit:checkIn`. */
    readonly transaction: string;
    readonly args: readonly string[];
    /** Private inputs (personal data): they reach the endorsing peers only, never the block. */
    readonly transient?: Readonly<Record<string, string>>;
    /** Clubs that must endorse, when key-level policies make discovery's plan insufficient. */
    readonly endorsingOrganizations?: readonly string[];
}

export interface CommittedTransaction {
    /** The chaincode's JSON result. */
    readonly result: string;
    readonly transactionId: string;
    readonly blockNumber: bigint;
}

/** The ledger as the API uses it: every call signed with the identity of the caller's club and role. */
export interface Ledger {
    /** Endorses, orders and waits for the commit; resolves only once the transaction is valid in a block. */
    submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction>;
    /** Evaluates on the caller's club peer: ledger truth without a transaction. */
    evaluate(caller: Caller, call: LedgerCall): Promise<string>;
}
