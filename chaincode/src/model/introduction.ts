import { z } from 'zod';
import { ChangeStamp, DateRange, MspId, ShortText } from './common';
import { MemberNumber } from './member';

export const IntroductionStatus = z.enum(['REQUESTED', 'ISSUED', 'USED', 'CANCELLED']);
export type IntroductionStatus = z.infer<typeof IntroductionStatus>;

export const IntroductionRequest = z.strictObject({
    memberNumber: MemberNumber,
    hostClub: MspId,
    stay: DateRange,
    note: ShortText.optional(),
});
export type IntroductionRequest = z.infer<typeof IntroductionRequest>;

/** A letter of introduction from a member's home club to a host club, for a date range. */
export interface Introduction {
    readonly introductionId: string;
    readonly memberNumber: string;
    readonly homeClub: string;
    readonly hostClub: string;
    readonly stay: DateRange;
    readonly note?: string;
    readonly status: IntroductionStatus;
    /** The visit that used it, once used. */
    readonly visitId?: string;
    readonly created: ChangeStamp;
    readonly updated: ChangeStamp;
}
