import { MemberNumber, MspId } from '@reciprocal-clubs/chaincode/model';
import { z } from 'zod';
import { ApiRole, type Caller } from '../caller.js';

/** The person: any identifier the issuer uses, without whitespace or control characters (it reaches ledger and logs). */
const Subject = z.string().regex(/^[^\s\p{Cc}]{1,256}$/u, 'must be 1 to 256 characters without spaces');

/** The claims a token must carry beyond the registered ones: a member number for members, and only for them. */
export const CallerClaims = z.discriminatedUnion('role', [
    z.object({ sub: Subject, club: MspId, role: z.literal(ApiRole.enum.member), memberNumber: MemberNumber }),
    z.object({ sub: Subject, club: MspId, role: ApiRole.exclude(['member']), memberNumber: z.never().optional() }),
]);
export type CallerClaims = z.infer<typeof CallerClaims>;

export function callerOf(claims: CallerClaims): Caller {
    return claims.role === 'member'
        ? { subject: claims.sub, club: claims.club, role: claims.role, memberNumber: claims.memberNumber }
        : { subject: claims.sub, club: claims.club, role: claims.role };
}
