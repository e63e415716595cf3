import type { Contract, Proposal } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { ACTOR_TRANSIENT_KEY, type Member, type Visit } from '@reciprocal-clubs/chaincode/model';
import { ApiErrorCode } from '../../gateway-api/src/errors.js';
import { toApiError } from '../../gateway-api/src/ledger-errors.js';
import type { EnrolledMember } from './api-client.js';

/**
 * Visits through @hyperledger/fabric-gateway as the host's desk, the way the API's FabricLedger submits them for a
 * staff caller: the same arguments, endorsing organizations and transient actor.
 */

/** Where a transaction's time went, from the proposal to its commit status. */
export interface CommitPhases {
    readonly endorseMs: number;
    /** To the orderer's acknowledgement. */
    readonly submitMs: number;
    /** Ordering into a block, validation and commit on the host's peer. */
    readonly commitMs: number;
}

const validationCodeNames = new Map<number, string>(Object.entries(peer.TxValidationCode).map(([name, code]: [string, number]) => [code, name]));

function actorOf(actor: string): Record<string, string> {
    return { [ACTOR_TRANSIENT_KEY]: actor };
}

function parsed<T>(bytes: Uint8Array): T {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as T;
}

/** The clubs the chaincode says must endorse the member's check-in (discovery cannot plan key-level policies). */
export async function endorsersForCheckIn(contract: Contract, memberNumber: string, actor: string): Promise<string[]> {
    return parsed<string[]>(await contract.evaluate('Visit:endorsersForCheckIn', { arguments: [memberNumber], transientData: actorOf(actor) }));
}

export interface VisitProposal {
    readonly actor: string;
    /** The check-in's endorsers serve its cancellation too: the visit's owners, home and host, and a majority. */
    readonly endorsers: readonly string[];
}

/** A check-in at DINING without guests; its transaction ID, known before anything is sent, is the visit's ID. */
export function checkInProposal(contract: Contract, memberNumber: string, { actor, endorsers }: VisitProposal): Proposal {
    return contract.newProposal('Visit:checkIn', {
        arguments: [JSON.stringify({ memberNumber, facility: 'DINING', guests: 0, nights: 0 })],
        transientData: actorOf(actor),
        endorsingOrganizations: [...endorsers],
    });
}

export function cancelProposal(contract: Contract, visitId: string, { actor, endorsers }: VisitProposal): Proposal {
    return contract.newProposal('Visit:cancel', { arguments: [visitId], transientData: actorOf(actor), endorsingOrganizations: [...endorsers] });
}

/** endorse → submit → commit status, step by step (what `contract.submit` does); throws unless the transaction is valid. */
export async function endorseAndCommit(proposal: Proposal): Promise<CommitPhases> {
    const t0 = performance.now();
    const transaction = await proposal.endorse();
    const t1 = performance.now();
    const commit = await transaction.submit();
    const t2 = performance.now();
    const status = await commit.getStatus();
    const t3 = performance.now();
    if (!status.successful) {
        throw new Error(`transaction ${status.transactionId} invalidated: ${validationCodeNames.get(status.code) ?? status.code.toString()}`);
    }
    return { endorseMs: t1 - t0, submitMs: t2 - t1, commitMs: t3 - t2 };
}

async function ledgerRecord<T>(contract: Contract, transaction: string, id: string): Promise<T | undefined> {
    try {
        return parsed<T>(await contract.evaluate(transaction, { arguments: [id] }));
    } catch (error) {
        if (toApiError(error).code === ApiErrorCode.NOT_FOUND) return undefined;
        throw error;
    }
}

/** The visit as the host's peer has it; undefined when no check-in recorded it. */
export function visitOnLedger(contract: Contract, visitId: string): Promise<Visit | undefined> {
    return ledgerRecord<Visit>(contract, 'Visit:get', visitId);
}

/** Whether the ledger still holds the member as enrolled then: false once the network was made anew. */
export async function enrolledOnLedger(contract: Contract, member: EnrolledMember): Promise<boolean> {
    return (await ledgerRecord<Member>(contract, 'Member:get', member.memberNumber))?.enrolled.txId === member.enrolledTxId;
}
