import type { RecordContext } from '../context';
import { duplicateCheckIn } from '../errors';
import { type CompositeKey, Keys } from '../ledger/keys';
import type { RecordedCheckInRequest } from '../model/visit';

/**
 * Refuses a check-in whose request ID the host already recorded, before anything is written.
 *
 * This read is what makes a retry safe. A retry after the first attempt committed finds the key and is refused.
 * Two attempts endorsed before either committed both read the key as absent and both write it, with its policy;
 * the peer validates each transaction against what those before it left, so the second to be ordered is
 * invalidated and none of its writes apply: MVCC_READ_CONFLICT in a later block (its read of the key is stale),
 * ENDORSEMENT_POLICY_FAILURE in the same block (the first set the key's policy there). Exactly one visit is
 * recorded either way.
 */
export async function requireNewCheckInRequest(ctx: RecordContext, hostClub: string, requestId: string): Promise<void> {
    const recorded = await ctx.state.get<RecordedCheckInRequest>(Keys.checkInRequest(hostClub, requestId));
    if (recorded !== undefined) {
        throw duplicateCheckIn(requestId, recorded.visitId);
    }
}

/** Records which visit the request made; the key to give the visit's own policy. */
export async function recordCheckInRequest(ctx: RecordContext, hostClub: string, requestId: string, visitId: string): Promise<CompositeKey> {
    const key = Keys.checkInRequest(hostClub, requestId);
    const recorded: RecordedCheckInRequest = { visitId };
    await ctx.state.put(key, recorded);
    return key;
}
