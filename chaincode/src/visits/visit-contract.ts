import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { endorsersFor, requireOwnersAndMajority } from '../clubs/clubs';
import { homeClubOf } from '../members/members';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { requireIntroduction, saveIntroduction } from '../introductions/introductions';
import { Keys } from '../ledger/keys';
import type { Page } from '../ledger/state';
import { type ChangeStamp, EntityId, PageBookmark, PageSize } from '../model/common';
import { type EntityChange, EventName } from '../model/events';
import type { Introduction } from '../model/introduction';
import { MemberNumber } from '../model/member';
import { CheckInRequest, type Visit } from '../model/visit';
import { admitCheckIn } from './check-in-rules';
import { recordCheckInRequest, requireNewCheckInRequest } from './check-in-requests';
import { countVisit, readUsage, saveUsage, usageChanges } from './usage';
import { pointOpenVisit } from './open-visit';
import { closeVisit, openVisitOf, requireCheckedInVisitAt, requireVisit, saveVisit } from './visits';

@Info({
    title: 'Visits',
    description: 'The host club checks visiting members of other clubs in and out, within the terms of their agreement.',
})
export class VisitContract extends RecordContract {
    constructor() {
        super('Visit');
    }

    @Transaction()
    @Param('request', 'string', 'JSON CheckInRequest')
    @Returns('string')
    async checkIn(ctx: RecordContext, request: string): Promise<string> {
        const { mspId: hostClub } = ctx.requireRole('staff', 'admin');
        const input = parseArgument(CheckInRequest, request, 'request');
        if (input.requestId !== undefined) {
            await requireNewCheckInRequest(ctx, hostClub, input.requestId);
        }
        const visitDate = ctx.today;
        const { homeClub, agreement, introduction, usage } = await admitCheckIn(ctx, hostClub, input, visitDate);
        const previous = await openVisitOf(ctx, input.memberNumber);

        const stamp = ctx.stamp();
        const visit: Visit = {
            visitId: ctx.txId,
            memberNumber: input.memberNumber,
            homeClub,
            hostClub,
            agreementId: agreement.agreementId,
            agreementVersion: agreement.version,
            visitDate,
            facility: input.facility,
            guests: input.guests,
            nights: input.nights,
            ...(introduction ? { introductionId: introduction.introductionId } : {}),
            fee: agreement.terms.feePerVisit,
            status: 'CHECKED_IN',
            checkedIn: stamp,
        };
        const counted = countVisit(usage, 1);
        const closedPrevious = previous && closeVisit(previous, 'CLOSED_BY_NEXT_CHECK_IN', stamp);
        const used: Introduction | undefined = introduction && { ...introduction, status: 'USED', visitId: visit.visitId, updated: stamp };

        if (closedPrevious) {
            await saveVisit(ctx, closedPrevious);
        }
        await saveVisit(ctx, visit);
        await ctx.state.put(Keys.visitOfMember(visit.memberNumber, visit.visitId), visit.visitId);
        await pointOpenVisit(ctx, visit.memberNumber, visit.visitId);
        const usageKeys = await saveUsage(ctx, counted);
        const requestKeys = input.requestId === undefined ? [] : [await recordCheckInRequest(ctx, hostClub, input.requestId, visit.visitId)];
        await requireOwnersAndMajority(ctx, [Keys.visit(visit.visitId), ...usageKeys, ...requestKeys], [homeClub, hostClub]);
        if (used) {
            await saveIntroduction(ctx, used);
        }
        const changes: EntityChange[] = [
            { kind: 'visit', value: visit },
            ...usageChanges(counted),
            ...(closedPrevious ? [{ kind: 'visit', value: closedPrevious } as const] : []),
            ...(used ? [{ kind: 'introduction', value: used } as const] : []),
        ];
        // The host of the visit closed here (possibly a third club) learns of it too.
        ctx.emit(EventName.VisitCheckedIn, [homeClub, hostClub, ...(closedPrevious ? [closedPrevious.hostClub] : [])], changes);
        return JSON.stringify(visit);
    }

