import { z } from 'zod';

/** Who a request acts for, from the verified JWT: a person, their club and their role there. */
export const ApiRole = z.enum(['member', 'staff', 'admin', 'auditor']);
export type ApiRole = z.infer<typeof ApiRole>;

export interface Caller {
    /** The JWT subject: recorded on the ledger as the acting person. */
    readonly subject: string;
    /** The caller's club (MSP ID): every ledger call is signed with this club's identity. */
    readonly club: string;
    readonly role: ApiRole;
    /** For members: their own member number; they see only themselves and their visits. */
    readonly memberNumber?: string;
}
