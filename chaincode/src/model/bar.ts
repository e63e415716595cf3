import { z } from 'zod';
import { ChangeStamp, DateRange, ShortText } from './common';
import { MemberNumber } from './member';

/** A host club's bar on one member of another club, within a date window, without touching the agreement. */
export const MemberBarInput = z.strictObject({
    memberNumber: MemberNumber,
    reason: ShortText,
    window: DateRange,
});
export type MemberBarInput = z.infer<typeof MemberBarInput>;

export interface MemberBar {
    readonly hostClub: string;
    readonly memberNumber: string;
    /** The member's home club, told of the bar and of its lifting. */
    readonly homeClub: string;
    readonly reason: string;
    readonly window: DateRange;
    readonly lifted: boolean;
    readonly created: ChangeStamp;
    readonly updated: ChangeStamp;
}
