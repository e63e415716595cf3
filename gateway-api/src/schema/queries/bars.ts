import { type MemberBar, MemberNumber } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { BarRef } from '../types/bar.js';
import { ChannelName, optionalArgument, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';

builder.queryField('bars', (t) =>
    t.connection(
        {
            type: BarRef,
            description: 'Bars the caller’s club imposed and bars on its members, by member number.',
            args: {
                channel: t.arg.string({ required: true }),
                memberNumber: t.arg.string(),
                lifted: t.arg.boolean(),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const memberNumber = optionalArgument(MemberNumber, args.memberNumber, 'memberNumber');
                const where = new SqlConditions();
                const club = where.param(caller.club);
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`(host_club = ${club} OR home_club = ${club})`);
                if (memberNumber !== undefined) {
                    where.add(`member_number = ${where.param(memberNumber)}`);
                }
                if (args.lifted !== undefined && args.lifted !== null) {
                    where.add(`lifted = ${where.param(args.lifted)}`);
                }
                return keysetConnection(
                    context.services.readModel,
                    caller.club,
                    args,
                    entityListing<MemberBar>('bars', 'bars', where, [
                        { column: 'member_number', type: 'text', of: (bar) => bar.memberNumber },
                        { column: 'host_club', type: 'text', of: (bar) => bar.hostClub },
                    ]),
                );
            },
        },
        { name: 'BarConnection' },
        { name: 'BarEdge' },
    ),
);
