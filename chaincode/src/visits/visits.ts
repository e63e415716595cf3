import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { Keys } from '../ledger/keys';
import type { ChangeStamp } from '../model/common';
import type { Visit, VisitClosure, VisitStatus } from '../model/visit';
import { openVisitIdOf } from './open-visit';

export async function requireVisit(ctx: RecordContext, visitId: string): Promise<Visit> {
    return ctx.state.require<Visit>(Keys.visit(visitId), `visit ${visitId}`);
}

/** A visit the caller's club may close: it hosts the visit and the member is still checked in. */
export async function requireCheckedInVisitAt(ctx: RecordContext, visitId: string, hostClub: string, to: VisitStatus): Promise<Visit> {
    const visit = await requireVisit(ctx, visitId);
    if (visit.hostClub !== hostClub) {
        throw new ChaincodeError(ErrorCode.FORBIDDEN, `visit ${visitId} is hosted by ${visit.hostClub}, not ${hostClub}`);
    }
    if (visit.status !== 'CHECKED_IN') {
        throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `visit ${visitId} is ${visit.status}; it cannot become ${to}`);
    }
    return visit;
}

/** The member's visit still checked in, wherever it is, found through the open-visit pointer. */
export async function openVisitOf(ctx: RecordContext, memberNumber: string): Promise<Visit | undefined> {
    const visitId = await openVisitIdOf(ctx, memberNumber);
    const visit = visitId === undefined ? undefined : await ctx.state.get<Visit>(Keys.visit(visitId));
    return visit?.status === 'CHECKED_IN' ? visit : undefined;
}

export function closeVisit(visit: Visit, closure: VisitClosure, closed: ChangeStamp): Visit {
    return { ...visit, status: closure === 'CANCELLED_BY_HOST' ? 'CANCELLED' : 'CHECKED_OUT', closure, closed };
}

export async function saveVisit(ctx: RecordContext, visit: Visit): Promise<void> {
    await ctx.state.put(Keys.visit(visit.visitId), visit);
}
