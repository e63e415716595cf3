import { randomBytes } from 'node:crypto';
import { type Member, MemberEnrolment, MemberNumber, MemberRenewal, PersonalData } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { MembershipTypeEnum } from '../types/enums.js';
import { MemberRef } from '../types/member.js';
import { type Committed, LedgerReceiptRef, callerWithRole, channelArgument, committedPayload, endorsersFor, ledgerInput, submitted } from './committed.js';
import { MemberEnrolmentInput, PersonalDataInput } from './inputs.js';

const MemberPayload = committedPayload<Member>('MemberPayload', 'member', MemberRef, 'A member as the committed transaction left it.');

const MemberStatusChange = builder.enumType('MemberStatusChange', {
    values: { SUSPEND: { value: 'suspend' }, REINSTATE: { value: 'reinstate' }, EXPIRE: { value: 'expire' }, TERMINATE: { value: 'terminate' } } as const,
});

/** A change to a member's public record: the key-level policy wants the home club and a majority. */
async function changeMember(context: ApiContext, caller: Caller, channel: string, transaction: string, args: readonly string[]): Promise<Committed<Member>> {
    return submitted<Member>(context, caller, { channel, transaction, args, endorsingOrganizations: await endorsersFor(context, caller, channel, [caller.club]) });
}

/**
 * Writes the personal record to the home club's implicit collection: the transaction touches only
 * that collection, so the home club alone endorses it and no other peer ever receives the data.
 */
async function recordPersonalData(context: ApiContext, caller: Caller, channel: string, memberNumber: string, personalData: PersonalData): Promise<void> {
    await context.services.ledger.submit(caller, {
        channel,
        transaction: 'Member:recordPersonalData',
        args: [memberNumber],
        transient: { personalData: JSON.stringify(personalData) },
        endorsingOrganizations: [caller.club],
    });
}

/** The personal record with a fresh salt, so its public hash cannot be guessed from the data. */
function saltedPersonalData(input: object, name: string): PersonalData {
    return ledgerInput(PersonalData, { ...input, salt: randomBytes(16).toString('hex') }, name);
}

builder.mutationFields((t) => ({
    enrolMember: t.field({
        type: MemberPayload,
        description: 'Enrols a member of the caller’s club: the public record, the private personal record, then activation (admin).',
        args: { channel: t.arg.string({ required: true }), input: t.arg({ type: MemberEnrolmentInput, required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const channel = channelArgument(args.channel);
            const { personalData, ...membership } = args.input;
            const enrolment = ledgerInput(MemberEnrolment, membership, 'input');
            const record = saltedPersonalData(personalData, 'input.personalData');
            const enrolled = await submitted<Member>(context, caller, { channel, transaction: 'Member:enrol', args: [JSON.stringify(enrolment)] });
            await recordPersonalData(context, caller, channel, enrolled.value.memberNumber, record);
            return changeMember(context, caller, channel, 'Member:activate', [enrolled.value.memberNumber]);
        },
    }),
    updatePersonalData: t.field({
        type: MemberPayload,
        description: 'Replaces a member’s personal record and publishes its new hash (admin of the home club).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            personalData: t.arg({ type: PersonalDataInput, required: true }),
        },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const channel = channelArgument(args.channel);
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            await recordPersonalData(context, caller, channel, memberNumber, saltedPersonalData(args.personalData, 'personalData'));
            return changeMember(context, caller, channel, 'Member:attestPersonalData', [memberNumber]);
        },
    }),
    changeMemberStatus: t.field({
        type: MemberPayload,
        description: 'Suspends, reinstates, expires or terminates a member of the caller’s club (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            change: t.arg({ type: MemberStatusChange, required: true }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            return changeMember(context, caller, channelArgument(args.channel), `Member:${args.change}`, [memberNumber]);
        },
    }),
    renewMember: t.field({
        type: MemberPayload,
        description: 'Extends (or restarts) a membership (admin).',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
            validUntil: t.arg({ type: 'Date', required: true }),
            membershipType: t.arg({ type: MembershipTypeEnum }),
        },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            const renewal = ledgerInput(MemberRenewal, { validUntil: args.validUntil, membershipType: args.membershipType }, 'renewal');
            return changeMember(context, caller, channelArgument(args.channel), 'Member:renew', [memberNumber, JSON.stringify(renewal)]);
        },
    }),
    erasePersonalData: t.field({
        type: LedgerReceiptRef,
        description: 'Purges a TERMINATED member’s personal record from the home club’s peers (admin). The public record stays.',
        args: { channel: t.arg.string({ required: true }), memberNumber: t.arg.string({ required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            return context.services.ledger.submit(caller, {
                channel: channelArgument(args.channel),
                transaction: 'Member:erasePersonalData',
                args: [memberNumber],
                endorsingOrganizations: [caller.club],
            });
        },
    }),
}));
