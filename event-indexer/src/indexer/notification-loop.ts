import type { Logger } from 'pino';
import type { OutboxPublisher } from '../outbox/publisher.js';
import type { IndexerMetrics } from './metrics.js';
import { retryUntilAborted } from './retry-until-aborted.js';

export interface NotificationLoopOptions {
    readonly publisher: OutboxPublisher;
    readonly logger: Logger;
    readonly metrics: IndexerMetrics;
    /** How often to look for rows when nobody wakes the loop, in milliseconds. */
    readonly pollInterval?: number;
}

/**
 * Drains the outbox to NATS until `signal` aborts. Woken after every applied block, and polling as
 * a fallback; while NATS is down it backs off and the rows wait in PostgreSQL.
 */
export class NotificationLoop {
    readonly #options: NotificationLoopOptions;
    #wake: (() => void) | undefined;

    constructor(options: NotificationLoopOptions) {
        this.#options = options;
    }

    /** Publish now rather than at the next poll. */
    wake(): void {
        this.#wake?.();
    }

    async run(signal: AbortSignal): Promise<void> {
        const { publisher, logger, metrics } = this.#options;
        while (!signal.aborted) {
            await retryUntilAborted(() => this.#drain(signal), {
                minTimeout: 250,
                maxTimeout: 10_000,
                signal,
                onFailedAttempt: (error) => {
                    metrics.errors.inc({ channel: '*', stage: 'publish' });
                    logger.warn({ attempt: error.attemptNumber, err: error }, 'publishing notifications failed; retrying');
                },
            });
            metrics.outboxDepth.set(await publisher.depth().catch(() => Number.NaN));
            await this.#sleep(signal);
        }
    }

    /** Publishes rounds until the outbox is empty or the loop is stopped. */
    async #drain(signal: AbortSignal): Promise<void> {
        let round;
        do {
            round = await this.#options.publisher.publishPending();
            if (round.duplicates > 0) {
                // Re-sends of messages published before a crash or failed round: JetStream dropped them.
                this.#options.logger.info({ published: round.published, duplicates: round.duplicates }, 'notifications re-sent; JetStream dropped the duplicates');
            }
        } while (round.published > 0 && !signal.aborted);
    }

    #sleep(signal: AbortSignal): Promise<void> {
        if (signal.aborted) {
            return Promise.resolve();
        }
        return new Promise((resolve) => {
            const done = () => {
                clearTimeout(timer);
                signal.removeEventListener('abort', done);
                this.#wake = undefined;
                resolve();
            };
            const timer = setTimeout(done, this.#options.pollInterval ?? 1_000);
            signal.addEventListener('abort', done, { once: true });
            this.#wake = done;
        });
    }
}
