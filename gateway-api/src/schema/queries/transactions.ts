import { EntityId } from '@reciprocal-clubs/chaincode/model';
import { permitted } from '../../access.js';
import { builder } from '../builder.js';
import { type LedgerTransaction, LedgerTransactionRef } from '../types/ledger-transaction.js';
import { ChannelName, parsedArgument } from './arguments.js';

type TransactionRow = Omit<LedgerTransaction, 'createdAt'> & { readonly createdAt: Date };

builder.queryField('transaction', (t) =>
    t.field({
        type: LedgerTransactionRef,
        nullable: true,
        description:
            'A transaction of the channel by ID, valid or invalid, with its validation code; null when none was indexed. ' +
            'When an ID was submitted twice, the valid one (else the first) is shown.',
        args: {
            channel: t.arg.string({ required: true }),
            txId: t.arg.string({ required: true }),
        },
        resolve: async (_root, args, context) => {
            const caller = permitted(context, 'ledgerHistory');
            const rows = await context.services.readModel.query<TransactionRow>(
                caller.club,
                `SELECT channel, block_number::text AS "blockNumber", tx_index AS "txIndex", tx_id AS "txId", type,
                        creator_msp AS "creatorMsp", created_at AS "createdAt", validation_code AS "validationCode",
                        is_valid AS "isValid", chaincode, function, event_name AS "eventName", event, writes
                 FROM transactions WHERE channel = $1 AND tx_id = $2
                 ORDER BY is_valid DESC, block_number, tx_index
                 LIMIT 1`,
                [parsedArgument(ChannelName, args.channel, 'channel'), parsedArgument(EntityId, args.txId, 'txId')],
            );
            const row = rows[0];
            return row === undefined ? null : { ...row, createdAt: row.createdAt.toISOString() };
        },
    }),
);
