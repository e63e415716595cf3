import { CommitError, type Contract } from '@hyperledger/fabric-gateway';
import { ACTOR_TRANSIENT_KEY } from '@reciprocal-clubs/chaincode/model';
import pRetry, { AbortError } from 'p-retry';
import type { ApiRole, Caller } from './caller.js';
import type { ClubGateways, FabricRole } from './club-gateways.js';
import type { CommittedTransaction, Ledger, LedgerCall } from './ledger.js';
import { isReadConflict, toApiError } from './ledger-errors.js';

export interface FabricLedgerOptions {
    readonly chaincodeName: string;
    /** The served clubs' gateways: a caller of any other club is refused FORBIDDEN. */
    readonly gateways: ClubGateways;
    /** Attempts of a transaction invalidated by an MVCC read conflict before CONFLICT is returned. */
    readonly conflictAttempts?: number;
}

/** The Fabric identity a role acts with: members act through their club's staff identity, within what the API allows them. */
export const fabricRoleOf: Readonly<Record<ApiRole, FabricRole>> = {
    admin: 'admin',
    staff: 'staff',
    auditor: 'auditor',
    member: 'staff',
};

/**
 * The ledger through @hyperledger/fabric-gateway: each call is signed by the caller's club with the
 * identity of the caller's role, names the acting person in the transient map, and returns only once
 * committed. MVCC read conflicts are retried a bounded number of times.
 */
export class FabricLedger implements Ledger {
    readonly #options: FabricLedgerOptions;

    constructor(options: FabricLedgerOptions) {
        this.#options = options;
    }

    async submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction> {
        const contract = this.#contract(caller, call.channel);
        return pRetry(
            async () => {
                try {
                    const submitted = await contract.submitAsync(call.transaction, proposalOptions(caller, call));
                    const status = await submitted.getStatus();
                    if (!status.successful) {
                        throw new CommitError({ code: status.code, transactionId: status.transactionId, message: 'transaction invalidated' });
                    }
                    return {
                        result: Buffer.from(submitted.getResult()).toString('utf8'),
                        transactionId: status.transactionId,
                        blockNumber: status.blockNumber,
                    };
                } catch (error) {
                    if (isReadConflict(error)) {
                        throw error;
                    }
                    throw new AbortError(toApiError(error));
                }
            },
            { retries: (this.#options.conflictAttempts ?? 3) - 1, minTimeout: 50, maxTimeout: 500, randomize: true },
        ).catch((error: unknown) => {
            throw toApiError(error);
        });
    }

    async evaluate(caller: Caller, call: LedgerCall): Promise<string> {
        const contract = this.#contract(caller, call.channel);
        try {
            return Buffer.from(await contract.evaluate(call.transaction, proposalOptions(caller, call))).toString('utf8');
        } catch (error) {
            throw toApiError(error);
        }
    }

    #contract(caller: Caller, channel: string): Contract {
        return this.#options.gateways.gatewayOf(caller.club, fabricRoleOf[caller.role]).getNetwork(channel).getContract(this.#options.chaincodeName);
    }
}

function proposalOptions(caller: Caller, call: LedgerCall) {
    return {
        arguments: [...call.args],
        transientData: { ...call.transient, [ACTOR_TRANSIENT_KEY]: caller.subject },
        ...(call.endorsingOrganizations === undefined ? {} : { endorsingOrganizations: [...call.endorsingOrganizations] }),
    };
}
