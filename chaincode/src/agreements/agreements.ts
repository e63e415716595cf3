import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { Keys } from '../ledger/keys';
import type { Agreement, AgreementStatus, AgreementTerms } from '../model/agreement';

/** The current (not final) agreement between two clubs, whichever proposed it, if any. */
export async function currentAgreementBetween(ctx: RecordContext, clubA: string, clubB: string): Promise<Agreement | undefined> {
    const agreementId = await ctx.state.get<string>(Keys.agreementOfPair(clubA, clubB));
    return agreementId === undefined ? undefined : ctx.state.get<Agreement>(Keys.agreement(agreementId));
}

export async function requireAgreement(ctx: RecordContext, agreementId: string): Promise<Agreement> {
    return ctx.state.require<Agreement>(Keys.agreement(agreementId), `agreement ${agreementId}`);
}

/** Every agreement a club is party to, current and final, through the club's index pointers. */
export async function agreementsOfClub(ctx: RecordContext, mspId: string): Promise<Agreement[]> {
    const agreementIds = await ctx.state.list<string>(Keys.agreementsOf(mspId));
    const agreements = await Promise.all(agreementIds.map((agreementId) => ctx.state.get<Agreement>(Keys.agreement(agreementId))));
    return agreements.filter((agreement) => agreement !== undefined);
}

/** The other party of an agreement, seen from `mspId`, which must be a party: a third club may not act on it. */
export function otherPartyOf(agreement: Agreement, mspId: string): string {
    if (mspId === agreement.proposer) {
        return agreement.counterparty;
    }
    if (mspId === agreement.counterparty) {
        return agreement.proposer;
    }
    throw new ChaincodeError(ErrorCode.FORBIDDEN, `${mspId} is not a party to agreement ${agreement.agreementId}`);
}

/** The lifecycle moves of an agreement: from which statuses each one may start, and where it leads. */
export const AgreementMove = {
    accept: { from: ['PROPOSED'], to: 'ACTIVE' },
    reject: { from: ['PROPOSED'], to: 'REJECTED' },
    suspend: { from: ['ACTIVE'], to: 'SUSPENDED' },
    resume: { from: ['SUSPENDED'], to: 'ACTIVE' },
    terminate: { from: ['PROPOSED', 'ACTIVE', 'SUSPENDED'], to: 'TERMINATED' },
    expire: { from: ['ACTIVE', 'SUSPENDED'], to: 'EXPIRED' },
} as const satisfies Record<string, { from: readonly AgreementStatus[]; to: AgreementStatus }>;
export type AgreementMove = (typeof AgreementMove)[keyof typeof AgreementMove];

/** Statuses in which the agreement binds both clubs and its terms may be amended. */
const AMENDABLE: readonly AgreementStatus[] = ['ACTIVE', 'SUSPENDED'];

export function requireMove(agreement: Agreement, move: AgreementMove): void {
    if (!(move.from as readonly AgreementStatus[]).includes(agreement.status)) {
        throw new ChaincodeError(
            ErrorCode.INVALID_TRANSITION,
            `agreement ${agreement.agreementId} cannot go from ${agreement.status} to ${move.to}; only from ${move.from.join(' or ')}`,
        );
    }
}

export function requireAmendable(agreement: Agreement): void {
    if (!AMENDABLE.includes(agreement.status)) {
        throw new ChaincodeError(
            ErrorCode.INVALID_TRANSITION,
            `agreement ${agreement.agreementId} is ${agreement.status}; only ${AMENDABLE.join(' or ')} agreements are amended`,
        );
    }
}

/** Terms whose last day has passed: nobody may agree to them any more. */
export function termsHaveEnded(terms: AgreementTerms, today: string): boolean {
    return terms.validUntil < today;
}

/** A final status: the agreement is over and the pair of clubs is free for a new one. */
export function isFinal(status: AgreementStatus): boolean {
    return status === 'REJECTED' || status === 'TERMINATED' || status === 'EXPIRED';
}
