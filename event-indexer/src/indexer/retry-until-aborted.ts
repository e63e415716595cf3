import pRetry, { type Options } from 'p-retry';

export interface RetryUntilAbortedOptions extends Pick<Options, 'onFailedAttempt'> {
    /** Backoff between failed attempts, in milliseconds. */
    readonly minTimeout: number;
    readonly maxTimeout: number;
    readonly signal: AbortSignal;
}

/**
 * Runs `attempt` again after each failure, backing off, until it succeeds or `signal` aborts. p-retry gives up at
 * once when aborted and leaves the attempt in flight running: this returns only after that attempt has ended too,
 * so whoever stops the loop may close what the attempt uses (its database pool) behind it.
 */
export async function retryUntilAborted(attempt: () => Promise<void>, options: RetryUntilAbortedOptions): Promise<void> {
    let inFlight = Promise.resolve();
    try {
        await pRetry(() => (inFlight = attempt()), { ...options, forever: true });
    } catch (error) {
        if (!options.signal.aborted) {
            throw error;
        }
        await inFlight.catch(() => undefined);
    }
}
