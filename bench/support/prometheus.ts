/** What the product's /metrics endpoints (prom-client, Fabric's operations service) export, read back. */

export interface Sample {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** A number as the exposition format writes it: JavaScript reads `+Inf` as NaN. */
function numberOf(text: string): number {
    return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

/** The text exposition format's samples; comments and malformed lines are passed over. */
export function parseExposition(text: string): Sample[] {
    return text.split('\n').flatMap((line) => {
        const match = SAMPLE_LINE.exec(line);
        if (match === null) return [];
        const [, name = '', labelText = '', value = ''] = match;
        const labels = Object.fromEntries([...labelText.matchAll(LABEL)].map(([, key = '', text = '']) => [key, text.replace(/\\(.)/g, '$1')]));
        return [{ name, labels, value: numberOf(value) }];
    });
}

/** Every sample `<base>/metrics` exports now. */
export async function scrape(base: string): Promise<Sample[]> {
    const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`${base}/metrics answered HTTP ${response.status.toString()}`);
    return parseExposition(await response.text());
}

function matches(sample: Sample, name: string, labels: Readonly<Record<string, string>>): boolean {
    return sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value);
}

/** The value of the first series of `name` with these labels (others may differ). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
    return samples.find((sample) => matches(sample, name, labels))?.value;
}

/** The distinct values of the `keys` labels among the series of `name` with these labels. */
export function seriesOf(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>>, keys: readonly string[]): Record<string, string>[] {
    const distinct = new Map<string, Record<string, string>>();
    for (const sample of samples.filter((candidate) => matches(candidate, name, labels))) {
        const split = Object.fromEntries(keys.map((key) => [key, sample.labels[key] ?? '']));
        distinct.set(JSON.stringify(split), split);
    }
    return [...distinct.values()];
}

/** What a histogram counted between two scrapes, summed over every series with these labels. */
export interface HistogramWindow {
    readonly count: number;
    readonly sum: number;
    /** Cumulative counts by upper bound, ascending, +Inf last. */
    readonly buckets: readonly { readonly le: number; readonly count: number }[];
}

function histogramAt(samples: readonly Sample[], name: string, labels: Readonly<Record<string, string>>): HistogramWindow {
    const total = (suffix: string) => samples.filter((sample) => matches(sample, `${name}_${suffix}`, labels)).reduce((sum, sample) => sum + sample.value, 0);
    const buckets = new Map<number, number>();
    for (const sample of samples.filter((candidate) => matches(candidate, `${name}_bucket`, labels))) {
        const le = numberOf(sample.labels.le ?? '');
        buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
    }
    return { count: total('count'), sum: total('sum'), buckets: [...buckets].sort(([a], [b]) => a - b).map(([le, count]) => ({ le, count })) };
}

export function histogramWindow(before: readonly Sample[], after: readonly Sample[], name: string, labels: Readonly<Record<string, string>> = {}): HistogramWindow {
    const start = histogramAt(before, name, labels);
    const end = histogramAt(after, name, labels);
    // A series absent before (a process restarted, or nothing counted yet) counts from zero.
    const startOf = (le: number) => start.buckets.find((bucket) => bucket.le === le)?.count ?? 0;
    return {
        count: end.count - start.count,
        sum: end.sum - start.sum,
        buckets: end.buckets.map((bucket) => ({ le: bucket.le, count: bucket.count - startOf(bucket.le) })),
    };
}

/** Mean seconds of what the window counted; NaN when it counted nothing. */
export function windowMean(window: HistogramWindow): number {
    return window.count > 0 ? window.sum / window.count : Number.NaN;
}

/**
 * The q-quantile as Prometheus's histogram_quantile estimates it: linear within the bucket it falls in (the highest
 * finite bound when it falls in +Inf). NaN when the window counted nothing.
 */
export function windowQuantile(window: HistogramWindow, q: number): number {
    const total = window.buckets.at(-1)?.count ?? 0;
    if (total <= 0) return Number.NaN;
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const bucket of window.buckets) {
        if (bucket.count >= rank) {
            if (!Number.isFinite(bucket.le)) return lower;
            return lower + ((bucket.le - lower) * (rank - below)) / Math.max(bucket.count - below, Number.EPSILON);
        }
        lower = bucket.le;
        below = bucket.count;
    }
    return lower;
}
