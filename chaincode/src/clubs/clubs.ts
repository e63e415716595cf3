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

/** Requires every owner of `key` and a majority of the channel's clubs to endorse its future changes. */
export async function requireOwnersAndMajority(ctx: RecordContext, key: CompositeKey, owners: readonly string[]): Promise<void> {
    const clubs = await channelClubs(ctx);
    await ctx.state.requireEndorsers(key, ownersAndMajorityPolicy(owners, clubs.map((club) => club.mspId)));
}
