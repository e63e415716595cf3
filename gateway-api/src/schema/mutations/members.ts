import { ErrorCode, type Member, MemberEnrolment, MemberNumber, MemberRenewal, PERSONAL_DATA_TRANSIENT_KEY, PersonalData } from '@reciprocal-clubs/chaincode/model';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { sealPersonalData } from '../../personal-data/sealed-record.js';
import { builder } from '../builder.js';
import { parsedArgument } from '../queries/arguments.js';
import { MembershipTypeEnum } from '../types/enums.js';
import { MemberRef } from '../types/member.js';
import {
    type Committed,
    LedgerReceiptRef,
    callerWithRole,
    channelArgument,
    committedPayload,
    endorsersFor,
    ledgerInput,
    submitted,
    submittedOnceEndorsersCaughtUp,
} from './committed.js';
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
 * Seals the personal record under the member's data key (made on first use, kept for every later update, so
 * one key's destruction erases every version) and writes only the envelope to the home club's implicit
 * collection: the transaction touches only that collection, so the home club alone endorses it, no other peer
 * receives even the envelope, and no peer, block or indexer ever holds the plaintext.
 */
async function recordPersonalData(context: ApiContext, caller: Caller, channel: string, memberNumber: string, personalData: PersonalData): Promise<void> {
    const dataKey = await context.services.personalDataKeys.keyFor({ club: caller.club, channel, memberNumber });
    const sealed = sealPersonalData(personalData, dataKey, { channel, memberNumber });
    await context.services.ledger.submit(caller, {
        channel,
        transaction: 'Member:recordPersonalData',
        args: [memberNumber],
        transient: { [PERSONAL_DATA_TRANSIENT_KEY]: JSON.stringify(sealed) },
        endorsingOrganizations: [caller.club],
    });
}

/** Activates a member whose personal record has just committed (the endorsers check its hash). */
function activated(context: ApiContext, caller: Caller, channel: string, memberNumber: string): Promise<Committed<Member>> {
    return submittedOnceEndorsersCaughtUp(ErrorCode.PERSONAL_DATA_MISSING, () => changeMember(context, caller, channel, 'Member:activate', [memberNumber]));
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
            const record = ledgerInput(PersonalData, personalData, 'input.personalData');
            const enrolled = await submitted<Member>(context, caller, { channel, transaction: 'Member:enrol', args: [JSON.stringify(enrolment)] });
            await recordPersonalData(context, caller, channel, enrolled.value.memberNumber, record);
            return activated(context, caller, channel, enrolled.value.memberNumber);
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
            await recordPersonalData(context, caller, channel, memberNumber, ledgerInput(PersonalData, args.personalData, 'personalData'));
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
        description:
            'Erases a TERMINATED member’s personal record (admin): deleted from the home club’s private collection (and purged ' +
            'where the peers can), then its data key destroyed, which leaves every copy the peers keep unreadable. The public ' +
            'record stays. Safe to repeat: an erasure that failed after its transaction committed completes on the next try.',
        args: { channel: t.arg.string({ required: true }), memberNumber: t.arg.string({ required: true }) },
        resolve: async (_, args, context) => {
            const caller = callerWithRole(context, 'admin');
            const channel = channelArgument(args.channel);
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            const erased = await context.services.ledger.submit(caller, {
                channel,
                transaction: 'Member:erasePersonalData',
                args: [memberNumber],
                endorsingOrganizations: [caller.club],
            });
            // Only now: the chaincode is the one to say the member may be erased, and a key destroyed for a refused
            // erasure would destroy a record that must stay.
            await context.services.personalDataKeys.destroy({ club: caller.club, channel, memberNumber });
            return erased;
        },
    }),
}));
