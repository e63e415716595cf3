import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { ownersAndMajorityPolicy } from '../ledger/endorsement';
import { endorsersSatisfying } from '../ledger/endorsers';
import { type CompositeKey, Keys } from '../ledger/keys';
import type { Club } from '../model/club';

export async function requireClub(ctx: RecordContext, mspId: string): Promise<Club> {
    return ctx.state.require<Club>(Keys.club(mspId), `club ${mspId}`);
}

/** A club that may take part in visits and votes: registered and not suspended by the consortium. */
export async function requireActiveClub(ctx: RecordContext, mspId: string): Promise<Club> {
    const club = await requireClub(ctx, mspId);
    if (club.status !== 'ACTIVE') {
        throw new ChaincodeError(ErrorCode.CLUB_SUSPENDED, `club ${mspId} is ${club.status} on this channel`);
    }
    return club;
}

/** Every club registered on this channel, in MSP ID order. */
export async function channelClubs(ctx: RecordContext): Promise<Club[]> {
    return ctx.state.list<Club>(Keys.allClubs());
}

/** The clubs whose endorsements satisfy the owners-and-majority policy on this channel now. */
export async function endorsersFor(ctx: RecordContext, owners: readonly string[]): Promise<string[]> {
    return endorsersSatisfying(owners, (await channelClubs(ctx)).map((club) => club.mspId));
}

/**
 * Requires every owner, and enough other clubs for a majority of the channel's clubs, to endorse future changes
 * of `keys`. The majority is that of the clubs registered now; a club registered later is not counted in it.
 */
export async function requireOwnersAndMajority(ctx: RecordContext, keys: readonly CompositeKey[], owners: readonly string[]): Promise<void> {
    const clubs = await channelClubs(ctx);
    const policy = ownersAndMajorityPolicy(owners, clubs.map((club) => club.mspId));
    for (const key of keys) {
        await ctx.state.requireEndorsers(key, policy);
    }
}
