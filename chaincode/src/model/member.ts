import { z } from 'zod';
import { CalendarDate, ChangeStamp, MembershipType, ShortText } from './common';

export const MemberStatus = z.enum(['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'TERMINATED']);
export type MemberStatus = z.infer<typeof MemberStatus>;

/** `HAR000042`: the home club's prefix and its sequence. */
export const MemberNumber = z.string().regex(/^[A-Z]{3}[0-9]{6,9}$/, 'must be a member number such as HAR000042');

export const MemberEnrolment = z.strictObject({
    membershipType: MembershipType,
    validUntil: CalendarDate,
});
export type MemberEnrolment = z.infer<typeof MemberEnrolment>;

/** A new term of membership, optionally of another type. */
export const MemberRenewal = z.strictObject({
    validUntil: CalendarDate,
    membershipType: MembershipType.optional(),
});
export type MemberRenewal = z.infer<typeof MemberRenewal>;

/** The next sequence number a club gives a member, stored per club. */
export interface MemberSequence {
    readonly next: number;
}

/** The public member record: every club on the channel sees it. No personal data. */
export interface Member {
    readonly memberNumber: string;
    readonly homeClub: string;
    readonly membershipType: MembershipType;
    readonly status: MemberStatus;
    readonly validUntil: CalendarDate;
    /** SHA-256 (hex) of the salted personal record in the home club's implicit collection, once recorded. */
    readonly personalDataHash?: string;
    readonly enrolled: ChangeStamp;
    readonly updated: ChangeStamp;
}

/** The transient-map key under which the API passes the personal record. */
export const PERSONAL_DATA_TRANSIENT_KEY = 'personalData';

/**
 * The personal record. It lives only in the home club's implicit private data
 * collection and reaches the chaincode in the transient map, never in arguments.
 */
export const PersonalData = z.strictObject({
    /** Random salt chosen by the home club so the public hash cannot be guessed. */
    salt: z.string().min(16).max(128),
    givenName: ShortText,
    familyName: ShortText,
    dateOfBirth: CalendarDate,
    email: z.email().max(254),
    phone: z
        .string()
        .regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number')
        .optional(),
    address: z
        .strictObject({
            line1: ShortText,
            line2: ShortText.optional(),
            city: ShortText,
            postalCode: z.string().trim().min(1).max(20),
            country: z.string().regex(/^[A-Z]{2}$/),
        })
        .optional(),
    emergencyContact: z
        .strictObject({
            name: ShortText,
            phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number'),
            relationship: ShortText.optional(),
        })
        .optional(),
    notificationPreferences: z
        .strictObject({
            email: z.boolean(),
            sms: z.boolean(),
            push: z.boolean(),
        })
        .optional(),
});
export type PersonalData = z.infer<typeof PersonalData>;
