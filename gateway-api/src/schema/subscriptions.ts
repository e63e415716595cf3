import { EventName, type LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import { type Notification, subjectFor } from '@reciprocal-clubs/event-indexer';
import { filter, pipe } from 'graphql-yoga';
import { builder } from './builder.js';
import { callerWithRole, channelArgument } from './mutations/committed.js';

const NotificationRef = builder.objectRef<Notification>('LedgerNotification').implement({
    description: 'A committed change that concerns the subscriber’s club, as the indexer announced it.',
    fields: (t) => ({
        channel: t.exposeString('channel'),
        blockNumber: t.expose('blockNumber', { type: 'BigInt' }),
        transactionId: t.exposeString('txId'),
        event: t.string({ resolve: (notification) => notification.event.name }),
        timestamp: t.field({ type: 'DateTime', resolve: (notification) => notification.event.timestamp }),
        actor: t.string({ resolve: (notification) => notification.event.actor }),
        submitter: t.string({ resolve: (notification) => notification.event.submitter }),
        parties: t.stringList({ resolve: (notification) => [...notification.event.parties] }),
        changes: t.field({ type: 'JSON', description: 'Every entity the transaction changed, as it stands after.', resolve: (notification) => notification.event.changes }),
    }),
});

/** The event names each subscription delivers. */
const topics: Record<'visitEvents' | 'agreementEvents' | 'governanceEvents', (name: LedgerEvent['name']) => boolean> = {
    visitEvents: (name) => name.startsWith('Visit') || name.startsWith('Introduction') || name === EventName.MemberBarred || name === EventName.MemberBarLifted,
    agreementEvents: (name) => name.startsWith('Agreement'),
    governanceEvents: (name) => name === EventName.ProposalOpened || name === EventName.VoteCast || name === EventName.ProposalClosed,
};

builder.subscriptionFields((t) =>
    Object.fromEntries(
        Object.entries(topics).map(([field, accepts]) => [
            field,
            t.field({
                type: NotificationRef,
                description: `Live ${field.replace('Events', '')} notifications of the caller’s club on a channel (staff, admin, auditor): only the club’s own.`,
                args: { channel: t.arg.string({ required: true }) },
                // The subject names the caller's club: NATS itself keeps other clubs' events away.
                subscribe: (_, args, context) => {
                    const caller = callerWithRole(context, 'staff', 'admin', 'auditor');
                    const subject = subjectFor(channelArgument(args.channel), caller.club, '*');
                    return pipe(
                        context.services.notifications.subscribe(subject),
                        filter((notification: Notification) => accepts(notification.event.name)),
                    );
                },
                resolve: (notification: Notification) => notification,
            }),
        ]),
    ),
);
