import { builder } from '../builder.js';

/** A row of the indexer's transaction history. */
export interface LedgerTransaction {
    readonly channel: string;
    readonly blockNumber: string;
    readonly txIndex: number;
    readonly txId: string;
    readonly type: string;
    readonly creatorMsp: string;
    /** ISO 8601 UTC. */
    readonly createdAt: string;
    readonly validationCode: string;
    readonly isValid: boolean;
    readonly chaincode: string | null;
    readonly function: string | null;
    readonly eventName: string | null;
    readonly event: unknown;
    readonly writes: unknown;
}

export const LedgerTransactionRef = builder.objectRef<LedgerTransaction>('LedgerTransaction').implement({
    description: 'A transaction as the indexer recorded it from its block, valid or not: what auditors check.',
    fields: (t) => ({
        txId: t.exposeString('txId'),
        channel: t.exposeString('channel'),
        blockNumber: t.expose('blockNumber', { type: 'BigInt' }),
        txIndex: t.exposeInt('txIndex', { description: 'Position in the block, from 0.' }),
        type: t.exposeString('type', { description: 'ENDORSER_TRANSACTION, CONFIG, …' }),
        creatorMsp: t.exposeString('creatorMsp'),
        createdAt: t.expose('createdAt', { type: 'DateTime' }),
        validationCode: t.exposeString('validationCode', { description: 'VALID, MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, …' }),
        isValid: t.exposeBoolean('isValid'),
        chaincode: t.exposeString('chaincode', { nullable: true }),
        function: t.exposeString('function', { nullable: true, description: '`Contract:function`.' }),
        eventName: t.exposeString('eventName', { nullable: true }),
        event: t.expose('event', {
            type: 'JSON',
            nullable: true,
            description: 'The chaincode event; an invalid transaction’s event says nothing happened.',
        }),
        writes: t.expose('writes', { type: 'JSON', description: 'Public key writes, values base64.' }),
    }),
});
