import { type Agreement, EntityId, MspId } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { AgreementRef } from '../types/agreement.js';
import { AgreementStatusEnum } from '../types/enums.js';
import { ChannelName, optionalArgument, parsedArgument } from './arguments.js';
import { SqlConditions, entityListing, keysetConnection } from './keyset.js';

builder.queryFields((t) => ({
    agreements: t.connection(
        {
            type: AgreementRef,
            description: 'The agreements of the caller’s club, by start date.',
            args: {
                channel: t.arg.string({ required: true }),
                partner: t.arg.string({ description: 'Only those with this club (MSP ID).' }),
                status: t.arg({ type: AgreementStatusEnum }),
            },
            resolve: (_root, args, context) => {
                const caller = permitted(context, 'clubData');
                const partner = optionalArgument(MspId, args.partner, 'partner');
                const where = new SqlConditions();
                where.add(`channel = ${where.param(parsedArgument(ChannelName, args.channel, 'channel'))}`);
                where.add(`${where.param(caller.club)} IN (proposer, counterparty)`);
                if (partner !== undefined) {
                    where.add(`${where.param(partner)} IN (proposer, counterparty)`);
                }
                if (args.status) {
                    where.add(`status = ${where.param(args.status)}`);
                }
                return keysetConnection(
                    context.services.readModel,
                    caller.club,
                    args,
                    entityListing<Agreement>('agreements', 'agreements', where, [
                        { column: 'valid_from', type: 'date', of: (agreement) => agreement.terms.validFrom },
                        { column: 'agreement_id', type: 'text', of: (agreement) => agreement.agreementId },
                    ]),
                );
            },
        },
        { name: 'AgreementConnection' },
        { name: 'AgreementEdge' },
    ),
    agreement: t.field({
        type: AgreementRef,
        nullable: true,
        description: 'An agreement of the caller’s club; null for any other.',
        args: {
            channel: t.arg.string({ required: true }),
            agreementId: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'clubData');
            const rows = await context.services.readModel.query<{ data: Agreement }>(
                caller.club,
                'SELECT data FROM agreements WHERE channel = $1 AND agreement_id = $2 AND $3 IN (proposer, counterparty)',
                [
                    parsedArgument(ChannelName, args.channel, 'channel'),
                    parsedArgument(EntityId, args.agreementId, 'agreementId'),
                    caller.club,
                ],
            );
            return rows[0]?.data ?? null;
        },
    }),
}));
