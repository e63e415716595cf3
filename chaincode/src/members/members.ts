import type { RecordContext } from '../context';
import { parseValue } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { type CompositeKey, Keys, implicitCollectionOf } from '../ledger/keys';
import { type Member, MemberNumber, type MemberStatus } from '../model/member';

/** The home club of a member number, from its prefix (`HAR000042` → the club that registered `HAR`). */
export async function homeClubOf(ctx: RecordContext, memberNumber: string): Promise<string> {
    const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
    const home = await ctx.state.get<string>(Keys.memberPrefix(number.slice(0, 3)));
    if (home === undefined) {
        throw new ChaincodeError(ErrorCode.NOT_FOUND, `member ${number} does not exist`);
    }
    return home;
}

/** The key of a member's public record (and of its personal record in the home club's collection). */
export async function memberKeyOf(ctx: RecordContext, memberNumber: string): Promise<CompositeKey> {
    return Keys.member(await homeClubOf(ctx, memberNumber), memberNumber);
}

export async function requireMember(ctx: RecordContext, memberNumber: string): Promise<Member> {
    return ctx.state.require<Member>(await memberKeyOf(ctx, memberNumber), `member ${memberNumber}`);
}

/** Where a member lives: its home club and the key of its records. */
export interface MemberAddress {
    readonly home: string;
    readonly key: CompositeKey;
}

/** The home club and key of a member whose home club is the caller; any other club is refused. */
export async function requireCallerIsHome(ctx: RecordContext, memberNumber: string): Promise<MemberAddress> {
    const home = await homeClubOf(ctx, memberNumber);
    const caller = ctx.caller.mspId;
    if (home !== caller) {
        throw new ChaincodeError(ErrorCode.FORBIDDEN, `member ${memberNumber} belongs to ${home}; ${caller} may not manage it`);
    }
    return { home, key: Keys.member(home, memberNumber) };
}

/** A member's public record, read on behalf of its home club only. */
export async function requireOwnMember(ctx: RecordContext, memberNumber: string): Promise<MemberAddress & { member: Member }> {
    const address = await requireCallerIsHome(ctx, memberNumber);
    const member = await ctx.state.require<Member>(address.key, `member ${memberNumber}`);
    return { ...address, member };
}

/** Refuses unless the member is in one of the `allowed` statuses; `change` says what was attempted. */
export function requireStatus(member: Member, allowed: readonly MemberStatus[], change: string): void {
    if (!allowed.includes(member.status)) {
        throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `member ${member.memberNumber} is ${member.status} and cannot ${change}`);
    }
}

/** The member number a club gives its `sequence`th member: `HAR000042`. */
export function memberNumberFor(prefix: string, sequence: number): string {
    return `${prefix}${String(sequence).padStart(6, '0')}`;
}

/** The SHA-256 (hex) of a member's personal record, which every peer of the channel can read. */
export async function requirePersonalDataHash(ctx: RecordContext, member: Member, key: CompositeKey): Promise<string> {
    const hash = await ctx.state.privateHash(implicitCollectionOf(member.homeClub), key);
    if (hash === undefined) {
        throw new ChaincodeError(
            ErrorCode.PERSONAL_DATA_MISSING,
            `member ${member.memberNumber} has no personal record at ${member.homeClub}`,
        );
    }
    return hash;
}
