import { requireClub } from '../clubs/clubs';
import type { RecordContext } from '../context';
import { Keys } from '../ledger/keys';
import type { Club, ClubStatus } from '../model/club';
import type { ChangeStamp } from '../model/common';
import type { EntityChange } from '../model/events';
import type { Admission, Proposal } from '../model/governance';

/**
 * Carries out a passed proposal in the transaction that closes it, so the decision and its
 * effect commit together. Returns the entities it changed, for the closing event.
 */
export async function enact(ctx: RecordContext, proposal: Proposal, stamp: ChangeStamp): Promise<EntityChange[]> {
    switch (proposal.type) {
        case 'SUSPEND_CLUB':
            return changeClubStatus(ctx, await requireClub(ctx, proposal.targetClub), 'SUSPENDED', stamp);
        case 'ADMIT_CLUB':
            return admit(ctx, proposal.targetClub, proposal.proposalId, stamp);
        case 'AMEND_RULES':
            await ctx.state.put(Keys.rules(), proposal.rules);
            return [{ kind: 'rules', value: proposal.rules }];
        case 'GENERAL':
            return [];
    }
}

/** Reinstates a suspended club; a club not yet registered gets the admission that lets it register. */
async function admit(ctx: RecordContext, mspId: string, proposalId: string, stamp: ChangeStamp): Promise<EntityChange[]> {
    const club = await ctx.state.get<Club>(Keys.club(mspId));
    if (club === undefined) {
        const admission: Admission = { proposalId };
        await ctx.state.put(Keys.admission(mspId), admission);
        return [];
    }
    return changeClubStatus(ctx, club, 'ACTIVE', stamp);
}

/** A club already in the decided status (another proposal got there first) stays untouched. */
async function changeClubStatus(ctx: RecordContext, club: Club, status: ClubStatus, stamp: ChangeStamp): Promise<EntityChange[]> {
    if (club.status === status) {
        return [];
    }
    const changed: Club = { ...club, status, updated: stamp };
    await ctx.state.put(Keys.club(club.mspId), changed);
    return [{ kind: 'club', value: changed }];
}
