import type { ApiRole, Caller } from './caller.js';
import type { ApiContext } from './context.js';
import { ApiError } from './errors.js';

/**
 * Who may read what of the read model. Resolvers ask here before they read; clients are never trusted to
 * filter. Every read is also confined to the caller's own club's read model, whose row-level security
 * shows personal data of that club's members only.
 */
const readers = {
    /** The club's data: its members, agreements, bars, expected arrivals, visits, governance. */
    clubData: ['staff', 'admin', 'auditor'],
    /** Members' personal records: the people who look after the members, not auditors. */
    personalData: ['staff', 'admin'],
    /** Money owed between clubs and the figures derived from visits. */
    finance: ['admin', 'auditor'],
    /** The indexed transaction history, valid and invalid. */
    ledgerHistory: ['admin', 'auditor'],
} as const satisfies Record<string, readonly ApiRole[]>;

export type ReadPermission = keyof typeof readers;

export function authenticated(context: ApiContext): Caller {
    if (context.caller === undefined) {
        throw new ApiError('UNAUTHENTICATED', 'a bearer token is required');
    }
    return context.caller;
}

/** The authenticated caller, when their role grants the permission. */
export function permitted(context: ApiContext, permission: ReadPermission): Caller {
    const caller = authenticated(context);
    const roles: readonly ApiRole[] = readers[permission];
    if (!roles.includes(caller.role)) {
        throw new ApiError('FORBIDDEN', `the role ${caller.role} may not read this`);
    }
    return caller;
}

/** Whose member records and visits a caller reads: their club's, or, for a member, their own only. */
export type MemberScope =
    | { readonly kind: 'club'; readonly club: string }
    | { readonly kind: 'self'; readonly club: string; readonly memberNumber: string };

export function memberScope(context: ApiContext): MemberScope {
    const caller = authenticated(context);
    if (caller.role !== 'member') {
        return { kind: 'club', club: caller.club };
    }
    if (caller.memberNumber === undefined) {
        throw new ApiError('FORBIDDEN', 'the token names no member number');
    }
    return { kind: 'self', club: caller.club, memberNumber: caller.memberNumber };
}

/** Refuses a member who asks about anyone but themselves; staff and above pass. */
export function requireOwnMemberNumber(scope: MemberScope, memberNumber: string): void {
    if (scope.kind === 'self' && scope.memberNumber !== memberNumber) {
        throw new ApiError('FORBIDDEN', 'a member reads only their own record and visits');
    }
}
