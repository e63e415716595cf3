import { MspId } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { type ClubMonthVisits, ClubMonthVisitsRef, type PartnerUsage, PartnerUsageRef, VisitSideEnum } from '../types/analytics.js';
import { ChannelName, monthArgument, monthRange, optionalArgument, parsedArgument } from './arguments.js';
import { SqlConditions, keysetConnection } from './keyset.js';

builder.queryFields((t) => ({
    visitsByMonth: t.connection(
        {
            type: ClubMonthVisitsRef,
            description: 'The caller’s club’s visits per month, as host and as home club, by month and side.',
            args: {
                channel: t.arg.string({ required: true }),
                fromMonth: t.arg.string({ required: true, ...monthArgument }),
                untilMonth: t.arg.string({ required: true, ...monthArgument }),
                side: t.arg({ type: VisitSideEnum }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'finance');
                const months = monthRange(args.fromMonth, args.untilMonth);
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`club = ${where.param(caller.club)}`);
                where.add(`month BETWEEN ${where.param(months.from)}::date AND ${where.param(months.until)}::date`);
                if (args.side) {
                    where.add(`side = ${where.param(args.side)}`);
                }
                return keysetConnection(context.services.readModel, caller.club, args, {
                    name: 'visitsByMonth',
                    select: `side, to_char(month, 'YYYY-MM') AS "month", visits::integer AS visits,
                             cancelled_visits::integer AS "cancelledVisits", visiting_members::integer AS "visitingMembers",
                             guests::integer AS guests`,
                    from: 'visits_by_club_month',
                    where,
                    orderBy: [
                        { column: 'visits_by_club_month.month', type: 'date', of: (row) => `${row.month}-01` },
                        { column: 'side', type: 'text', of: (row) => row.side },
                    ],
                    toNode: (row: ClubMonthVisits) => row,
                });
            },
        },
        { name: 'ClubMonthVisitsConnection' },
        { name: 'ClubMonthVisitsEdge' },
    ),
    partnerUsage: t.connection(
        {
            type: PartnerUsageRef,
            description:
                'Per agreement of the caller’s club, direction and month: the visits under it and the members at the ' +
                'monthly limit; by month, agreement and home club.',
            args: {
                channel: t.arg.string({ required: true }),
                fromMonth: t.arg.string({ required: true, ...monthArgument }),
                untilMonth: t.arg.string({ required: true, ...monthArgument }),
                partner: t.arg.string({ description: 'Only the agreement with this club (MSP ID).' }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'finance');
                const months = monthRange(args.fromMonth, args.untilMonth);
                const partner = optionalArgument(MspId, args.partner, 'partner');
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`${where.param(caller.club)} IN (home_club, host_club)`);
                where.add(`month BETWEEN ${where.param(months.from)}::date AND ${where.param(months.until)}::date`);
                if (partner !== undefined) {
                    where.add(`${where.param(partner)} IN (home_club, host_club)`);
                }
                return keysetConnection(context.services.readModel, caller.club, args, {
                    name: 'partnerUsage',
                    select: `agreement_id AS "agreementId", home_club AS "homeClub", host_club AS "hostClub",
                             to_char(month, 'YYYY-MM') AS "month", visits::integer AS visits,
                             visiting_members::integer AS "visitingMembers", members_at_limit::integer AS "membersAtLimit",
                             monthly_limit AS "monthlyLimit"`,
                    from: 'partner_usage',
                    where,
                    orderBy: [
                        { column: 'partner_usage.month', type: 'date', of: (row) => `${row.month}-01` },
                        { column: 'agreement_id', type: 'text', of: (row) => row.agreementId },
                        { column: 'home_club', type: 'text', of: (row) => row.homeClub },
                    ],
                    toNode: (row: PartnerUsage) => row,
                });
            },
        },
        { name: 'PartnerUsageConnection' },
        { name: 'PartnerUsageEdge' },
    ),
}));
