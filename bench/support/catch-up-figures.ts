import type { Figure } from './report.js';
import { formatCount, formatMs, formatRatio, percentiles } from './stats.js';

/** The bars on catching up: at least this share of a stream that only decodes, and the peak resident set. */
const RATIO_BAR = 0.8;
const RSS_BAR_MB = 300;
export const MB = 2 ** 20;

/** The indexer's pass over the blocks, from its first block until it had applied the last. */
export interface CatchUpPass {
    readonly seconds: number;
    /** Per block: the database transaction that applied it. */
    readonly applyMs: readonly number[];
    readonly peakRssBytes: number;
}

/** A pass that only read and decoded the same blocks. */
export interface DecodePass {
    readonly transactions: number;
    readonly seconds: number;
}

/** Throughput of `transactions` caught up against the decode-only rate, apply time p50/p95 and peak RSS, with their bars. */
export function catchUpFigures(throughputFigure: string, transactions: number, caughtUp: CatchUpPass, decoded: DecodePass): Figure[] {
    const indexerRate = transactions / caughtUp.seconds;
    const decodeRate = decoded.transactions / decoded.seconds;
    const ratio = indexerRate / decodeRate;
    const apply = percentiles(caughtUp.applyMs);
    const peakRssMb = caughtUp.peakRssBytes / MB;
    return [
        {
            figure: throughputFigure,
            measured: `${formatCount(indexerRate)} indexer`,
            comparedWith: `${formatCount(decodeRate)} decode only`,
            ratio: formatRatio(ratio),
            bar: `ratio ≥ ${RATIO_BAR.toString()}`,
            meetsBar: ratio >= RATIO_BAR,
        },
        { figure: 'block apply time p50', measured: formatMs(apply.p50) },
        { figure: 'block apply time p95', measured: formatMs(apply.p95) },
        { figure: 'peak RSS while catching up', measured: `${peakRssMb.toFixed(0)} MB`, bar: `< ${RSS_BAR_MB.toString()} MB`, meetsBar: peakRssMb < RSS_BAR_MB },
    ];
}
