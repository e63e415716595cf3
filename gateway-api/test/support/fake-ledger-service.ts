import { createHash } from 'node:crypto';
import { Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { CommitError, EndorseError } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import type { ChangeStamp, Club } from '@reciprocal-clubs/chaincode/model';
import sinon from 'sinon';
import type { Caller } from '../../src/caller.js';
import type { ApiServices } from '../../src/context.js';
import type { CommittedTransaction, Ledger, LedgerCall } from '../../src/ledger.js';
import { toApiError } from '../../src/ledger-errors.js';
import { CALLERS, type CallerName, type GraphqlResponse, callerTokens, postGraphql, testSigningKey, testVerifier, testYoga, unreachableServices } from './tokens.js';

/** Where a committed transaction landed. */
export interface Receipt {
    readonly transactionId: string;
    readonly blockNumber: bigint;
}

/** One call the API made to the ledger, as it made it. */
export interface RecordedLedgerCall {
    readonly operation: 'submit' | 'evaluate';
    readonly caller: Caller;
    readonly call: LedgerCall;
}

/** A transaction ID as Fabric makes them (64 hex characters), derived from a label so tests can name it. */
export function transactionIdOf(label: string): string {
    return createHash('sha256').update(label).digest('hex');
}

/**
 * The Ledger the API is built on, without a Fabric network: sinon stubs that record every call and answer
 * by transaction name (`Contract:function`) with what the chaincode would return. A transaction nobody
 * answered fails the request, so a test learns of any call it did not expect.
 *
 * Failures reach the API as FabricLedger passes them on, through `toApiError`: a test hands the error
 * fabric-gateway would throw (see `chaincodeRefusal`, `readConflict`), and the API's own translation runs.
 */
export class FakeLedgerService implements Ledger {
    readonly submit = sinon.stub<[Caller, LedgerCall], Promise<CommittedTransaction>>();
    readonly evaluate = sinon.stub<[Caller, LedgerCall], Promise<string>>();
    readonly #commits = new Map<string, CommittedTransaction>();
    readonly #answers = new Map<string, string>();
    readonly #failures = new Map<string, unknown>();
    readonly #failuresInTurn = new Map<string, unknown[]>();
    #blocks = 0n;

    constructor() {
        this.submit.callsFake((_caller, call) => {
            const failure = this.#failureInTurnOf(call) ?? this.#failureOf(call);
            if (failure !== undefined) {
                return Promise.reject(failure);
            }
            const committed = this.#commits.get(call.transaction);
            return committed === undefined ? Promise.reject(new Error(`the test did not expect a submit of ${call.transaction}`)) : Promise.resolve(committed);
        });
        this.evaluate.callsFake((_caller, call) => {
            const failure = this.#failureOf(call);
            if (failure !== undefined) {
                return Promise.reject(failure);
            }
            const answer = this.#answers.get(call.transaction);
            return answer === undefined ? Promise.reject(new Error(`the test did not expect an evaluation of ${call.transaction}`)) : Promise.resolve(answer);
        });
    }

    /** Submits of `transaction` commit with the chaincode's JSON `result`, in the receipt's block (default: the next one). */
    commits(transaction: string, result: unknown, receipt: Receipt = this.#nextReceipt(transaction)): this {
        this.#commits.set(transaction, { result: JSON.stringify(result), ...receipt });
        return this;
    }

    /** Evaluations of `transaction` answer the chaincode's JSON `result`. */
    answers(transaction: string, result: unknown): this {
        this.#answers.set(transaction, JSON.stringify(result));
        return this;
    }

    /** Submits and evaluations of `transaction` fail with what fabric-gateway threw, whatever else it answers. */
    fails(transaction: string, fabricError: unknown): this {
        this.#failures.set(transaction, fabricError);
        return this;
    }

    /** The next submits of `transaction` fail in turn with what fabric-gateway threw; later ones are answered as before. */
    failsInTurn(transaction: string, ...fabricErrors: unknown[]): this {
        this.#failuresInTurn.set(transaction, fabricErrors);
        return this;
    }

    /** Every call, in the order the API made them. */
    calls(): RecordedLedgerCall[] {
        const recorded = [
            ...this.submit.getCalls().map((spyCall) => ({ spyCall, operation: 'submit' as const })),
            ...this.evaluate.getCalls().map((spyCall) => ({ spyCall, operation: 'evaluate' as const })),
        ];
        return recorded
            .sort((a, b) => (a.spyCall.calledBefore(b.spyCall) ? -1 : 1))
            .map(({ spyCall, operation }) => ({ operation, caller: spyCall.args[0], call: spyCall.args[1] }));
    }

    /** The submitted calls, in order. */
    submitted(): LedgerCall[] {
        return this.submit.getCalls().map((spyCall) => spyCall.args[1]);
    }

    /** `operation Contract:function` of every call, in order: the shape of what a request did. */
    trail(): string[] {
        return this.calls().map(({ operation, call }) => `${operation} ${call.transaction}`);
    }

    /** Forgets the calls and the answers, for the next test. */
    reset(): void {
        this.submit.resetHistory();
        this.evaluate.resetHistory();
        this.#commits.clear();
        this.#answers.clear();
        this.#failures.clear();
        this.#failuresInTurn.clear();
    }

    #failureOf(call: LedgerCall): Error | undefined {
        return this.#failures.has(call.transaction) ? toApiError(this.#failures.get(call.transaction)) : undefined;
    }

    #failureInTurnOf(call: LedgerCall): Error | undefined {
        const next = this.#failuresInTurn.get(call.transaction)?.shift();
        return next === undefined ? undefined : toApiError(next);
    }

    #nextReceipt(transaction: string): Receipt {
        this.#blocks += 1n;
        return { transactionId: transactionIdOf(`${transaction} ${String(this.#blocks)}`), blockNumber: this.#blocks };
    }
}

