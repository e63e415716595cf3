import { toApiError } from '../ledger-errors.js';
import { builder } from './builder.js';
import { callerWithRole, channelArgument, evaluated } from './mutations/committed.js';

interface Revision {
    readonly txId: string;
    readonly timestamp: string;
    readonly isDelete: boolean;
    readonly value?: unknown;
}

const AuditedEntity = builder.enumType('AuditedEntity', {
    values: ['club', 'member', 'agreement', 'bar', 'introduction', 'visit', 'usage', 'proposal', 'vote', 'rules'] as const,
});

const RevisionRef = builder.objectRef<Revision>('KeyRevision').implement({
    description: 'One committed change of a ledger key, read from the peer’s history database.',
    fields: (t) => ({
        transactionId: t.exposeString('txId'),
        timestamp: t.expose('timestamp', { type: 'DateTime' }),
        isDelete: t.exposeBoolean('isDelete'),
        value: t.field({ type: 'JSON', nullable: true, resolve: (revision) => revision.value ?? null }),
    }),
});

const IntegrityReportRef = builder
    .objectRef<{ ok: boolean; channel: string; blocks?: number; blockNumber?: bigint; problem?: string }>('IndexIntegrity')
    .implement({
        description: 'Whether the indexed blocks form an unbroken hash chain equal to the peer’s; else the first mismatch.',
        fields: (t) => ({
            ok: t.exposeBoolean('ok'),
            channel: t.exposeString('channel'),
            blocks: t.exposeInt('blocks', { nullable: true }),
            blockNumber: t.field({ type: 'BigInt', nullable: true, resolve: (report) => report.blockNumber?.toString() ?? null }),
            problem: t.exposeString('problem', { nullable: true }),
        }),
    });

builder.queryFields((t) => ({
    auditTrail: t.field({
        type: [RevisionRef],
        description:
            'Every revision of one entity, oldest first, evaluated on the caller’s club peer (ledger truth). IDs of bar, vote and usage join their parts with / (HOST/MEMBER, PROPOSAL/MSP, AGREEMENT/MEMBER/PERIOD). Auditors and admins.',
        args: { channel: t.arg.string({ required: true }), entity: t.arg({ type: AuditedEntity, required: true }), id: t.arg.string({ required: true }) },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'auditor', 'admin');
            return evaluated<Revision[]>(context, caller, { channel: channelArgument(args.channel), transaction: 'Audit:history', args: [args.entity, args.id] });
        },
    }),
    verifyIndexIntegrity: t.field({
        type: IntegrityReportRef,
        description: 'Walks the caller’s club index of the channel block by block against its peer (auditors and admins).',
        args: { channel: t.arg.string({ required: true }) },
        resolve: (_, args, context) => {
            const caller = callerWithRole(context, 'auditor', 'admin');
            return context.services.verifyIndex(caller.club, channelArgument(args.channel)).catch((error: unknown) => {
                throw toApiError(error);
            });
        },
    }),
}));
