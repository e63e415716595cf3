import { type Member, MemberNumber, type PersonalData } from '@reciprocal-clubs/chaincode/model';
import { memberScope, permitted, requireOwnMemberNumber } from '../../access.js';
import type { Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { UnreadablePersonalData, openPersonalData } from '../../personal-data/sealed-record.js';
import { builder } from '../builder.js';
import { MemberStatusEnum, MembershipTypeEnum } from '../types/enums.js';
import { MemberRef } from '../types/member.js';
import { PersonalDataRef } from '../types/personal-data.js';
import { ChannelName, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';

/** A sealed record opened with the member's data key; null once the key is destroyed (the record erased). */
async function openedRecord(context: ApiContext, caller: Caller, channel: string, memberNumber: string, sealed: unknown): Promise<PersonalData | null> {
    const dataKey = await context.services.personalDataKeys.find({ club: caller.club, channel, memberNumber });
    if (dataKey === undefined) {
        return null;
    }
    try {
        return openPersonalData(sealed, dataKey, { channel, memberNumber });
    } catch (error) {
        if (error instanceof UnreadablePersonalData) {
            throw new ApiError('INTERNAL_SERVER_ERROR', 'the personal record cannot be read', { reason: error.reason, cause: error });
        }
        throw error;
    }
}

builder.queryFields((t) => ({
    members: t.connection(
        {
            type: MemberRef,
            description: 'The members of the caller’s club, by member number.',
            args: {
                channel: t.arg.string({ required: true }),
                status: t.arg({ type: MemberStatusEnum }),
                membershipType: t.arg({ type: MembershipTypeEnum }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`home_club = ${where.param(caller.club)}`);
                if (args.status) {
                    where.add(`status = ${where.param(args.status)}`);
                }
                if (args.membershipType) {
                    where.add(`membership_type = ${where.param(args.membershipType)}`);
                }
                return keysetConnection(
                    context.services.readModel,
                    caller.club,
                    args,
                    entityListing<Member>('members', 'members', where, [
                        { column: 'member_number', type: 'text', of: (member) => member.memberNumber },
                    ]),
                );
            },
        },
        { name: 'MemberConnection' },
        { name: 'MemberEdge' },
    ),
    member: t.field({
        type: MemberRef,
        nullable: true,
        description:
            'A member of the caller’s club, or of another club once they visited the caller’s club; null otherwise. ' +
            'A member reads only themselves.',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const scope = memberScope(context);
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            requireOwnMemberNumber(scope, memberNumber);
            const rows = await context.services.readModel.query<{ data: Member }>(
                scope.club,
                `SELECT data FROM members AS member
                 WHERE channel = $1 AND member_number = $2
                   AND (home_club = $3
                        OR EXISTS (SELECT FROM visits AS visit
                                   WHERE visit.channel = member.channel AND visit.member_number = member.member_number
                                     AND visit.host_club = $3))`,
                [parsedArgument(ChannelName, args.channel, 'channel'), memberNumber, scope.club],
            );
            return rows[0]?.data ?? null;
        },
    }),
    personalData: t.field({
        type: PersonalDataRef,
        nullable: true,
        description:
            'The personal record of a member of the caller’s club, for its staff and admins, opened with the member’s data key; ' +
            'null when there is no such member or the record was never recorded or was erased (its key destroyed). FORBIDDEN ' +
            'for a member of another club; INTERNAL_SERVER_ERROR with reason PERSONAL_DATA_UNREADABLE for a record that does ' +
            'not open under the member’s key.',
        args: {
            channel: t.arg.string({ required: true }),
            memberNumber: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'personalData');
            const channel = parsedArgument(ChannelName, args.channel, 'channel');
            const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
            const rows = await context.services.readModel.query<{ home_club: string; data: unknown }>(
                caller.club,
                `SELECT member.home_club, record.data
                 FROM members AS member
                 LEFT JOIN member_personal_data AS record USING (channel, member_number)
                 WHERE member.channel = $1 AND member.member_number = $2`,
                [channel, memberNumber],
            );
            const row = rows[0];
            if (row !== undefined && row.home_club !== caller.club) {
                throw new ApiError('FORBIDDEN', 'personal data is read only by the member’s home club');
            }
            return row?.data == null ? null : openedRecord(context, caller, channel, memberNumber, row.data);
        },
    }),
}));
