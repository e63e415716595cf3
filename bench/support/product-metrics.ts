import type { NetworkProfile } from '@reciprocal-clubs/ledger-connection';
import { type Sample, histogramWindow, scrape, seriesOf, windowMean, windowQuantile } from './prometheus.js';

/** The API's histogram of its fabric-gateway calls, by operation, transaction and outcome (gateway-api/src/measured-ledger.ts). */
export const API_FABRIC_SECONDS = 'rcn_api_fabric_seconds';

/** A histogram a component exports, summed over `labels` and shown per value of `by`. */
interface TimedStep {
    readonly histogram: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly by: readonly string[];
}

/** A component of the running product with a /metrics endpoint, and the histograms of a transaction's way through it. */
export interface MetricsSource {
    readonly component: string;
    readonly base: string;
    readonly steps: readonly TimedStep[];
}

function portOf(endpoint: string): number {
    return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/**
 * Every /metrics endpoint of the product. The profile names the gRPC endpoints only; the operations listeners sit at
 * fixed offsets in each organization's port block (scripts/network/common.sh): the peer's at +2 and the orderer's at
 * +3 from their gRPC port, the gateway service's at +1 from its own.
 */
export function metricsSources(profile: NetworkProfile, channel: string): MetricsSource[] {
    const onChannel = { channel };
    const clubs = Object.values(profile.clubs);
    return [
        ...(profile.api === undefined ? [] : [{ component: 'api', base: profile.api.url, steps: [{ histogram: API_FABRIC_SECONDS, by: ['operation', 'transaction', 'outcome'] }] }]),
        ...clubs.map((club) => ({
            component: `gateway-${club.key}`,
            base: `http://127.0.0.1:${(portOf(club.gateway.endpoint) + 1).toString()}`,
            steps: [{ histogram: 'gateway_request_duration_seconds', by: ['method'] }],
        })),
        {
            component: 'orderer',
            base: `http://127.0.0.1:${(portOf(profile.orderer.endpoint) + 3).toString()}`,
            steps: [
                { histogram: 'broadcast_enqueue_duration', labels: onChannel, by: ['status'] },
                { histogram: 'blockcutter_block_fill_duration', labels: onChannel, by: [] },
            ],
        },
        ...clubs.map((club) => ({
            component: `peer-${club.key}`,
            base: `http://127.0.0.1:${(portOf(club.peer.endpoint) + 2).toString()}`,
            steps: [
                { histogram: 'endorser_proposal_duration', labels: { ...onChannel, chaincode: profile.chaincode }, by: ['success'] },
                { histogram: 'gossip_privdata_validation_duration', labels: onChannel, by: [] },
                { histogram: 'gossip_privdata_commit_block_duration', labels: onChannel, by: [] },
            ],
        })),
        ...clubs.flatMap((club) =>
            club.indexer === undefined
                ? []
                : [{ component: `indexer-${club.key}`, base: club.indexer.url, steps: [{ histogram: 'rcn_indexer_block_apply_seconds', labels: onChannel, by: [] }] }],
        ),
    ];
}

/** Each source's samples now; undefined for a source that did not answer. */
export async function scrapeSources(sources: readonly MetricsSource[]): Promise<Map<string, Sample[] | undefined>> {
    const scrapes = await Promise.all(sources.map(async (source) => [source.component, await scrape(source.base).catch(() => undefined)] as const));
    return new Map(scrapes);
}

/** One series of a step over a window: how often it ran and how long it took. */
export interface StepTiming {
    readonly component: string;
    readonly histogram: string;
    /** The `by` labels' values, `key=value` joined. */
    readonly series: string;
    readonly count: number;
    readonly meanSeconds: number;
    readonly p50Seconds: number;
    readonly p95Seconds: number;
}

/**
 * What each step counted between two scrapes. A source that did not answer at either end, or restarted in between
 * (its counters went back), yields `unavailable` instead.
 */
export function stepTimings(
    sources: readonly MetricsSource[],
    before: ReadonlyMap<string, Sample[] | undefined>,
    after: ReadonlyMap<string, Sample[] | undefined>,
): { readonly timings: StepTiming[]; readonly unavailable: string[] } {
    const timings: StepTiming[] = [];
    const unavailable: string[] = [];
    for (const source of sources) {
        const start = before.get(source.component);
        const end = after.get(source.component);
        if (start === undefined || end === undefined) {
            unavailable.push(`${source.component} (no answer)`);
            continue;
        }
        for (const step of source.steps) {
            for (const split of seriesOf(end, `${step.histogram}_count`, step.labels ?? {}, step.by)) {
                const window = histogramWindow(start, end, step.histogram, { ...step.labels, ...split });
                if (window.count < 0) {
                    unavailable.push(`${source.component} (restarted)`);
                } else if (window.count > 0) {
                    timings.push({
                        component: source.component,
                        histogram: step.histogram,
                        series: Object.entries(split).map(([key, value]) => `${key}=${value}`).join(' '),
                        count: window.count,
                        meanSeconds: windowMean(window),
                        p50Seconds: windowQuantile(window, 0.5),
                        p95Seconds: windowQuantile(window, 0.95),
                    });
                }
            }
        }
    }
    return { timings, unavailable: [...new Set(unavailable)] };
}
