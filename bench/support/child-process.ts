import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));

/** A TypeScript module of the benchmarks in a Node process of its own (through tsx), with an IPC channel. */
export function forkTypeScript(module: URL, args: readonly string[]): ChildProcess {
    return fork(fileURLToPath(module), [...args], { cwd: REPOSITORY, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

/** The child's first message; rejects when it exits before sending one, or after `timeoutMs`, killing it then. */
export function firstMessage<T>(child: ChildProcess, timeoutMs: number, what: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`${what}: no answer within ${timeoutMs.toString()} ms`));
        }, timeoutMs);
        const settle = (outcome: () => void) => {
            clearTimeout(timer);
            child.off('message', onMessage);
            child.off('exit', onExit);
            outcome();
        };
        const onMessage = (message: unknown) => {
            settle(() => {
                resolve(message as T);
            });
        };
        const onExit = (code: number | null) => {
            settle(() => {
                reject(new Error(`${what} exited (code ${String(code)}) before answering`));
            });
        };
        child.on('message', onMessage);
        child.on('exit', onExit);
    });
}
