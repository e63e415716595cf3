import { cpus } from 'node:os';
import { ProcessFootprintSampler } from './process-footprint.js';
import type { ReportTable } from './report.js';
import { msSince } from './stats.js';

/** A pass that reports the CPU seconds (user + system) of the process that did the reading. */
export interface ReadingPass {
    readonly cpuSeconds: number;
}

/** What a pass found, with the CPU seconds each component of the product, and the whole machine, spent meanwhile. */
export type WithCpu<T> = T & { readonly componentCpu: ReadonlyMap<string, number>; readonly machineCpuSeconds: number; readonly windowSeconds: number };

/** CPU seconds every core of the machine spent busy since boot: whatever runs besides the benchmark shows here. */
function machineBusySeconds(): number {
    return cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0) / 1000;
}

/** The product's components are the processes test-network.sh recorded (`<stateDir>/pids/`), with their descendants. */
export async function withComponentCpu<T extends object>(stateDir: string, run: () => Promise<T>): Promise<WithCpu<T>> {
    const sampler = new ProcessFootprintSampler(stateDir);
    await sampler.markWindow('windowStart');
    const busyAtStart = machineBusySeconds();
    const started = process.hrtime.bigint();
    const result = await run();
    const windowSeconds = msSince(started) / 1000;
    const machineCpuSeconds = machineBusySeconds() - busyAtStart;
    await sampler.markWindow('windowEnd');
    const components = await sampler.stop();
    return {
        ...result,
        componentCpu: new Map(components.flatMap(({ component, windowCpuSeconds }) => (windowCpuSeconds === undefined ? [] : [[component, windowCpuSeconds]]))),
        machineCpuSeconds,
        windowSeconds,
    };
}

/**
 * Where the CPU of a decode-only pass and of a catch-up went: on 2 cores PostgreSQL (and, streaming from a peer,
 * the peer and its Gateway service) share them with the indexer, which is what bounds the ratio of the two rates.
 */
export function cpuTable(decoded: WithCpu<ReadingPass>, caughtUp: WithCpu<ReadingPass>): ReportTable {
    const seconds = (value: number | undefined) => (value === undefined ? '' : value.toFixed(1));
    const components = [...new Set([...decoded.componentCpu.keys(), ...caughtUp.componentCpu.keys()])]
        .filter((component) => Math.max(decoded.componentCpu.get(component) ?? 0, caughtUp.componentCpu.get(component) ?? 0) >= 0.1)
        .sort((a, b) => (caughtUp.componentCpu.get(b) ?? 0) - (caughtUp.componentCpu.get(a) ?? 0));
    return {
        title: 'CPU seconds (user + system) during each pass',
        rows: [
            { process: 'wall time', 'decode only': seconds(decoded.windowSeconds), 'catch-up': seconds(caughtUp.windowSeconds) },
            { process: `the whole machine (${cpus().length.toString()} cores)`, 'decode only': seconds(decoded.machineCpuSeconds), 'catch-up': seconds(caughtUp.machineCpuSeconds) },
            { process: 'the reading process (this benchmark / the indexer child)', 'decode only': seconds(decoded.cpuSeconds), 'catch-up': seconds(caughtUp.cpuSeconds) },
            ...components.map((component) => ({ process: component, 'decode only': seconds(decoded.componentCpu.get(component)), 'catch-up': seconds(caughtUp.componentCpu.get(component)) })),
        ],
    };
}
