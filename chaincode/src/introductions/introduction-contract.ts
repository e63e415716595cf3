import { Info, Param, Returns, Transaction } from 'fabric-contract-api';
import { requireClub } from '../clubs/clubs';
import { RecordContext, parseArgument, parseValue } from '../context';
import { RecordContract } from '../contract';
import { ChaincodeError, ErrorCode } from '../errors';
import { Keys } from '../ledger/keys';
import { homeClubOf, requireMember } from '../members/members';
import { CalendarDate, EntityId, MspId } from '../model/common';
import { EventName } from '../model/events';
import { type Introduction, IntroductionRequest, type IntroductionStatus } from '../model/introduction';
import { MemberNumber } from '../model/member';
import { introductionsIndexedUnder, requireIntroduction, saveIntroduction, stayCovers } from './introductions';

@Info({
    title: 'Introductions',
    description: 'Letters of introduction: a home club introduces its member to a host club for a stay.',
})
export class IntroductionContract extends RecordContract {
    constructor() {
        super('Introduction');
    }

    @Transaction()
    @Param('request', 'string', 'JSON IntroductionRequest')
    @Returns('string')
    async request(ctx: RecordContext, request: string): Promise<string> {
        const { mspId: homeClub } = ctx.requireRole('admin', 'staff');
        const input = parseArgument(IntroductionRequest, request, 'request');
        if (input.hostClub === homeClub) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `a club does not introduce its members to itself (${homeClub})`);
        }
        if (input.stay.until < ctx.today) {
            throw new ChaincodeError(ErrorCode.INVALID_ARGUMENT, `the stay ended on ${input.stay.until}, before today ${ctx.today}`);
        }
        await requireActiveMemberOf(ctx, homeClub, input.memberNumber);
        await requireClub(ctx, input.hostClub);

        const stamp = ctx.stamp();
        const introductionId = ctx.txId;
        const introduction: Introduction = {
            ...input,
            introductionId,
            homeClub,
            status: 'REQUESTED',
            created: stamp,
            updated: stamp,
        };
        await saveIntroduction(ctx, introduction);
        await ctx.state.put(Keys.introductionAtHost(input.hostClub, introductionId), introductionId);
        await ctx.state.put(Keys.introductionOfMember(input.memberNumber, introductionId), introductionId);
        ctx.emit(EventName.IntroductionRequested, [homeClub, input.hostClub], [{ kind: 'introduction', value: introduction }]);
        return JSON.stringify(introduction);
    }

    @Transaction()
    @Param('introductionId', 'string', 'ID of a REQUESTED introduction of the caller club')
    @Returns('string')
    async issue(ctx: RecordContext, introductionId: string): Promise<string> {
        return this.#advance(ctx, introductionId, ['REQUESTED'], 'ISSUED', EventName.IntroductionIssued);
    }

    @Transaction()
    @Param('introductionId', 'string', 'ID of a REQUESTED or ISSUED introduction of the caller club')
    @Returns('string')
    async cancel(ctx: RecordContext, introductionId: string): Promise<string> {
        return this.#advance(ctx, introductionId, ['REQUESTED', 'ISSUED'], 'CANCELLED', EventName.IntroductionCancelled);
    }

    @Transaction(false)
    @Param('introductionId', 'string', 'ID of the introduction')
    @Returns('string')
    async get(ctx: RecordContext, introductionId: string): Promise<string> {
        ctx.requireReader();
        return JSON.stringify(await requireIntroduction(ctx, parseValue(EntityId, introductionId, 'introductionId')));
    }

    @Transaction(false)
    @Param('hostClub', 'string', 'MSP ID of the host club')
    @Param('date', 'string', 'the day of arrival, YYYY-MM-DD')
    @Returns('string')
    async expectedAt(ctx: RecordContext, hostClub: string, date: string): Promise<string> {
        const caller = ctx.requireReader();
        const host = parseValue(MspId, hostClub, 'hostClub');
        const day = parseValue(CalendarDate, date, 'date');
        if (caller.mspId !== host && caller.role !== 'auditor') {
            throw new ChaincodeError(ErrorCode.FORBIDDEN, `only ${host} and auditors see the arrivals expected at ${host}`);
        }
        const introductions = await introductionsIndexedUnder(ctx, Keys.introductionsAtHost(host));
        return JSON.stringify(introductions.filter((introduction) => introduction.status === 'ISSUED' && stayCovers(introduction, day)));
    }

    @Transaction(false)
    @Param('memberNumber', 'string', 'the member number')
    @Returns('string')
    async ofMember(ctx: RecordContext, memberNumber: string): Promise<string> {
        ctx.requireReader();
        const number = parseValue(MemberNumber, memberNumber, 'memberNumber');
        return JSON.stringify(await introductionsIndexedUnder(ctx, Keys.introductionsOfMember(number)));
    }

    /** Moves an introduction of the caller's club from one of `from` to `to`. */
    async #advance(
        ctx: RecordContext,
        introductionId: string,
        from: readonly IntroductionStatus[],
        to: IntroductionStatus,
        eventName: EventName,
    ): Promise<string> {
        const { mspId } = ctx.requireRole('admin', 'staff');
        const id = parseValue(EntityId, introductionId, 'introductionId');
        const introduction = await requireIntroduction(ctx, id);
        if (introduction.homeClub !== mspId) {
            throw new ChaincodeError(ErrorCode.FORBIDDEN, `introduction ${id} belongs to ${introduction.homeClub}, not ${mspId}`);
        }
        if (!from.includes(introduction.status)) {
            throw new ChaincodeError(ErrorCode.INVALID_TRANSITION, `introduction ${id} is ${introduction.status}; it cannot become ${to}`);
        }
        const advanced: Introduction = { ...introduction, status: to, updated: ctx.stamp() };
        await saveIntroduction(ctx, advanced);
        ctx.emit(eventName, [advanced.homeClub, advanced.hostClub], [{ kind: 'introduction', value: advanced }]);
        return JSON.stringify(advanced);
    }
}

/** The caller's club introduces only its own members, and only those in good standing. */
async function requireActiveMemberOf(ctx: RecordContext, homeClub: string, memberNumber: string): Promise<void> {
    const memberHome = await homeClubOf(ctx, memberNumber);
    if (memberHome !== homeClub) {
        throw new ChaincodeError(ErrorCode.FORBIDDEN, `member ${memberNumber} belongs to ${memberHome}, not ${homeClub}`);
    }
    const member = await requireMember(ctx, memberNumber);
    if (member.status !== 'ACTIVE') {
        throw new ChaincodeError(ErrorCode.MEMBER_NOT_ACTIVE, `member ${memberNumber} is ${member.status}`);
    }
}
