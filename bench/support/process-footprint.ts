import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Periodic } from './periodic.js';

/**
 * Memory and CPU of the product's processes while a benchmark runs, from /proc: each component is the process
 * test-network.sh recorded in `<stateDir>/pids/<component>.pid` and its descendants (PostgreSQL's file holds the
 * postmaster, whose backends are its children).
 */

/** Linux's USER_HZ, the unit of /proc/<pid>/stat's CPU times, on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
const KIB = 1024;

interface ProcessReading {
    readonly rssBytes: number;
    /** Shared memory mapped by the process (PostgreSQL's shared buffers): counted once per component. */
    readonly shmemBytes: number;
    readonly hwmBytes: number;
    /** utime + stime + cutime + cstime: a reaped child's time moves into its parent's, so a tree's total only grows. */
    readonly cpuTicks: number;
}

interface ComponentReading {
    readonly mainPid: number;
    readonly processes: number;
    /** Resident set of the tree, its shared memory counted once. */
    readonly rssBytes: number;
    readonly mainHwmBytes: number;
    readonly cpuTicks: number;
}

export interface ComponentFootprint {
    readonly component: string;
    /** Every main PID seen: more than one when the component was restarted during the sampling. */
    readonly mainPids: readonly number[];
    readonly peakProcesses: number;
    /** Highest sampled resident set of the tree, shared memory counted once. */
    readonly peakRssBytes: number;
    /** VmHWM of the main process: its peak resident set since it started, not only during the sampling. */
    readonly mainHwmBytes: number;
    /** CPU seconds of the tree within the window; undefined when the component restarted or was not up at both ends. */
    readonly windowCpuSeconds: number | undefined;
    /** Samples in which the component was not running. */
    readonly missedSamples: number;
}

function kibField(status: string, field: string): number {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return Number(match?.[1] ?? 0) * KIB;
}

async function readProcess(pid: number): Promise<ProcessReading | undefined> {
    try {
        const [status, stat] = await Promise.all([readFile(`/proc/${pid.toString()}/status`, 'utf8'), readFile(`/proc/${pid.toString()}/stat`, 'utf8')]);
        // Fields after the command name, which may hold spaces and parentheses: state is field 3, utime field 14.
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        const ticks = [11, 12, 13, 14].reduce((sum, index) => sum + Number(fields[index] ?? 0), 0);
        return {
            rssBytes: kibField(status, 'VmRSS'),
            shmemBytes: kibField(status, 'RssShmem'),
            hwmBytes: kibField(status, 'VmHWM'),
            cpuTicks: ticks,
        };
    } catch {
        return undefined;
    }
}

/** The process and every descendant, through each thread's children list (a Go process forks from any thread). */
async function processTree(pid: number): Promise<number[]> {
    const tasks = await readdir(`/proc/${pid.toString()}/task`).catch(() => []);
    const children = await Promise.all(
        tasks.map(async (task) => (await readFile(`/proc/${pid.toString()}/task/${task}/children`, 'utf8').catch(() => '')).split(' ').filter(Boolean).map(Number)),
    );
    const descendants = await Promise.all([...new Set(children.flat())].map(processTree));
    return [pid, ...descendants.flat()];
}

async function readComponent(mainPid: number): Promise<ComponentReading | undefined> {
    const [main, ...descendants] = await Promise.all((await processTree(mainPid)).map(readProcess));
    if (main === undefined) return undefined;
    const readings = [main, ...descendants.filter((reading) => reading !== undefined)];
    const sum = (pick: (reading: ProcessReading) => number) => readings.reduce((total, reading) => total + pick(reading), 0);
    return {
        mainPid,
        processes: readings.length,
        rssBytes: sum((reading) => reading.rssBytes - reading.shmemBytes) + Math.max(0, ...readings.map((reading) => reading.shmemBytes)),
        mainHwmBytes: main.hwmBytes,
        cpuTicks: sum((reading) => reading.cpuTicks),
    };
}

async function recordedPids(pidDir: string): Promise<Map<string, number>> {
    const files = (await readdir(pidDir).catch(() => [])).filter((file) => file.endsWith('.pid'));
    const entries = await Promise.all(
        files.map(async (file) => [path.basename(file, '.pid'), Number((await readFile(path.join(pidDir, file), 'utf8').catch(() => '')).trim())] as const),
    );
    return new Map(entries.filter(([, pid]) => Number.isInteger(pid) && pid > 0));
}

/** CPU seconds from one reading to the other: none across a restart, whose counters start again. */
function cpuSecondsBetween(start: ComponentReading | undefined, end: ComponentReading | undefined): number | undefined {
    return start === undefined || end?.mainPid !== start.mainPid ? undefined : (end.cpuTicks - start.cpuTicks) / CLOCK_TICKS_PER_SECOND;
}

interface Track {
    readonly mainPids: Set<number>;
    peakProcesses: number;
    peakRssBytes: number;
    mainHwmBytes: number;
    missedSamples: number;
    windowStart?: ComponentReading;
    windowEnd?: ComponentReading;
}

/** Samples every recorded component every `intervalMs` until stopped; `markWindow` brackets the CPU figures. */
export class ProcessFootprintSampler {
    readonly pidDir: string;
    readonly #tracks = new Map<string, Track>();
    readonly #periodic: Periodic;

    constructor(stateDir: string, intervalMs = 500) {
        this.pidDir = path.join(stateDir, 'pids');
        this.#periodic = new Periodic(() => this.#sample(), intervalMs);
    }

    start(): void {
        this.#periodic.start();
    }

    /** Takes a sample now and keeps it as the start or the end of the window the CPU seconds cover. */
    async markWindow(mark: 'windowStart' | 'windowEnd'): Promise<void> {
        await this.#sample(mark);
    }

    async stop(): Promise<ComponentFootprint[]> {
        await this.#periodic.stop();
        return [...this.#tracks].map(([component, track]) => ({
            component,
            mainPids: [...track.mainPids],
            peakProcesses: track.peakProcesses,
            peakRssBytes: track.peakRssBytes,
            mainHwmBytes: track.mainHwmBytes,
            windowCpuSeconds: cpuSecondsBetween(track.windowStart, track.windowEnd),
            missedSamples: track.missedSamples,
        }));
    }

    async #sample(mark?: 'windowStart' | 'windowEnd'): Promise<void> {
        const pids = await recordedPids(this.pidDir);
        const components = new Set([...pids.keys(), ...this.#tracks.keys()]);
        const readings = await Promise.all(
            [...components].map(async (component) => {
                const pid = pids.get(component);
                return [component, pid === undefined ? undefined : await readComponent(pid)] as const;
            }),
        );
        for (const [component, reading] of readings) {
            const track = this.#tracks.get(component) ?? { mainPids: new Set<number>(), peakProcesses: 0, peakRssBytes: 0, mainHwmBytes: 0, missedSamples: 0 };
            this.#tracks.set(component, track);
            if (reading === undefined) {
                track.missedSamples += 1;
                continue;
            }
            track.mainPids.add(reading.mainPid);
            track.peakProcesses = Math.max(track.peakProcesses, reading.processes);
            track.peakRssBytes = Math.max(track.peakRssBytes, reading.rssBytes);
            track.mainHwmBytes = Math.max(track.mainHwmBytes, reading.mainHwmBytes);
            if (mark !== undefined) track[mark] = reading;
        }
    }
}
