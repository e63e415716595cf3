import { AgreementContract } from '../../src/agreements/agreement-contract';
import type { RecordContext } from '../../src/context';
import type { Agreement, AgreementTerms } from '../../src/model/agreement';
import { admin, endorsersNamedFor } from './fixtures';
import type { FakeLedger, Submitter, TransactionOutcome } from './ledger';

/** Valid terms for the whole of 2026 (the FakeLedger's clock is in March 2026). */
export function agreementTerms(overrides: Partial<AgreementTerms> = {}): AgreementTerms {
    return {
        validFrom: '2026-01-01',
        validUntil: '2026-12-31',
        visitsPerMemberPerMonth: 4,
        visitsPerMemberPerYear: 24,
        nightsPerStay: 3,
        guestsPerVisit: 2,
        allowedWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
        blackoutDates: [{ from: '2026-12-24', until: '2026-12-26', reason: 'Christmas' }],
        facilities: ['DINING', 'ACCOMMODATION', 'FITNESS'],
        eligibleMembershipTypes: ['REGULAR', 'VIP'],
        letterOfIntroductionRequired: false,
        feePerVisit: { amountMinor: 2500, currency: 'EUR' },
        ...overrides,
    };
}

/** `proposer`'s admin proposes an agreement to `counterparty` (both registered) through the real contract. */
export async function proposedAgreement(
    ledger: FakeLedger,
    proposer: string,
    counterparty: string,
    terms: AgreementTerms = agreementTerms(),
): Promise<Agreement> {
    const { result } = await ledger.submit(admin(proposer), (ctx) =>
        new AgreementContract().propose(ctx, counterparty, JSON.stringify(terms)),
    );
    return JSON.parse(result) as Agreement;
}

/** The transactions that change an existing agreement: each takes its ID, a proposed amendment its terms too. */
export type AgreementChange =
    | 'accept'
    | 'reject'
    | 'suspend'
    | 'resume'
    | 'terminate'
    | 'expire'
    | 'proposeAmendment'
    | 'acceptAmendment'
    | 'rejectAmendment';

/**
 * A change of an existing agreement as the API submits it: endorsed by the clubs it names for both parties,
 * read from the ledger.
 */
export async function changeAgreement(
    ledger: FakeLedger,
    submitter: Submitter,
    change: AgreementChange,
    agreementId: string,
    terms?: AgreementTerms,
): Promise<TransactionOutcome<string>> {
    const agreement = ledger.read<Agreement>('agreement', agreementId);
    const parties = agreement ? [agreement.proposer, agreement.counterparty] : [];
    const contract = new AgreementContract();
    const run = (ctx: RecordContext) =>
        change === 'proposeAmendment' ? contract.proposeAmendment(ctx, agreementId, JSON.stringify(terms)) : contract[change](ctx, agreementId);
    return ledger.submit(submitter, run, await endorsersNamedFor(ledger, ...parties));
}

/** An ACTIVE agreement between two registered clubs: proposed by `proposer`, accepted by `counterparty`. */
export async function activeAgreement(
    ledger: FakeLedger,
    proposer: string,
    counterparty: string,
    terms: AgreementTerms = agreementTerms(),
): Promise<Agreement> {
    const proposed = await proposedAgreement(ledger, proposer, counterparty, terms);
    const { result } = await changeAgreement(ledger, admin(counterparty), 'accept', proposed.agreementId);
    return JSON.parse(result) as Agreement;
}
