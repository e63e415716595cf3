import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { requireActiveClub, requireOwnersAndMajority } from '../clubs/clubs';
import { Keys } from '../ledger/keys';
import { type Agreement, AgreementTerms, type PendingAmendment } from '../model/agreement';
import { ClubRole, EntityId, MspId } from '../model/common';
import { EventName } from '../model/events';
import {
    AgreementMove,
    agreementsOfClub,
    currentAgreementBetween,
    isFinal,
    otherPartyOf,
    requireAgreement,
    requireAmendable,
    requireMove,
    termsHaveEnded,
} from './agreements';


@Info({
    title: 'Agreements',
    description: 'Reciprocal agreements: one club proposes, the other accepts; once active, both clubs must endorse every change.',
})
export class AgreementContract extends RecordContract {
    constructor() {
        super('Agreement');
    }

    @Transaction()
    @Param('counterparty', 'string', 'MSP ID of the club invited to the agreement')
    @Param('terms', 'string', 'JSON AgreementTerms')
    @Returns('string')
    async propose(ctx: RecordContext, counterparty: string, terms: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const otherClub = parseValue(MspId, counterparty, 'counterparty');
        const proposedTerms = parseArgument(AgreementTerms, terms, 'terms');
        if (otherClub === mspId) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `counterparty: ${mspId} cannot make an agreement with itself`);
        }
        requireTermsStillRunning(proposedTerms, ctx.today);
        await requireActiveClub(ctx, mspId);
        await requireActiveClub(ctx, otherClub);
        const currentId = await ctx.state.get<string>(Keys.agreementOfPair(mspId, otherClub));
        if (currentId !== undefined) {
            throw new ChaincodeError(ErrorCode.AGREEMENT_CONFLICT, `${mspId} and ${otherClub} already have agreement ${currentId}`);
        }

        const stamp = ctx.stamp();
        const agreement: Agreement = {
            agreementId: ctx.txId,
            proposer: mspId,
            counterparty: otherClub,
            status: 'PROPOSED',
            terms: proposedTerms,
            version: 1,
            created: stamp,
            updated: stamp,
        };
        await ctx.state.put(Keys.agreement(agreement.agreementId), agreement);
        await ctx.state.put(Keys.agreementOfPair(mspId, otherClub), agreement.agreementId);
        await ctx.state.put(Keys.agreementOfClub(mspId, agreement.agreementId), agreement.agreementId);
        await ctx.state.put(Keys.agreementOfClub(otherClub, agreement.agreementId), agreement.agreementId);
        return emitAgreement(ctx, EventName.AgreementProposed, agreement);
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the proposed agreement')
    @Returns('string')
    async accept(ctx: RecordContext, agreementId: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const agreement = await requireAgreement(ctx, parseValue(EntityId, agreementId, 'agreementId'));
        otherPartyOf(agreement, mspId);
        if (mspId !== agreement.counterparty) {
            throw new ChaincodeError(ErrorCode.FORBIDDEN, `only ${agreement.counterparty} may accept agreement ${agreement.agreementId}`);
        }
        requireMove(agreement, AgreementMove.accept);
        if (termsHaveEnded(agreement.terms, ctx.today)) {
            throw new ChaincodeError(
                ErrorCode.INVALID_TRANSITION,
                `agreement ${agreement.agreementId} cannot go from PROPOSED to ACTIVE: its terms ended on ${agreement.terms.validUntil}`,
            );
        }
        await requireActiveClub(ctx, agreement.proposer);
        await requireActiveClub(ctx, agreement.counterparty);

        const accepted = await move(ctx, agreement, AgreementMove.accept);
        await requireOwnersAndMajority(ctx, [Keys.agreement(agreement.agreementId)], [agreement.proposer, agreement.counterparty]);
        return emitAgreement(ctx, EventName.AgreementAccepted, accepted);
    }

    /** The counterparty rejects a proposal, or the proposer withdraws it. */
    @Transaction()
    @Param('agreementId', 'string', 'ID of the proposed agreement')
    @Returns('string')
    async reject(ctx: RecordContext, agreementId: string): Promise<string> {
        const { agreement } = await actingParty(ctx, agreementId, 'admin');
        requireMove(agreement, AgreementMove.reject);
        return emitAgreement(ctx, EventName.AgreementRejected, await move(ctx, agreement, AgreementMove.reject));
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the active agreement')
    @Returns('string')
    async suspend(ctx: RecordContext, agreementId: string): Promise<string> {
        return changeStatus(ctx, agreementId, AgreementMove.suspend);
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the suspended agreement')
    @Returns('string')
    async resume(ctx: RecordContext, agreementId: string): Promise<string> {
        return changeStatus(ctx, agreementId, AgreementMove.resume);
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the agreement to end')
    @Returns('string')
    async terminate(ctx: RecordContext, agreementId: string): Promise<string> {
        return changeStatus(ctx, agreementId, AgreementMove.terminate);
    }

    /** Records that an agreement ran out: any role of either party may, once its last day has passed. */
    @Transaction()
    @Param('agreementId', 'string', 'ID of the agreement whose terms have ended')
    @Returns('string')
    async expire(ctx: RecordContext, agreementId: string): Promise<string> {
        const { agreement } = await actingParty(ctx, agreementId, ...ClubRole.options);
        requireMove(agreement, AgreementMove.expire);
        if (!termsHaveEnded(agreement.terms, ctx.today)) {
            throw new ChaincodeError(
                ErrorCode.INVALID_TRANSITION,
                `agreement ${agreement.agreementId} cannot go from ${agreement.status} to EXPIRED: it runs until ${agreement.terms.validUntil}`,
            );
        }
        return emitAgreement(ctx, EventName.AgreementStatusChanged, await move(ctx, agreement, AgreementMove.expire));
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the active or suspended agreement')
    @Param('terms', 'string', 'JSON AgreementTerms that would replace the current terms')
    @Returns('string')
    async proposeAmendment(ctx: RecordContext, agreementId: string, terms: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const id = parseValue(EntityId, agreementId, 'agreementId');
        const amendedTerms = parseArgument(AgreementTerms, terms, 'terms');
        requireTermsStillRunning(amendedTerms, ctx.today);
        const agreement = await requireAgreement(ctx, id);
        otherPartyOf(agreement, mspId);
        requireAmendable(agreement);
        if (agreement.pendingAmendment !== undefined) {
            throw new ChaincodeError(
                ErrorCode.AGREEMENT_CONFLICT,
                `agreement ${agreement.agreementId} already has an amendment proposed by ${agreement.pendingAmendment.proposedBy}`,
            );
        }

        const stamp = ctx.stamp();
        const amended: Agreement = {
            ...agreement,
            pendingAmendment: { terms: amendedTerms, proposedBy: mspId, proposed: stamp },
            updated: stamp,
        };
        await ctx.state.put(Keys.agreement(agreement.agreementId), amended);
        return emitAgreement(ctx, EventName.AgreementAmendmentProposed, amended);
    }

    @Transaction()
    @Param('agreementId', 'string', 'ID of the agreement with a pending amendment')
    @Returns('string')
    async acceptAmendment(ctx: RecordContext, agreementId: string): Promise<string> {
        const { mspId, agreement } = await actingParty(ctx, agreementId, 'admin');
        requireAmendable(agreement);
        const amendment = requirePendingAmendment(agreement);
        if (amendment.proposedBy === mspId) {
            throw new ChaincodeError(
                ErrorCode.FORBIDDEN,
                `only ${otherPartyOf(agreement, mspId)} may accept the amendment ${mspId} proposed to agreement ${agreement.agreementId}`,
            );
        }
        if (termsHaveEnded(amendment.terms, ctx.today)) {
            throw new ChaincodeError(
                ErrorCode.INVALID_TRANSITION,
                `the amendment to agreement ${agreement.agreementId} cannot take effect: its terms ended on ${amendment.terms.validUntil}`,
            );
        }

        const amended: Agreement = {
            ...withoutPendingAmendment(agreement),
            terms: amendment.terms,
            version: agreement.version + 1,
            updated: ctx.stamp(),
        };
        await ctx.state.put(Keys.agreement(agreement.agreementId), amended);
        return emitAgreement(ctx, EventName.AgreementAmended, amended);
    }

    /** The other party rejects a pending amendment, or its proposer withdraws it. */
    @Transaction()
    @Param('agreementId', 'string', 'ID of the agreement with a pending amendment')
    @Returns('string')
    async rejectAmendment(ctx: RecordContext, agreementId: string): Promise<string> {
        const { agreement } = await actingParty(ctx, agreementId, 'admin');
        requirePendingAmendment(agreement);
        const unchanged: Agreement = { ...withoutPendingAmendment(agreement), updated: ctx.stamp() };
        await ctx.state.put(Keys.agreement(agreement.agreementId), unchanged);
        return emitAgreement(ctx, EventName.AgreementAmendmentRejected, unchanged);
    }

    @Transaction(false)
    @Param('agreementId', 'string', 'ID of the agreement')
    @Returns('string')
    async get(ctx: RecordContext, agreementId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireAgreement(ctx, parseValue(EntityId, agreementId, 'agreementId')));
    }

    @Transaction(false)
    @Param('mspId', 'string', 'MSP ID of a club')
    @Returns('string')
    async listByClub(ctx: RecordContext, mspId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await agreementsOfClub(ctx, parseValue(MspId, mspId, 'mspId')));
    }

    @Transaction(false)
    @Param('clubA', 'string', 'MSP ID of one club')
    @Param('clubB', 'string', 'MSP ID of the other club')
    @Returns('string')
    async current(ctx: RecordContext, clubA: string, clubB: string): Promise<string> {
        ctx.requireReader();
        const one = parseValue(MspId, clubA, 'clubA');
        const other = parseValue(MspId, clubB, 'clubB');
        const agreement = await currentAgreementBetween(ctx, one, other);
        if (agreement === undefined) {
            throw new ChaincodeError(ErrorCode.NOT_FOUND, `${one} and ${other} have no current agreement`);
        }
        return JSON.stringify(agreement);
    }
}

/** The caller, checked for its role and for being a party to the agreement (a third club is FORBIDDEN). */
async function actingParty(
    ctx: RecordContext,
    agreementId: string,
    ...roles: Parameters<RecordContext['requireRole']>
): Promise<{ mspId: string; agreement: Agreement }> {
    const { mspId } = ctx.requireRole(...roles);
    const agreement = await requireAgreement(ctx, parseValue(EntityId, agreementId, 'agreementId'));
    otherPartyOf(agreement, mspId);
    return { mspId, agreement };
}

/** Suspend, resume or terminate: either party's admin. */
async function changeStatus(ctx: RecordContext, agreementId: string, statusMove: AgreementMove): Promise<string> {
    const { agreement } = await actingParty(ctx, agreementId, 'admin');
    requireMove(agreement, statusMove);
    return emitAgreement(ctx, EventName.AgreementStatusChanged, await move(ctx, agreement, statusMove));
}

/** Writes the agreement in its new status; a final status frees the pair and drops any pending amendment. */
async function move(ctx: RecordContext, agreement: Agreement, statusMove: AgreementMove): Promise<Agreement> {
    const final = isFinal(statusMove.to);
    const moved: Agreement = {
        ...(final ? withoutPendingAmendment(agreement) : agreement),
        status: statusMove.to,
        updated: ctx.stamp(),
    };
    await ctx.state.put(Keys.agreement(agreement.agreementId), moved);
    if (final) {
        await ctx.state.delete(Keys.agreementOfPair(agreement.proposer, agreement.counterparty));
    }
    return moved;
}

function requireTermsStillRunning(terms: AgreementTerms, today: string): void {
    if (termsHaveEnded(terms, today)) {
        throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `terms.validUntil: ${terms.validUntil} is before today (${today})`);
    }
}

function requirePendingAmendment(agreement: Agreement): PendingAmendment {
    if (agreement.pendingAmendment === undefined) {
        throw new ChaincodeError(ErrorCode.NOT_FOUND, `agreement ${agreement.agreementId} has no pending amendment`);
    }
    return agreement.pendingAmendment;
}

function withoutPendingAmendment(agreement: Agreement): Agreement {
    const { pendingAmendment: _dropped, ...rest } = agreement;
    return rest;
}

function emitAgreement(ctx: RecordContext, name: EventName, agreement: Agreement): string {
    ctx.emit(name, [agreement.proposer, agreement.counterparty], [{ kind: 'agreement', value: agreement }]);
    return JSON.stringify(agreement);
}
