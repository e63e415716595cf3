import { z } from 'zod';
import { ChangeStamp, Facility, ShortText } from './common';

export const ClubStatus = z.enum(['ACTIVE', 'SUSPENDED']);
export type ClubStatus = z.infer<typeof ClubStatus>;

/** What a club says about itself when it registers or edits its profile. */
export const ClubProfile = z.strictObject({
    name: ShortText,
    city: ShortText,
    country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code'),
    timezone: z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, 'must be an IANA time zone such as Europe/Zurich'),
    facilities: z.array(Facility).min(1).max(Facility.options.length),
    /** SPKI PEM of the key that signs this club's visit passes. */
    passPublicKey: z
        .string()
        .max(4000)
        .regex(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----\n?$/, 'must be a PEM public key'),
});
export type ClubProfile = z.infer<typeof ClubProfile>;

export const ClubRegistration = ClubProfile.extend({
    /** Prefix of this club's member numbers, unique on the channel. */
    memberPrefix: z.string().regex(/^[A-Z]{3}$/, 'must be three capital letters'),
});
export type ClubRegistration = z.infer<typeof ClubRegistration>;

export interface Club extends ClubRegistration {
    readonly mspId: string;
    readonly status: ClubStatus;
    readonly registered: ChangeStamp;
    readonly updated: ChangeStamp;
}
