import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { ownersAndMajorityPolicy } from '../ledger/endorsement';
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

/**
 * Clubs whose endorsements satisfy an owners-and-majority policy: the owners, then other clubs in
 * MSP ID order until a majority of the channel's clubs is reached.
 */
export async function endorsersFor(ctx: RecordContext, owners: readonly string[]): Promise<string[]> {
    const clubs = (await channelClubs(ctx)).map((club) => club.mspId);
    const majority = Math.floor(clubs.length / 2) + 1;
    const endorsers = new Set(owners);
    for (const club of clubs) {
        if ([...endorsers].filter((endorser) => clubs.includes(endorser)).length >= majority) {
            break;
        }
        endorsers.add(club);
    }
    return [...endorsers].sort();
}

/**
 * Requires every owner and a majority of the channel's clubs to endorse future changes of `keys`.
 * The majority is that of the clubs registered now; a club registered later is not counted in it.
 */
export async function requireOwnersAndMajority(ctx: RecordContext, keys: readonly CompositeKey[], owners: readonly string[]): Promise<void> {
    const clubs = await channelClubs(ctx);
    const policy = ownersAndMajorityPolicy(owners, clubs.map((club) => club.mspId));
    for (const key of keys) {
        await ctx.state.requireEndorsers(key, policy);
    }
}
