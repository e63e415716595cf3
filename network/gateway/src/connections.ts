import * as grpc from '@grpc/grpc-js';

export const methods = {
    processProposal: '/protos.Endorser/ProcessProposal',
    discover: '/discovery.Discovery/Discover',
    broadcast: '/orderer.AtomicBroadcast/Broadcast',
    deliver: '/protos.Deliver/Deliver',
    deliverFiltered: '/protos.Deliver/DeliverFiltered',
    deliverWithPrivateData: '/protos.Deliver/DeliverWithPrivateData',
} as const;

const maxMessageBytes = 100 * 1024 * 1024;

/** A peer or orderer the gateway talks to: where it is, whose it is, and the gRPC client for it. */
export interface Endpoint {
    readonly address: string;
    readonly mspId: string;
    readonly client: grpc.Client;
    /** Called after every answer from this endpoint (the local peer's health). */
    readonly answered?: () => void;
}

export interface LocalPeerOptions {
    readonly address: string;
    readonly mspId: string;
    readonly tlsRootCert: Buffer;
    readonly hostAlias?: string | undefined;
}

export function newClient(address: string, tlsRootCerts: Buffer, hostAlias?: string): grpc.Client {
    const options: grpc.ChannelOptions = {
        'grpc.max_receive_message_length': maxMessageBytes,
        'grpc.max_send_message_length': maxMessageBytes,
        'grpc.keepalive_time_ms': 60_000,
    };
    if (hostAlias) {
        options['grpc.ssl_target_name_override'] = hostAlias;
        options['grpc.default_authority'] = hostAlias;
    }
    return new grpc.Client(address, grpc.credentials.createSsl(tlsRootCerts), options);
}

/**
 * The gateway's gRPC clients: its own peer (configured) and the other peers and orderers it learns
 * from discovery (TLS roots from the channel's MSP config), one client per address.
 */
export class Connections {
    readonly local: Endpoint;
    readonly #remote = new Map<string, Endpoint>();
    #lastLocalAnswer = 0;

    constructor(local: LocalPeerOptions) {
        this.local = {
            address: local.address,
            mspId: local.mspId,
            client: newClient(local.address, local.tlsRootCert, local.hostAlias),
            answered: () => {
                this.#lastLocalAnswer = Date.now();
            },
        };
    }

    /** Milliseconds since the gateway's own peer last answered (Infinity if it never has). */
    sinceLocalAnswer(): number {
        return this.#lastLocalAnswer === 0 ? Infinity : Date.now() - this.#lastLocalAnswer;
    }

    isLocalAddress(address: string): boolean {
        return address === this.local.address;
    }

    /** The client for a discovered endpoint; the local peer's address maps to the configured client. */
    endpoint(address: string, mspId: string, tlsRootCerts: readonly Uint8Array[]): Endpoint {
        if (this.isLocalAddress(address)) {
            return this.local;
        }
        const key = `${mspId}@${address}`;
        let endpoint = this.#remote.get(key);
        if (!endpoint) {
            const roots = Buffer.concat(tlsRootCerts.flatMap((cert) => [Buffer.from(cert), Buffer.from('\n')]));
            endpoint = { address, mspId, client: newClient(address, roots) };
            this.#remote.set(key, endpoint);
        }
        return endpoint;
    }

    close(): void {
        this.local.client.close();
        for (const endpoint of this.#remote.values()) {
            endpoint.client.close();
        }
        this.#remote.clear();
    }
}

interface Serializable {
    serializeBinary(): Uint8Array;
}

function serialize(message: Serializable): Buffer {
    const bytes = message.serializeBinary();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** A unary call with a deadline; resolves with the decoded response or rejects with the grpc ServiceError. */
export function unary<Response>(
    endpoint: Endpoint,
    method: string,
    request: Serializable,
    deserialize: (bytes: Uint8Array) => Response,
    deadline: grpc.Deadline,
): Promise<Response> {
    return new Promise((resolve, reject) => {
        endpoint.client.makeUnaryRequest(method, serialize, (bytes: Buffer) => deserialize(bytes), request, { deadline }, (error, value) => {
            if (error) {
                // An UNAVAILABLE from grpc-js means the peer did not answer; anything else came from it.
                if (error.code !== grpc.status.UNAVAILABLE) {
                    endpoint.answered?.();
                }
                reject(error);
                return;
            }
            endpoint.answered?.();
            if (value === undefined) {
                reject(new Error('no response'));
                return;
            }
            resolve(value);
        });
    });
}

/** A bidi stream to an endpoint whose messages travel as bytes (the caller encodes and decodes). */
export function rawBidi(endpoint: Endpoint, method: string, options: grpc.CallOptions, metadata?: grpc.Metadata): grpc.ClientDuplexStream<Buffer, Buffer> {
    const identity = (bytes: Buffer): Buffer => bytes;
    return endpoint.client.makeBidiStreamRequest(method, identity, identity, metadata ?? new grpc.Metadata(), options);
}

/** The earlier of the caller's deadline and now + timeoutMs. */
export function deadlineWithin(timeoutMs: number, callerDeadline?: grpc.Deadline): Date {
    const own = Date.now() + timeoutMs;
    if (callerDeadline === undefined || callerDeadline === Infinity) {
        return new Date(own);
    }
    const caller = callerDeadline instanceof Date ? callerDeadline.getTime() : callerDeadline;
    return new Date(Math.min(own, caller));
}
