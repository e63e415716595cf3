import { z } from 'zod';
import { CalendarDate, ChangeStamp, EntityId, Facility, Money } from './common';
import { MemberNumber } from './member';

export const VisitStatus = z.enum(['CHECKED_IN', 'CHECKED_OUT', 'CANCELLED']);
export type VisitStatus = z.infer<typeof VisitStatus>;

/** How a visit was closed: by the host at check-out, or by the member's next check-in anywhere. */
export const VisitClosure = z.enum(['CHECKED_OUT_BY_HOST', 'CLOSED_BY_NEXT_CHECK_IN', 'CANCELLED_BY_HOST']);
export type VisitClosure = z.infer<typeof VisitClosure>;

/** A client-chosen idempotency key: a retried check-in with the same one never records a second visit. */
export const CheckInRequestId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, - or _');
export type CheckInRequestId = z.infer<typeof CheckInRequestId>;

export const CheckInRequest = z.strictObject({
    memberNumber: MemberNumber,
    facility: Facility,
    guests: z.number().int().min(0).max(100),
    nights: z.number().int().min(0).max(366),
    introductionId: EntityId.optional(),
    requestId: CheckInRequestId.optional(),
});
export type CheckInRequest = z.infer<typeof CheckInRequest>;

export interface Visit {
    readonly visitId: string;
    readonly memberNumber: string;
    readonly homeClub: string;
    readonly hostClub: string;
    readonly agreementId: string;
    /** The agreement version whose terms admitted the visit. */
    readonly agreementVersion: number;
    /** The visit date (UTC) from the check-in transaction's timestamp. */
    readonly visitDate: CalendarDate;
    readonly facility: Facility;
    readonly guests: number;
    readonly nights: number;
    readonly introductionId?: string;
    /** Owed by the home club to the host club; zero once cancelled. */
    readonly fee: Money;
    readonly status: VisitStatus;
    readonly closure?: VisitClosure;
    readonly checkedIn: ChangeStamp;
    readonly closed?: ChangeStamp;
}

/** What a check-in request ID recorded, under `checkInRequest(hostClub, requestId)`. */
export interface RecordedCheckInRequest {
    readonly visitId: string;
}

/** Per (member, agreement, period) counters: check-in cost does not grow with visit history. */
export interface VisitUsage {
    readonly agreementId: string;
    readonly memberNumber: string;
    /** `2026-11` for a month, `2026` for a year. */
    readonly period: string;
    readonly visits: number;
}
