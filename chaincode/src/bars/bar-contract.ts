import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { requireClub } from '../clubs/clubs';
import { Keys } from '../ledger/keys';
import { requireMember } from '../members/members';
import { type MemberBar, MemberBarInput } from '../model/bar';
import { MspId } from '../model/common';
import { EventName } from '../model/events';
import { MemberNumber } from '../model/member';
import { barsAtHost, requireBar } from './bars';


@Info({
    title: 'Bars',
    description: 'A host club bars one member of another club for a date window, without touching the agreement.',
})
export class BarContract extends RecordContract {
    constructor() {
        super('Bar');
    }

    /** Bars a member at the calling (host) club; a new bar on the same member replaces the previous one. */
    @Transaction()
    @Param('bar', 'string', 'JSON MemberBarInput')
    @Returns('string')
    async bar(ctx: RecordContext, bar: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const input = parseArgument(MemberBarInput, bar, 'bar');
        if (input.window.until < ctx.today) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `bar.window.until: ${input.window.until} is before today (${ctx.today})`);
        }
        await requireClub(ctx, mspId);
        const member = await requireMember(ctx, input.memberNumber);
        if (member.homeClub === mspId) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `bar.memberNumber: ${input.memberNumber} is a member of ${mspId} itself`);
        }

        const stamp = ctx.stamp();
        const memberBar: MemberBar = {
            hostClub: mspId,
            memberNumber: input.memberNumber,
            homeClub: member.homeClub,
            reason: input.reason,
            window: input.window,
            lifted: false,
            created: stamp,
            updated: stamp,
        };
        await ctx.state.put(Keys.bar(mspId, input.memberNumber), memberBar);
        return emitBar(ctx, EventName.MemberBarred, memberBar);
    }

    @Transaction()
    @Param('memberNumber', 'string', 'Member number of the barred member')
    @Returns('string')
    async lift(ctx: RecordContext, memberNumber: string): Promise<string> {
        const { mspId } = ctx.requireRole('admin');
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        const memberBar = await requireBar(ctx, mspId, number);
        if (memberBar.lifted) {
            throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `the bar of ${mspId} on member ${number} is already lifted`);
        }

        const lifted: MemberBar = { ...memberBar, lifted: true, updated: ctx.stamp() };
        await ctx.state.put(Keys.bar(mspId, number), lifted);
        return emitBar(ctx, EventName.MemberBarLifted, lifted);
    }

    @Transaction(false)
    @Param('hostClub', 'string', 'MSP ID of the host club')
    @Param('memberNumber', 'string', 'Member number')
    @Returns('string')
    async get(ctx: RecordContext, hostClub: string, memberNumber: string): Promise<string> {
        ctx.requireReader();
        const host = parseValue(MspId, hostClub, 'hostClub');
        return JSON.stringify(await requireBar(ctx, host, parseValue(MemberNumber, memberNumber, 'memberNumber')));
    }

    @Transaction(false)
    @Param('hostClub', 'string', 'MSP ID of the host club')
    @Returns('string')
    async listByHost(ctx: RecordContext, hostClub: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await barsAtHost(ctx, parseValue(MspId, hostClub, 'hostClub')));
    }
}

function emitBar(ctx: RecordContext, name: EventName, memberBar: MemberBar): string {
    ctx.emit(name, [memberBar.hostClub, memberBar.homeClub], [{ kind: 'bar', value: memberBar }]);
    return JSON.stringify(memberBar);
}
