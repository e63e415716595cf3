import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveParent } from './child-main.js';
import { firstMessage, forkTypeScript } from './child-process.js';

/**
 * An HTTP server in a process of its own, so the load generator does not share its event loop: the child serves
 * on a loopback port until its parent says stop, then reports what it counted.
 */

type ServerMessage<Report> = { readonly kind: 'listening'; readonly port: number } | { readonly kind: 'stopped'; readonly report: Report };

/** What the child's start-up made: a server not listening yet, and what to do once it has closed. */
export interface ChildServer<Report> {
    readonly server: Server;
    readonly stopped: () => Promise<Report>;
}

/** In the child: starts the server for the job its parent passed, on 127.0.0.1, and never outlives the parent. */
export function serveForParent<Job, Report>(what: string, start: (job: Job) => Promise<ChildServer<Report>>): void {
    serveParent<Job, ServerMessage<Report>>(what, async (job) => {
        process.once('disconnect', () => {
            process.exit();
        });
        const { server, stopped } = await start(job);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        process.send?.({ kind: 'listening', port: (server.address() as AddressInfo).port } satisfies ServerMessage<Report>);
        await once(process, 'message');
        const closed = new Promise((resolve) => server.close(resolve));
        server.closeAllConnections();
        await closed;
        return { kind: 'stopped', report: await stopped() };
    });
}

/** A server child as its parent sees it. */
export interface ServerProcess<Report> {
    /** `http://127.0.0.1:<port>` */
    readonly origin: string;
    /** Closes the server and returns the child's report once the child has exited. */
    stop(): Promise<Report>;
    /** Ends the child whatever state it is in. */
    kill(): void;
}

/** Forks `module` (which calls serveForParent) with the job, and waits until it listens. */
export async function startServerProcess<Report>(module: URL, job: unknown, what: string): Promise<ServerProcess<Report>> {
    const child: ChildProcess = forkTypeScript(module, [JSON.stringify(job)]);
    const listening = await firstMessage<ServerMessage<Report>>(child, 60_000, what);
    if (listening.kind !== 'listening') {
        child.kill();
        throw new Error(`${what} did not start listening`);
    }
    return {
        origin: `http://127.0.0.1:${listening.port.toString()}`,
        async stop() {
            const exited = once(child, 'exit');
            child.send('stop');
            const stopped = await firstMessage<ServerMessage<Report>>(child, 30_000, what);
            if (stopped.kind !== 'stopped') {
                throw new Error(`${what} did not report when it stopped`);
            }
            await exited;
            return stopped.report;
        },
        kill() {
            child.kill();
        },
    };
}
