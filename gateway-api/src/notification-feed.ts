import type { NatsConnection } from '@nats-io/transport-node';
import type { Notification } from '@reciprocal-clubs/event-indexer';

/** Live notifications the indexers publish, for GraphQL subscriptions. */
export interface NotificationFeed {
    /** Notifications on a subject (wildcards allowed) until the iterator is returned (the client went away). */
    subscribe(subject: string): AsyncIterable<Notification>;
    isReachable(): boolean;
}

/**
 * Core NATS subscriptions on the subjects JetStream stores (`clubs.<channel>.<club>.<event>`): a live
 * view for connected clients, who catch up on anything missed through queries.
 */
export class NatsNotificationFeed implements NotificationFeed {
    readonly #nats: NatsConnection;

    constructor(nats: NatsConnection) {
        this.#nats = nats;
    }

    async *subscribe(subject: string): AsyncIterable<Notification> {
        const subscription = this.#nats.subscribe(subject);
        try {
            for await (const message of subscription) {
                yield message.json<Notification>();
            }
        } finally {
            subscription.unsubscribe();
        }
    }

    isReachable(): boolean {
        return !this.#nats.isClosed();
    }
}
