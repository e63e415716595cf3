import { z } from 'zod';

/** The transient-map key under which the API names the acting person (its JWT subject). */
export const ACTOR_TRANSIENT_KEY = 'actor';

/** Roles carried in the Fabric CA attribute `club.role` of the submitter's certificate. */
export const ClubRole = z.enum(['admin', 'staff', 'auditor']);
export type ClubRole = z.infer<typeof ClubRole>;

export const Facility = z.enum([
    'DINING',
    'BAR',
    'ACCOMMODATION',
    'FITNESS',
    'GOLF',
    'SPA',
    'TENNIS',
    'POOL',
    'LIBRARY',
    'BUSINESS_CENTRE',
    'SAILING',
    'SKIING',
]);
export type Facility = z.infer<typeof Facility>;

export const MembershipType = z.enum(['REGULAR', 'VIP', 'CORPORATE', 'STUDENT', 'SENIOR']);
export type MembershipType = z.infer<typeof MembershipType>;

export const Weekday = z.enum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']);
export type Weekday = z.infer<typeof Weekday>;

/** An MSP ID as Fabric accepts it, e.g. `HarbourMSP`. */
export const MspId = z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{0,63}$/, 'must be an MSP ID such as HarbourMSP');

/** A calendar date `YYYY-MM-DD` that exists (no 31 April). */
export const CalendarDate = z.iso.date();
export type CalendarDate = z.infer<typeof CalendarDate>;

/** Identifiers the chaincode derives from transaction IDs (64 hex characters). */
export const EntityId = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character transaction-derived ID');

/** How many items one page of a listing returns; evaluated arguments arrive as strings. */
export const PageSize = z
    .string()
    .regex(/^[0-9]{1,3}$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(200, 'must be at most 200'));

/** The opaque bookmark of the previous page; empty for the first page. */
export const PageBookmark = z.string().max(1024);

export const ShortText = z.string().trim().min(1).max(200);
export const LongText = z.string().trim().min(1).max(4000);

export const Currency = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as EUR');

/** Money in minor units (cents) so sums are exact. */
export const Money = z.strictObject({
    amountMinor: z.number().int().min(0).max(100_000_000),
    currency: Currency,
});
export type Money = z.infer<typeof Money>;

/** A date range, both ends inclusive. */
export const DateRange = z
    .strictObject({ from: CalendarDate, until: CalendarDate })
    .refine((range) => range.from <= range.until, { message: 'from must not be after until' });
export type DateRange = z.infer<typeof DateRange>;

/** Who did what, and when: set by the chaincode on every change. */
export interface ChangeStamp {
    /** The acting person (the API's JWT subject), or the submitter's certificate ID. */
    readonly by: string;
    /** The submitting club. */
    readonly club: string;
    /** Transaction timestamp, ISO 8601 UTC. */
    readonly at: string;
    readonly txId: string;
}
