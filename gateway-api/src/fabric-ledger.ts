import { CommitError, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { ACTOR_TRANSIENT_KEY } from '@reciprocal-clubs/chaincode/model';
import pRetry, { AbortError } from 'p-retry';
import { type PeerConnection, type PeerConnectionOptions, connectToPeer } from '@reciprocal-clubs/event-indexer';
import type { ApiRole, Caller } from './caller.js';
import { ApiError, ApiErrorCode } from './errors.js';
import type { CommittedTransaction, Ledger, LedgerCall } from './ledger.js';
import { isReadConflict, toApiError } from './ledger-errors.js';

/** A club's peer, and the identities its CA enrolled for the API (one per `club.role`). */
export interface ClubLedgerAccess {
    readonly gateway: Omit<PeerConnectionOptions, 'mspId' | 'certPath' | 'keyPath'>;
    readonly identities: Readonly<Record<'admin' | 'staff' | 'auditor', { readonly certPath: string; readonly keyPath: string }>>;
}

export interface FabricLedgerOptions {
    readonly chaincodeName: string;
    readonly clubs: Readonly<Record<string, ClubLedgerAccess>>;
    /** Attempts of a transaction invalidated by an MVCC read conflict before CONFLICT is returned. */
    readonly conflictAttempts?: number;
}

/** The Fabric identity a role acts with: members act through their club's staff identity, within what the API allows them. */
export const fabricRoleOf: Readonly<Record<ApiRole, 'admin' | 'staff' | 'auditor'>> = {
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
    readonly #connections = new Map<string, Promise<PeerConnection>>();

    constructor(options: FabricLedgerOptions) {
        this.#options = options;
    }

    async submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction> {
        const contract = await this.#contract(caller, call.channel);
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
        const contract = await this.#contract(caller, call.channel);
        try {
            return Buffer.from(await contract.evaluate(call.transaction, proposalOptions(caller, call))).toString('utf8');
        } catch (error) {
            throw toApiError(error);
        }
    }

    async isReachable(): Promise<boolean> {
        const clubs = Object.keys(this.#options.clubs);
        const reachable = await Promise.all(
            clubs.map((club) =>
                this.#gateway(club, 'auditor')
                    .then(() => true)
                    .catch(() => false),
            ),
        );
        return reachable.every(Boolean);
    }

    close(): void {
        for (const connection of this.#connections.values()) {
            void connection.then((open) => {
                open.close();
            });
        }
        this.#connections.clear();
    }

    async #contract(caller: Caller, channel: string): Promise<Contract> {
        const gateway = await this.#gateway(caller.club, fabricRoleOf[caller.role]);
        return gateway.getNetwork(channel).getContract(this.#options.chaincodeName);
    }

    #gateway(club: string, role: 'admin' | 'staff' | 'auditor'): Promise<Gateway> {
        const access = this.#options.clubs[club];
        if (access === undefined) {
            return Promise.reject(new ApiError(ApiErrorCode.FORBIDDEN, `club ${club} is not served by this API`));
        }
        const key = `${club}/${role}`;
        let connection = this.#connections.get(key);
        if (connection === undefined) {
            connection = connectToPeer({ mspId: club, ...access.gateway, ...access.identities[role] });
            connection.catch(() => this.#connections.delete(key));
            this.#connections.set(key, connection);
        }
        return connection.then((open) => open.gateway);
    }
}

function proposalOptions(caller: Caller, call: LedgerCall) {
    return {
        arguments: [...call.args],
        transientData: { ...call.transient, [ACTOR_TRANSIENT_KEY]: caller.subject },
        ...(call.endorsingOrganizations === undefined ? {} : { endorsingOrganizations: [...call.endorsingOrganizations] }),
    };
}
