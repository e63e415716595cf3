import { EntityId, MemberNumber, MspId, type Visit, type VisitUsage } from '@reciprocal-clubs/chaincode/model';
import { type MemberScope, memberScope, requireOwnMemberNumber } from '../../access.js';
import { ApiError } from '../../errors.js';
import { builder } from '../builder.js';
import { VisitStatusEnum } from '../types/enums.js';
import { VisitRef, VisitUsageRef } from '../types/visit.js';
import { ChannelName, dateRange, optionalArgument, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';
import { selectedNodeFields } from './selected-fields.js';
import { visitListing } from './visit-listing.js';

/** The visits a scope sees: a member their own; staff and above those their club hosted or its members made. */
function visibleVisits(where: SqlConditions, scope: MemberScope): void {
    const club = where.param(scope.club);
    if (scope.kind === 'self') {
        where.add(`member_number = ${where.param(scope.memberNumber)}`).add(`home_club = ${club}`);
    } else {
        where.add(`(host_club = ${club} OR home_club = ${club})`);
    }
}

function isVisibleTo(visit: Visit, scope: MemberScope): boolean {
    return scope.kind === 'self'
        ? visit.memberNumber === scope.memberNumber && visit.homeClub === scope.club
        : visit.hostClub === scope.club || visit.homeClub === scope.club;
}

builder.queryFields((t) => ({
    visits: t.connection(
        {
            type: VisitRef,
            description:
                'Visits the caller’s club hosted or its members made, by visit date; a member sees their own only. ' +
                'Dates are inclusive.',
            args: {
                channel: t.arg.string({ required: true }),
                memberNumber: t.arg.string(),
                hostClub: t.arg.string(),
                homeClub: t.arg.string(),
                from: t.arg({ type: 'Date' }),
                until: t.arg({ type: 'Date' }),
                status: t.arg({ type: VisitStatusEnum }),
            },
            resolve: (_root, args, context, info) => {
                const scope = memberScope(context);
                const memberNumber = optionalArgument(MemberNumber, args.memberNumber, 'memberNumber');
                if (memberNumber !== undefined) {
                    requireOwnMemberNumber(scope, memberNumber);
                }
                const hostClub = optionalArgument(MspId, args.hostClub, 'hostClub');
                const homeClub = optionalArgument(MspId, args.homeClub, 'homeClub');
                const dates = dateRange(args.from, args.until);

                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                visibleVisits(where, scope);
                const filters = [
                    ['member_number =', memberNumber],
                    ['host_club =', hostClub],
                    ['home_club =', homeClub],
                    ['visit_date >=', dates.from],
                    ['visit_date <=', dates.until],
                    ['status =', args.status],
                ] as const;
                for (const [condition, value] of filters) {
                    if (value !== undefined && value !== null) {
                        where.add(`${condition} ${where.param(value)}`);
                    }
                }
                return keysetConnection(context.services.readModel, scope.club, args, visitListing(where, selectedNodeFields(info)));
            },
        },
        { name: 'VisitConnection' },
        { name: 'VisitEdge' },
    ),
    visit: t.field({
        type: VisitRef,
        nullable: true,
        description:
            'A visit the caller’s club hosted or one of its members made; null otherwise. A member reads only their own.',
        args: {
            channel: t.arg.string({ required: true }),
            visitId: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const scope = memberScope(context);
            const rows = await context.services.readModel.query<{ data: Visit }>(
                scope.club,
                'SELECT data FROM visits WHERE channel = $1 AND visit_id = $2',
                [parsedArgument(ChannelName, args.channel, 'channel'), parsedArgument(EntityId, args.visitId, 'visitId')],
            );
            const visit = rows[0]?.data;
            if (visit === undefined || isVisibleTo(visit, scope)) {
                return visit ?? null;
            }
            if (scope.kind === 'self') {
                throw new ApiError('FORBIDDEN', 'a member reads only their own visits');
            }
            return null;
        },
    }),
    visitUsage: t.connection(
        {
            type: VisitUsageRef,
            description:
                'A member’s visit counters under the agreements of the caller’s club, by period: months `YYYY-MM` and ' +
                'years `YYYY`. A member reads their own.',
            args: {
                channel: t.arg.string({ required: true }),
                memberNumber: t.arg.string({ required: true }),
            },
            resolve: (_root, args, context) => {
                const scope = memberScope(context);
                const memberNumber = parsedArgument(MemberNumber, args.memberNumber, 'memberNumber');
                requireOwnMemberNumber(scope, memberNumber);
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`member_number = ${where.param(memberNumber)}`);
                where.add(`EXISTS (SELECT FROM agreements AS agreement
                                   WHERE agreement.channel = visit_usage.channel AND agreement.agreement_id = visit_usage.agreement_id
                                     AND ${where.param(scope.club)} IN (agreement.proposer, agreement.counterparty))`);
                return keysetConnection(
                    context.services.readModel,
                    scope.club,
                    args,
                    entityListing<VisitUsage>('visitUsage', 'visit_usage', where, [
                        { column: 'period', type: 'text', of: (usage) => usage.period },
                        { column: 'agreement_id', type: 'text', of: (usage) => usage.agreementId },
                    ]),
                );
            },
        },
        { name: 'VisitUsageConnection' },
        { name: 'VisitUsageEdge' },
    ),
}));