function grpcError(code: status, details: string): ServiceError {
    return Object.assign(new Error(details), { code, details, metadata: new Metadata() });
}

/** What fabric-gateway throws when the endorsing peers refuse, each peer's detail being `peerMessage`. */
export function endorseError(peerMessage: string, transactionId = transactionIdOf('refused')): EndorseError {
    return new EndorseError({
        code: status.ABORTED,
        transactionId,
        message: 'failed to endorse transaction, see attached details for more info',
        cause: grpcError(status.ABORTED, 'failed to endorse transaction'),
        details: [{ address: 'peer0.alpine.example:7051', mspId: 'AlpineMSP', message: peerMessage }],
    });
}

/** What fabric-gateway throws when the chaincode refuses on the endorsing peers, e.g. `VISIT_LIMIT_REACHED: 4 of 4 …`. */
export function chaincodeRefusal(chaincodeMessage: string, transactionId = transactionIdOf('refused')): EndorseError {
    return endorseError(`chaincode response 500, ${chaincodeMessage}`, transactionId);
}

/** What fabric-gateway throws when the transaction was ordered but invalidated by a key's endorsement policy. */
export function policyFailure(transactionId = transactionIdOf('invalidated')): CommitError {
    return new CommitError({ code: peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE, transactionId, message: 'transaction invalidated' });
}

/** What fabric-gateway throws when the transaction was ordered but invalidated: a concurrent change won. */
export function readConflict(transactionId = transactionIdOf('conflicted')): CommitError {
    return new CommitError({ code: peer.TxValidationCode.MVCC_READ_CONFLICT, transactionId, message: 'transaction invalidated' });
}

/** What the chaincode stamps on a change. */
export function ledgerStamp(club: string, by: string, label = 'stamp'): ChangeStamp {
    return { by, club, at: '2026-03-02T10:00:00.000Z', txId: transactionIdOf(label) };
}

/** A club as `Club:get` and `Club:list` return it. */
export function ledgerClub(mspId: string, passPublicKey = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n'): Club {
    return {
        mspId,
        name: `${mspId.replace(/MSP$/, '')} Club`,
        city: 'Zurich',
        country: 'CH',
        timezone: 'Europe/Zurich',
        facilities: ['DINING', 'FITNESS'],
        passPublicKey,
        memberPrefix: mspId.slice(0, 3).toUpperCase(),
        status: 'ACTIVE',
        registered: ledgerStamp(mspId, `admin@${mspId}`),
        updated: ledgerStamp(mspId, `admin@${mspId}`),
    };
}

/** The API on a FakeLedgerService, as the people of CALLERS call it. */
export interface FakeLedgerApi {
    readonly ledger: FakeLedgerService;
    /** Posts one operation with the named caller's token, or without a token. */
    ask(caller: CallerName | undefined, query: string, variables?: Readonly<Record<string, unknown>>): Promise<GraphqlResponse>;
}

/** The API over a fresh FakeLedgerService and the other `services` given; any other service fails the request. */
export async function fakeLedgerApi(services: Partial<ApiServices> = {}): Promise<FakeLedgerApi> {
    const key = await testSigningKey();
    const tokens = await callerTokens(key, CALLERS);
    const ledger = new FakeLedgerService();
    const yoga = testYoga(testVerifier(key), { services: unreachableServices({ ledger, ...services }) });
    return {
        ledger,
        ask: (caller, query, variables) =>
            postGraphql(yoga, query, { ...(caller === undefined ? {} : { token: tokens[caller] }), ...(variables === undefined ? {} : { variables }) }),
    };
}
