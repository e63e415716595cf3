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
    /** SHA-256 (hex) of the sealed personal record in the home club's implicit collection, once recorded. */
    readonly personalDataHash?: string;
    readonly enrolled: ChangeStamp;
    readonly updated: ChangeStamp;
}

/** The transient-map key under which the API passes the sealed personal record. */
export const PERSONAL_DATA_TRANSIENT_KEY = 'personalData';

/**
 * The personal record in plaintext. Only the home club's API ever holds it: it validates the record with this
 * schema, then seals it (PersonalDataEnvelope) before anything reaches a peer.
 */
export const PersonalData = z.strictObject({
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

/** base64url without padding, of exactly `bytes` bytes when given. */
function base64url(bytes?: number) {
    const text = z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be base64url without padding');
    return bytes === undefined ? text : text.length(Math.ceil((bytes * 4) / 3), `must be ${String(bytes)} bytes in base64url`);
}

/** Room for the largest PersonalData the schema allows, sealed and in base64url. */
const MAX_CIPHERTEXT_LENGTH = 16 * 1024;

/**
 * The personal record as the ledger holds it: sealed by the home club's API with AES-256-GCM under a data key
 * per member that only the home club keeps (the channel and member number are its additional authenticated
 * data). Peers, blocks and indexers see this envelope only; destroying the key erases every copy of the record.
 */
export const PersonalDataEnvelope = z.strictObject({
    v: z.literal(1),
    alg: z.literal('A256GCM'),
    /** The 96-bit GCM nonce, random for every sealing. */
    iv: base64url(12),
    ciphertext: base64url().max(MAX_CIPHERTEXT_LENGTH),
    /** The 128-bit GCM authentication tag. */
    tag: base64url(16),
});
export type PersonalDataEnvelope = z.infer<typeof PersonalDataEnvelope>;
