import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A TCP relay on 127.0.0.1:`port` to `target` (host:port): a test points a service at it, then closes it
 * to take the target away from that service alone, leaving the shared network untouched.
 */
export class TcpProxy {
    readonly #sockets = new Set<Socket>();
    readonly #server: Server;

    private constructor(target: string) {
        const [host, port] = target.split(':');
        this.#server = createServer((client) => {
            const upstream = connect(Number(port), host);
            for (const socket of [client, upstream]) {
                this.#sockets.add(socket);
                socket.on('close', () => this.#sockets.delete(socket));
                socket.on('error', () => {
                    client.destroy();
                    upstream.destroy();
                });
            }
            client.pipe(upstream).pipe(client);
        });
    }

    static async open(port: number, target: string): Promise<TcpProxy> {
        const proxy = new TcpProxy(target);
        await new Promise<void>((resolve, reject) => {
            proxy.#server.once('error', reject);
            proxy.#server.listen(port, '127.0.0.1', resolve);
        });
        return proxy;
    }

    /** Stops listening and cuts every relayed connection: from now on the target cannot be reached through it. */
    async close(): Promise<void> {
        const closed = new Promise((resolve) => this.#server.close(resolve));
        for (const socket of this.#sockets) {
            socket.destroy();
        }
        await closed;
    }
}
