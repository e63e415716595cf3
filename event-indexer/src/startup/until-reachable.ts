import pRetry from 'p-retry';

/** A neighbour start-up waited for, and the code of its error when it never answered. */
export const Neighbour = {
    PostgreSQL: 'POSTGRES_UNREACHABLE',
    NATS: 'NATS_UNREACHABLE',
} as const;
export type Neighbour = keyof typeof Neighbour;

/** A neighbour did not answer within start-up's bounded wait; `cause` is its last refusal. */
export class NeighbourUnreachableError extends Error {
    readonly code: (typeof Neighbour)[Neighbour];

    constructor(neighbour: Neighbour, message: string, options: { readonly cause?: unknown }) {
        super(message, options);
        this.name = 'NeighbourUnreachableError';
        this.code = Neighbour[neighbour];
    }
}

export interface UntilReachableOptions {
    readonly neighbour: Neighbour;
    /** How long to keep trying; 0 tries once. */
    readonly withinMs: number;
    /** Told once, when the first attempt failed, e.g. to log that start-up is waiting. */
    readonly onWait?: (error: Error) => void;
}

/** Runs `attempt` until it succeeds, backing off up to 2 s between tries, for at most `withinMs`. */
export async function untilReachable<T>(attempt: () => Promise<T>, options: UntilReachableOptions): Promise<T> {
    try {
        return options.withinMs === 0
            ? await attempt()
            : await pRetry(attempt, {
                  forever: true,
                  retries: 4,
                  minTimeout: 250,
                  maxTimeout: 2_000,
                  maxRetryTime: options.withinMs,
                  onFailedAttempt: (error) => {
                      if (error.attemptNumber === 1) {
                          options.onWait?.(error);
                      }
                  },
              });
    } catch (error) {
        throw new NeighbourUnreachableError(options.neighbour, `${options.neighbour} did not answer within ${(options.withinMs / 1000).toString()} s`, { cause: error });
    }
}
