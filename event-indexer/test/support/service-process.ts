import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type LogLine = Record<string, unknown> & { level?: number; msg?: string; code?: string };

/** A built service (`node <script>`) run from the repository root with extra environment; its JSON log lines collected. */
export class ServiceProcess {
    readonly logs: LogLine[] = [];
    /** What it wrote that is not a JSON log line. */
    readonly output: string[] = [];
    readonly exited: Promise<number | null>;
    readonly #child: ChildProcess;

    constructor(script: string, env: Readonly<Record<string, string>>) {
        this.#child = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
        createInterface({ input: this.#child.stdout! }).on('line', (line) => {
            try {
                this.logs.push(JSON.parse(line) as LogLine);
            } catch {
                this.output.push(line);
            }
        });
        createInterface({ input: this.#child.stderr! }).on('line', (line) => this.output.push(line));
        this.exited = new Promise((resolve) => this.#child.once('exit', (code) => { resolve(code); }));
    }

    get alive(): boolean {
        return this.#child.exitCode === null && this.#child.signalCode === null;
    }

    /** Log lines at error level or above. */
    get errors(): LogLine[] {
        return this.logs.filter((line) => (line.level ?? 0) >= 50);
    }

    /** The exit code, or a failure naming the process's last words when it is still running after `ms`. */
    async exitWithin(ms: number): Promise<number | null> {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => { reject(new Error(`still running after ${ms.toString()} ms; logs: ${JSON.stringify(this.logs.slice(-5))}`)); }, ms);
        });
        try {
            return await Promise.race([this.exited, timeout]);
        } finally {
            clearTimeout(timer);
        }
    }

    /** Resolves with the first log line matching, or fails when the process ends or `ms` pass first. */
    async logged(matches: (line: LogLine) => boolean, ms: number): Promise<LogLine> {
        const deadline = Date.now() + ms;
        for (;;) {
            const line = this.logs.find(matches);
            if (line !== undefined) {
                return line;
            }
            if (!this.alive || Date.now() > deadline) {
                throw new Error(`${this.alive ? 'timed out' : 'exited'} before the expected log line; logs: ${JSON.stringify(this.logs.slice(-5))} ${this.output.slice(-5).join('\n')}`);
            }
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }

    async stop(): Promise<void> {
        if (this.alive) {
            this.#child.kill('SIGTERM');
            const ended = await Promise.race([this.exited.then(() => true), new Promise((resolve) => setTimeout(() => { resolve(false); }, 5_000))]);
            if (ended !== true) {
                this.#child.kill('SIGKILL');
                await this.exited;
            }
        }
    }
}

/** Polls `probe` until it returns a value other than undefined; fails after `ms`. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
        const value = await probe().catch(() => undefined);
        if (value !== undefined) {
            return value;
        }
        if (Date.now() > deadline) {
            throw new Error(`timed out after ${ms.toString()} ms waiting for ${what}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}
