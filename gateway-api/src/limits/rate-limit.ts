import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Caller } from '../caller.js';
import { ApiError, ApiErrorCode } from '../errors.js';

export interface RateLimitWindow {
    /** Requests admitted per window. */
    readonly points: number;
    readonly durationSeconds: number;
}

export interface RateLimits {
    /** Per authenticated person (club and JWT subject). */
    readonly perCaller: RateLimitWindow;
    /** Per client address, for requests without a valid token (including refused tokens). */
    readonly perAddress: RateLimitWindow;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
    perCaller: { points: 600, durationSeconds: 60 },
    perAddress: { points: 60, durationSeconds: 60 },
};

function limiterOf(window: RateLimitWindow): RateLimiterMemory {
    return new RateLimiterMemory({ points: window.points, duration: window.durationSeconds });
}

async function consume(limiter: RateLimiterMemory, key: string): Promise<void> {
    try {
        await limiter.consume(key);
    } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
            throw new ApiError(ApiErrorCode.RATE_LIMITED, 'too many requests: try again later', {
                retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
            });
        }
        throw rejection;
    }
}

/**
 * Admits requests within their window, in this process's memory: each API replica counts on its own, so a
 * deployment of n replicas admits up to n times the points.
 */
export class RequestRateLimiter {
    readonly #perCaller: RateLimiterMemory;
    readonly #perAddress: RateLimiterMemory;

    constructor(limits: RateLimits = DEFAULT_RATE_LIMITS) {
        this.#perCaller = limiterOf(limits.perCaller);
        this.#perAddress = limiterOf(limits.perAddress);
    }

    /** Throws RATE_LIMITED once the caller has used up the window. */
    async admitCaller(caller: Caller): Promise<void> {
        await consume(this.#perCaller, JSON.stringify([caller.club, caller.subject]));
    }

    /** Throws RATE_LIMITED once the address has used up the window. */
    async admitAddress(address: string): Promise<void> {
        await consume(this.#perAddress, address);
    }
}
