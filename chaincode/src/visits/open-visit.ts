import type { RecordContext } from '../context';
import { Keys } from '../ledger/keys';

/**
 * Which visit of a member is checked in, if any. Enrolment creates it under the member's own key-level
 * policy (the home club AND a majority), and every check-in, check-out and cancellation rewrites it: so no
 * visit can be recorded without the home club's endorsement, not even the first of a month, whose
 * visit and usage keys are new and would otherwise need only the chaincode's MAJORITY.
 */
export interface OpenVisitPointer {
    readonly visitId: string | null;
}

export async function openVisitIdOf(ctx: RecordContext, memberNumber: string): Promise<string | undefined> {
    return (await ctx.state.get<OpenVisitPointer>(Keys.openVisit(memberNumber)))?.visitId ?? undefined;
}

export async function pointOpenVisit(ctx: RecordContext, memberNumber: string, visitId: string | null): Promise<void> {
    await ctx.state.put(Keys.openVisit(memberNumber), { visitId } satisfies OpenVisitPointer);
}
