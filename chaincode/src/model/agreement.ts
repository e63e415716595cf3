import { z } from 'zod';
import { CalendarDate, ChangeStamp, Facility, MembershipType, Money, ShortText, Weekday } from './common';

export const AgreementStatus = z.enum(['PROPOSED', 'ACTIVE', 'REJECTED', 'SUSPENDED', 'TERMINATED', 'EXPIRED']);
export type AgreementStatus = z.infer<typeof AgreementStatus>;

const count = (max: number) => z.number().int().min(0).max(max);
const isDistinct = (values: readonly string[]) => new Set(values).size === values.length;

export const BlackoutRange = z
    .strictObject({ from: CalendarDate, until: CalendarDate, reason: ShortText.optional() })
    .refine((range) => range.from <= range.until, { message: 'from must not be after until' });
export type BlackoutRange = z.infer<typeof BlackoutRange>;

/** What two clubs grant each other's members. Both directions use the same terms. */
export const AgreementTerms = z
    .strictObject({
        validFrom: CalendarDate,
        validUntil: CalendarDate,
        visitsPerMemberPerMonth: count(31),
        visitsPerMemberPerYear: count(366),
        nightsPerStay: count(90),
        guestsPerVisit: count(20),
        allowedWeekdays: z.array(Weekday).min(1).max(7),
        blackoutDates: z.array(BlackoutRange).max(100),
        facilities: z.array(Facility).min(1).max(Facility.options.length),
        eligibleMembershipTypes: z.array(MembershipType).min(1).max(MembershipType.options.length),
        letterOfIntroductionRequired: z.boolean(),
        /** Owed by the visiting member's home club to the host club, per visit. */
        feePerVisit: Money,
    })
    .refine((terms) => terms.validFrom <= terms.validUntil, {
        message: 'validFrom must not be after validUntil',
        path: ['validUntil'],
    })
    .refine((terms) => terms.visitsPerMemberPerMonth <= terms.visitsPerMemberPerYear, {
        message: 'the monthly limit must not exceed the yearly limit',
        path: ['visitsPerMemberPerMonth'],
    })
    .refine((terms) => isDistinct(terms.allowedWeekdays), { message: 'weekdays must not repeat', path: ['allowedWeekdays'] })
    .refine((terms) => isDistinct(terms.facilities), { message: 'facilities must not repeat', path: ['facilities'] })
    .refine((terms) => isDistinct(terms.eligibleMembershipTypes), {
        message: 'membership types must not repeat',
        path: ['eligibleMembershipTypes'],
    });
export type AgreementTerms = z.infer<typeof AgreementTerms>;

export interface PendingAmendment {
    readonly terms: AgreementTerms;
    readonly proposedBy: string;
    readonly proposed: ChangeStamp;
}

/** A reciprocal agreement between two clubs on one channel. */
export interface Agreement {
    readonly agreementId: string;
    /** The club that proposed it. */
    readonly proposer: string;
    /** The club that accepts or rejects it. */
    readonly counterparty: string;
    readonly status: AgreementStatus;
    readonly terms: AgreementTerms;
    /** Bumped by every accepted amendment. */
    readonly version: number;
    readonly pendingAmendment?: PendingAmendment;
    readonly created: ChangeStamp;
    readonly updated: ChangeStamp;
}
