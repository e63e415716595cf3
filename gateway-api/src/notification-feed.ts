import type { NatsConnection } from '@nats-io/transport-node';
import type { Notification } from '@reciprocal-clubs/event-indexer';
import { Repeater } from 'graphql-yoga';

/** Live notifications the indexers publish, for GraphQL subscriptions. */
export interface NotificationFeed {
    /** Notifications on a subject (wildcards allowed) until the iterator is returned (the client went away). */
    subscribe(subject: string): AsyncIterable<Notification>;
    isReachable(): boolean;
}

/**
 * Core NATS subscriptions on the subjects JetStream stores (`clubs.<channel>.<club>.<event>`): a live
 * view for connected clients, who catch up on anything missed through queries. Every indexer that saw a
 * transaction publishes its notification; JetStream keeps one, but core subscribers see every copy, so
 * copies are dropped here by their message ID.
 */
export class NatsNotificationFeed implements NotificationFeed {
    readonly #nats: NatsConnection;

    constructor(nats: NatsConnection) {
        this.#nats = nats;
    }

    /**
     * A Repeater, not an async generator: a generator waiting for the next message cannot be returned, so a
     * client that went away would keep its NATS subscription until another message came. Stopping the
     * Repeater unsubscribes at once, which also ends the wait.
     */
    subscribe(subject: string): AsyncIterable<Notification> {
        return new Repeater<Notification>(async (push, stop) => {
            const subscription = this.#nats.subscribe(subject);
            void stop.then(() => {
                subscription.unsubscribe();
            });
            const seen = new RecentMessageIds();
            for await (const message of subscription) {
                if (seen.firstTime(message.headers?.get('Nats-Msg-Id'))) {
                    await push(message.json<Notification>());
                }
            }
            stop();
        });
    }

    isReachable(): boolean {
        return !this.#nats.isClosed();
    }
}

/** The message IDs a subscriber saw lately: copies arrive close together, so a bounded window suffices. */
class RecentMessageIds {
    static readonly #capacity = 10_000;
    readonly #ids = new Set<string>();

    /** True the first time an ID is seen (and for messages without one). */
    firstTime(id: string | undefined): boolean {
        if (id === undefined || id === '') {
            return true;
        }
        if (this.#ids.has(id)) {
            return false;
        }
        this.#ids.add(id);
        if (this.#ids.size > RecentMessageIds.#capacity) {
            const oldest = this.#ids.values().next().value;
            if (oldest !== undefined) {
                this.#ids.delete(oldest);
            }
        }
        return true;
    }
}
