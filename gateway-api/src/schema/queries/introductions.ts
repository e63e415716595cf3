import type { Introduction } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { IntroductionRef } from '../types/introduction.js';
import { ChannelName, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';

builder.queryField('expectedIntroductions', (t) =>
    t.connection(
        {
            type: IntroductionRef,
            description:
                'Issued letters of introduction to the caller’s club whose stay covers the date: the arrivals it expects, ' +
                'by start of stay.',
            args: {
                channel: t.arg.string({ required: true }),
                date: t.arg({ type: 'Date', required: true }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const where = new SqlConditions();
                const date = where.param(args.date);
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`host_club = ${where.param(caller.club)}`);
                // As the chaincode's Introduction:expectedAt: a requested letter is not yet an introduction.
                where.add(`status = 'ISSUED'`);
                where.add(`stay_from <= ${date}::date AND stay_until >= ${date}::date`);
                return keysetConnection(
                    context.services.readModel,
                    caller.club,
                    args,
                    entityListing<Introduction>('expectedIntroductions', 'introductions', where, [
                        { column: 'stay_from', type: 'date', of: (introduction) => introduction.stay.from },
                        { column: 'introduction_id', type: 'text', of: (introduction) => introduction.introductionId },
                    ]),
                );
            },
        },
        { name: 'IntroductionConnection' },
        { name: 'IntroductionEdge' },
    ),
);
