import { type Club, MspId } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { ClubRef } from '../types/club.js';
import { ClubStatusEnum } from '../types/enums.js';
import { ChannelName, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';

builder.queryFields((t) => ({
    club: t.field({
        type: ClubRef,
        nullable: true,
        description: 'A club on the channel; null when there is none by that MSP ID.',
        args: {
            channel: t.arg.string({ required: true }),
            mspId: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'clubData');
            const rows = await context.services.readModel.query<{ data: Club }>(
                caller.club,
                'SELECT data FROM clubs WHERE channel = $1 AND msp_id = $2',
                [parsedArgument(ChannelName, args.channel, 'channel'), parsedArgument(MspId, args.mspId, 'mspId')],
            );
            return rows[0]?.data ?? null;
        },
    }),
    clubs: t.connection(
        {
            type: ClubRef,
            description: 'The clubs on the channel, by MSP ID.',
            args: {
                channel: t.arg.string({ required: true }),
                status: t.arg({ type: ClubStatusEnum }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                if (args.status) {
                    where.add(`status = ${where.param(args.status)}`);
                }
                return keysetConnection(
                    context.services.readModel,
                    caller.club,
                    args,
                    entityListing<Club>('clubs', 'clubs', where, [{ column: 'msp_id', type: 'text', of: (club) => club.mspId }]),
                );
            },
        },
        { name: 'ClubConnection' },
        { name: 'ClubEdge' },
    ),
}));
