import type { Agreement, AgreementTerms, BlackoutRange, PendingAmendment } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef, MoneyRef } from './common.js';
import { AgreementStatusEnum, FacilityEnum, MembershipTypeEnum, WeekdayEnum } from './enums.js';

export const BlackoutRangeRef = builder.objectRef<BlackoutRange>('BlackoutRange').implement({
    description: 'Dates on which the agreement admits no visit, both ends inclusive.',
    fields: (t) => ({
        from: t.expose('from', { type: 'Date' }),
        until: t.expose('until', { type: 'Date' }),
        reason: t.exposeString('reason', { nullable: true }),
    }),
});

export const AgreementTermsRef = builder.objectRef<AgreementTerms>('AgreementTerms').implement({
    description: 'What two clubs grant each other’s members; both directions use the same terms.',
    fields: (t) => ({
        validFrom: t.expose('validFrom', { type: 'Date' }),
        validUntil: t.expose('validUntil', { type: 'Date' }),
        visitsPerMemberPerMonth: t.exposeInt('visitsPerMemberPerMonth'),
        visitsPerMemberPerYear: t.exposeInt('visitsPerMemberPerYear'),
        nightsPerStay: t.exposeInt('nightsPerStay'),
        guestsPerVisit: t.exposeInt('guestsPerVisit'),
        allowedWeekdays: t.expose('allowedWeekdays', { type: [WeekdayEnum] }),
        blackoutDates: t.expose('blackoutDates', { type: [BlackoutRangeRef] }),
        facilities: t.expose('facilities', { type: [FacilityEnum] }),
        eligibleMembershipTypes: t.expose('eligibleMembershipTypes', { type: [MembershipTypeEnum] }),
        letterOfIntroductionRequired: t.exposeBoolean('letterOfIntroductionRequired'),
        feePerVisit: t.expose('feePerVisit', {
            type: MoneyRef,
            description: 'Owed by the visiting member’s home club to the host club, per visit.',
        }),
    }),
});

const PendingAmendmentRef = builder.objectRef<PendingAmendment>('PendingAmendment').implement({
    description: 'New terms one party proposed, waiting for the other.',
    fields: (t) => ({
        terms: t.expose('terms', { type: AgreementTermsRef }),
        proposedBy: t.exposeString('proposedBy'),
        proposed: t.expose('proposed', { type: ChangeStampRef }),
    }),
});

export const AgreementRef = builder.objectRef<Agreement>('Agreement').implement({
    description: 'A reciprocal agreement between two clubs on one channel.',
    fields: (t) => ({
        agreementId: t.exposeString('agreementId'),
        proposer: t.exposeString('proposer'),
        counterparty: t.exposeString('counterparty'),
        status: t.expose('status', { type: AgreementStatusEnum }),
        terms: t.expose('terms', { type: AgreementTermsRef }),
        version: t.exposeInt('version', { description: 'Bumped by every accepted amendment.' }),
        pendingAmendment: t.expose('pendingAmendment', { type: PendingAmendmentRef, nullable: true }),
        created: t.expose('created', { type: ChangeStampRef }),
        updated: t.expose('updated', { type: ChangeStampRef }),
    }),
});
