import { DateRange, EntityId, type Introduction, IntroductionRequest, type MemberBar, MemberBarInput, MemberNumber } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { BarRef } from '../types/bar.js';
import { IntroductionRef } from '../types/introduction.js';
import { type Committed, callerWithRole, channelArgument, committedPayload, ledgerInput, submitted } from './committed.js';

const BarPayload = committedPayload<MemberBar>('BarPayload', 'bar', BarRef, 'A bar as the committed transaction left it.');
const IntroductionPayload = committedPayload<Introduction>('IntroductionPayload', 'introduction', IntroductionRef, 'An introduction as the committed transaction left it.');

const IntroductionChange = builder.enumType('IntroductionChange', { values: { ISSUE: { value: 'issue' }, CANCEL: { value: 'cancel' } } as const });

/** A member asks for an introduction for themselves only; the club's staff and admins for any of its members. */
function requesterOf(context: ApiContext, memberNumber: string): Caller {
    const caller = callerWithRole(context, 'member', 'staff', 'admin');
    if (caller.role === 'member' && caller.memberNumber !== memberNumber) {
        throw new ApiError('FORBIDDEN', 'a member asks for introductions for themselves only');
    }
    return caller;
}

function introductionChange(context: ApiContext, caller: Caller, channel: string, introductionId: string, change: string): Promise<Committed<Introduction>> {
    return submitted<Introduction>(context, caller, {
        channel,
        transaction: `Introduction:${change}`,
        args: [parsedArgument(EntityId, introductionId, 'introductionId')],
    });
}

builder.mutationFields((t) => ({
    barMember: t.field({
        type: BarPayload,
        description: 'Bars a visiting member from the caller’s club for a date window, without touching the agreement (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            reason: t.arg.string({ required: true }),
            from: t.arg({ type: 'Date', required: true }),
            until: t.arg({ type: 'Date', required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const bar = ledgerInput(MemberBarInput, { memberNumber: args.memberNumber, reason: args.reason, window: { from: args.from, until: args.until } }, 'bar');
            return submitted<MemberBar>(context, caller, { channel: channelArgument(args.channel), transaction: 'Bar:bar', args: [JSON.stringify(bar)] });
        },
    }),
    liftBar: t.field({
        type: BarPayload,
        description: 'Lifts the caller’s club’s bar on a member (admin).',
        args: { channel: t.arg.string({ required: true }), memberNumber: t.arg.string({ required: true }) },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            return submitted<MemberBar>(context, caller, {
                channel: channelArgument(args.channel),
                transaction: 'Bar:lift',
                args: [parsedArgument(MemberNumber, args.memberNumber, 'memberNumber')],
            });
        },
    }),
    requestIntroduction: t.field({
        type: IntroductionPayload,
        description: 'Asks the home club for a letter of introduction to a host club for a stay (the member, or staff/admin for them).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            hostClub: t.arg.string({ required: true }),
            from: t.arg({ type: 'Date', required: true }),
            until: t.arg({ type: 'Date', required: true }),
            note: t.arg.string(),
        },
        resolve: (_, args, context) => {
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            const caller = requesterOf(context, memberNumber);
            const request = ledgerInput(
                IntroductionRequest,
                { memberNumber, hostClub: args.hostClub, stay: ledgerInput(DateRange, { from: args.from, until: args.until }, 'stay'), note: args.note },
                'request',
            );
            return submitted<Introduction>(context, caller, { channel: channelArgument(args.channel), transaction: 'Introduction:request', args: [JSON.stringify(request)] });
        },
    }),
    changeIntroduction: t.field({
        type: IntroductionPayload,
        description: 'Issues or cancels a letter of introduction of the caller’s club (staff, admin).',
        args: {
            channel: t.arg.string({ required: true }),
            introductionId: t.arg.string({ required: true }),
            change: t.arg({ type: IntroductionChange, required: true }),
        },
        resolve: (_, args, context) =>
            introductionChange(context, callerWithRole(context, 'staff', 'admin'), channelArgument(args.channel), args.introductionId, args.change),
    }),
}));
