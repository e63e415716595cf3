import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

/** One component of the running product killed and brought back. */
export interface Outage {
    readonly component: string;
    readonly pid: number;
    readonly killedAt: number;
    /** When `./test-network.sh up` had brought it (and anything it took along) back. */
    readonly restoredAt: number;
}

/** The PID `./test-network.sh` recorded for a component (PostgreSQL's is its postmaster). */
export async function pidOf(stateDir: string, component: string): Promise<number> {
    const pid = Number((await readFile(path.join(stateDir, 'pids', `${component}.pid`), 'utf8')).trim());
    if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID recorded for ${component}`);
    return pid;
}

/** Kills the component with SIGKILL (no shutdown of any kind), waits `downMs`, then brings it back as an operator would. */
export async function killAndRestore(stateDir: string, component: string, downMs: number): Promise<Outage> {
    const pid = await pidOf(stateDir, component);
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await testNetwork('up');
    return { component, pid, killedAt, restoredAt: Date.now() };
}

/** Runs ./test-network.sh; its output is returned, and shown when it fails. */
export async function testNetwork(...args: string[]): Promise<string> {
    try {
        const { stdout } = await run(path.join(repositoryRoot, 'test-network.sh'), args, { cwd: repositoryRoot, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
        return stdout;
    } catch (error) {
        const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
        throw new Error(`./test-network.sh ${args.join(' ')} failed:\n${stdout.slice(-2_000)}\n${stderr.slice(-2_000)}`, { cause: error });
    }
}
