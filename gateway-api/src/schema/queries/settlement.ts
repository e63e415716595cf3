import { MspId } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { type SettlementLine, SettlementLineRef } from '../types/settlement.js';
import { ChannelName, monthArgument, monthRange, optionalArgument, parsedArgument } from './arguments.js';
import { SqlConditions, keysetConnection } from './keyset.js';

type SettlementRow = Omit<SettlementLine, 'counterpart' | 'direction'>;

builder.queryField('settlement', (t) =>
    t.connection(
        {
            type: SettlementLineRef,
            description:
                'Fees the caller’s club owes and is owed for the visits of each month in the range (both ends inclusive), ' +
                'per counterpart and currency; by month, home club, host club and currency.',
            args: {
                channel: t.arg.string({ required: true }),
                fromMonth: t.arg.string({ required: true, ...monthArgument }),
                untilMonth: t.arg.string({ required: true, ...monthArgument }),
                counterpart: t.arg.string({ description: 'Only the fees between the caller’s club and this one (MSP ID).' }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'finance');
                const months = monthRange(args.fromMonth, args.untilMonth);
                const counterpart = optionalArgument(MspId, args.counterpart, 'counterpart');
                const where = new SqlConditions();
                const club = where.param(caller.club);
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`(home_club = ${club} OR host_club = ${club})`);
                where.add(`month BETWEEN ${where.param(months.from)}::date AND ${where.param(months.until)}::date`);
                if (counterpart !== undefined) {
                    where.add(`${where.param(counterpart)} IN (home_club, host_club)`);
                }
                return keysetConnection(context.services.readModel, caller.club, args, {
                    name: 'settlement',
                    select: `home_club AS "homeClub", host_club AS "hostClub", to_char(month, 'YYYY-MM') AS "month", currency,
                             visits::integer AS visits, amount_minor::text AS "amountMinor"`,
                    from: 'settlement',
                    where,
                    orderBy: [
                        { column: 'settlement.month', type: 'date', of: (line) => `${line.month}-01` },
                        { column: 'home_club', type: 'text', of: (line) => line.homeClub },
                        { column: 'host_club', type: 'text', of: (line) => line.hostClub },
                        { column: 'currency', type: 'text', of: (line) => line.currency },
                    ],
                    toNode: (row: SettlementRow): SettlementLine =>
                        row.homeClub === caller.club
                            ? { ...row, counterpart: row.hostClub, direction: 'PAYABLE' }
                            : { ...row, counterpart: row.homeClub, direction: 'RECEIVABLE' },
                });
            },
        },
        { name: 'SettlementLineConnection' },
        { name: 'SettlementLineEdge' },
    ),
);