    @Transaction()
    @Param('visitId', 'string', 'ID of a CHECKED_IN visit at the caller club')
    @Returns('string')
    async checkOut(ctx: RecordContext, visitId: string): Promise<string> {
        const { mspId } = ctx.requireRole('staff', 'admin');
        const id = parseValue(EntityId, visitId, 'visitId');
        const checkedIn = await requireCheckedInVisitAt(ctx, id, mspId, 'CHECKED_OUT');
        const visit = closeVisit(checkedIn, 'CHECKED_OUT_BY_HOST', ctx.stamp());

        await saveVisit(ctx, visit);
        await pointOpenVisit(ctx, visit.memberNumber, null);
        ctx.emit(EventName.VisitCheckedOut, [visit.homeClub, visit.hostClub], [{ kind: 'visit', value: visit }]);
        return JSON.stringify(visit);
    }

    /** Undoes a check-in made in error: no fee, the allowance and the introduction are given back. */
    @Transaction()
    @Param('visitId', 'string', 'ID of a CHECKED_IN visit at the caller club')
    @Returns('string')
    async cancel(ctx: RecordContext, visitId: string): Promise<string> {
        const { mspId } = ctx.requireRole('staff', 'admin');
        const id = parseValue(EntityId, visitId, 'visitId');
        const checkedIn = await requireCheckedInVisitAt(ctx, id, mspId, 'CANCELLED');
        const usage = countVisit(await readUsage(ctx, checkedIn.agreementId, checkedIn.memberNumber, checkedIn.visitDate), -1);
        const introduction = checkedIn.introductionId === undefined ? undefined : await requireIntroduction(ctx, checkedIn.introductionId);

        const stamp = ctx.stamp();
        const visit: Visit = { ...closeVisit(checkedIn, 'CANCELLED_BY_HOST', stamp), fee: { ...checkedIn.fee, amountMinor: 0 } };
        const restored = introduction?.status === 'USED' && introduction.visitId === id ? reissued(introduction, stamp) : undefined;

        await saveVisit(ctx, visit);
        await pointOpenVisit(ctx, visit.memberNumber, null);
        await saveUsage(ctx, usage);
        if (restored) {
            await saveIntroduction(ctx, restored);
        }
        ctx.emit(EventName.VisitCancelled, [visit.homeClub, visit.hostClub], [
            { kind: 'visit', value: visit },
            ...usageChanges(usage),
            ...(restored ? [{ kind: 'introduction', value: restored } as const] : []),
        ]);
        return JSON.stringify(visit);
    }

    /**
     * The clubs whose peers must endorse the caller's check-in of this member, for the gateway to name:
     * discovery cannot plan key-level policies. The home club, the host, the host of a visit the check-in
     * will close, and enough other clubs for a majority.
     */
    @Transaction(false)
    @Param('memberNumber', 'string', 'the member about to check in')
    @Returns('string')
    async endorsersForCheckIn(ctx: RecordContext, memberNumber: string): Promise<string> {
        const { mspId: hostClub } = ctx.requireRole('staff', 'admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const homeClub = await homeClubOf(ctx, number);
        const previous = await openVisitOf(ctx, number);
        return JSON.stringify(await endorsersFor(ctx, [homeClub, hostClub, ...(previous ? [previous.hostClub] : [])]));
    }

    @Transaction(false)
    @Param('visitId', 'string', 'ID of the visit')
    @Returns('string')
    async get(ctx: RecordContext, visitId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireVisit(ctx, parseValue(EntityId, visitId, 'visitId')));
    }

    @Transaction(false)
    @Param('memberNumber', 'string', 'the member number')
    @Param('pageSize', 'string', 'visits per page, 1 to 100')
    @Param('bookmark', 'string', 'bookmark of the previous page; empty for the first')
    @Returns('string')
    async ofMember(ctx: RecordContext, memberNumber: string, pageSize: string, bookmark: string): Promise<string> {
        ctx.requireReader();
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const size = parseValue(PageSize, pageSize, 'pageSize');
        const after = parseValue(PageBookmark, bookmark, 'bookmark');
        const ids = await ctx.state.page<string>(Keys.visitsOfMember(number), size, after);
        const items: Visit[] = [];
        for (const id of ids.items) {
            items.push(await requireVisit(ctx, id));
        }
        const page: Page<Visit> = { items, bookmark: ids.bookmark };
        return JSON.stringify(page);
    }
}

/** A used introduction given back by the cancelled visit: usable again. */
function reissued(introduction: Introduction, updated: ChangeStamp): Introduction {
    const { visitId: _released, ...unused } = introduction;
    return { ...unused, status: 'ISSUED', updated };
}
