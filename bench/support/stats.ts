export interface Percentiles {
    readonly p50: number;
    readonly p95: number;
}

/** Nearest-rank p50 and p95 of the samples. */
export function percentiles(samples: readonly number[]): Percentiles {
    if (samples.length === 0) {
        throw new RangeError('no samples to take percentiles of');
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
    return { p50: rank(50), p95: rank(95) };
}

/** Milliseconds since `start`, a `process.hrtime.bigint()` reading: monotonic and shared by every process of the machine. */
export function msSince(start: bigint, end = process.hrtime.bigint()): number {
    return Number(end - start) / 1e6;
}

export const formatCount = (value: number): string => Math.round(value).toLocaleString('en-US');
export const formatMs = (value: number): string => `${value.toFixed(1)} ms`;
export const formatRatio = (value: number): string => value.toFixed(2);
