import type { NatsConnection, Subscription } from '@nats-io/transport-node';

interface Watched {
    readonly subscription: Promise<Subscription>;
    readonly resolve: (subscription: Subscription) => void;
}

/**
 * A NATS connection that tells when a subject is subscribed on it, and when that subscription closes. A test
 * waits for the subscription its client asked for and flushes: from then on the server routes to it whatever
 * anyone publishes.
 */
export class SubscriptionWatch {
    /** The connection to hand the code under test. */
    readonly connection: NatsConnection;
    readonly #nats: NatsConnection;
    readonly #subjects = new Map<string, Watched>();

    constructor(nats: NatsConnection) {
        this.#nats = nats;
        this.connection = new Proxy(nats, {
            get: (target, property) => {
                if (property === 'subscribe') {
                    return (...args: Parameters<NatsConnection['subscribe']>) => {
                        const subscription = target.subscribe(...args);
                        this.#watched(args[0]).resolve(subscription);
                        return subscription;
                    };
                }
                const value: unknown = Reflect.get(target, property, target);
                return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
            },
        });
    }

    /** Resolves once `subject` is subscribed and the server knows it. */
    async subscribed(subject: string): Promise<void> {
        await this.#watched(subject).subscription;
        await this.#nats.flush();
    }

    /** Resolves once the subscription on `subject` is closed. */
    async unsubscribed(subject: string): Promise<void> {
        await (await this.#watched(subject).subscription).closed;
    }

    #watched(subject: string): Watched {
        let watched = this.#subjects.get(subject);
        if (watched === undefined) {
            let resolve!: (subscription: Subscription) => void;
            const subscription = new Promise<Subscription>((resolved) => {
                resolve = resolved;
            });
            watched = { subscription, resolve };
            this.#subjects.set(subject, watched);
        }
        return watched;
    }
}
