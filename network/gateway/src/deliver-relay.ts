import * as grpc from '@grpc/grpc-js';
import { methods, rawBidi, type Endpoint } from './connections.js';
import type { Metrics } from './metrics.js';

const passThrough = (bytes: Buffer): Buffer => bytes;

function rawBidiMethod(path: string): grpc.MethodDefinition<Buffer, Buffer> {
    return {
        path,
        requestStream: true,
        responseStream: true,
        requestSerialize: passThrough,
        requestDeserialize: passThrough,
        responseSerialize: passThrough,
        responseDeserialize: passThrough,
    };
}

/** protos.Deliver with messages kept as bytes: the client's signed envelopes go to the peer untouched. */
export const deliverRelayDefinition: grpc.ServiceDefinition = {
    Deliver: rawBidiMethod(methods.deliver),
    DeliverFiltered: rawBidiMethod(methods.deliverFiltered),
    DeliverWithPrivateData: rawBidiMethod(methods.deliverWithPrivateData),
};

/**
 * Relays one Deliver bidi stream to the gateway's peer: requests up, responses down, half-close,
 * cancellation and the final status (with its trailers) passed on; back-pressure both ways.
 */
export function relayStream(peer: Endpoint, path: string, call: grpc.ServerDuplexStream<Buffer, Buffer>, metrics?: Metrics): void {
    const deadline = call.getDeadline();
    const upstream = rawBidi(peer, path, deadline === Infinity ? {} : { deadline });
    metrics?.relayStreams.inc();
    let finished = false;
    let upstreamStatus: grpc.StatusObject | undefined;
    let upstreamEnded = false;
    const finish = (): void => {
        if (finished) {
            return;
        }
        finished = true;
        metrics?.relayStreams.dec();
        if (!upstreamStatus || upstreamStatus.code === grpc.status.OK) {
            call.end(upstreamStatus?.metadata);
        } else {
            call.emit('error', { code: upstreamStatus.code, details: upstreamStatus.details, metadata: upstreamStatus.metadata });
        }
    };

    call.on('data', (bytes: Buffer) => {
        if (!upstream.write(bytes)) {
            call.pause();
            upstream.once('drain', () => call.resume());
        }
    });
    call.on('end', () => upstream.end());
    call.on('error', () => {
        upstream.cancel();
    });
    call.on('cancelled', () => {
        finished = true;
        metrics?.relayStreams.dec();
        upstream.cancel();
    });

    upstream.on('data', (bytes: Buffer) => {
        peer.answered?.();
        if (!call.write(bytes)) {
            upstream.pause();
            call.once('drain', () => upstream.resume());
        }
    });
    upstream.on('error', () => {
        // Reported through 'status'; the listener keeps an unhandled 'error' from being thrown.
    });
    upstream.on('status', (status: grpc.StatusObject) => {
        upstreamStatus = status;
        if (status.code !== grpc.status.OK || upstreamEnded) {
            finish();
        }
    });
    upstream.on('end', () => {
        upstreamEnded = true;
        if (upstreamStatus) {
            finish();
        }
    });
}

export function deliverRelayImplementation(peer: Endpoint, metrics?: Metrics): grpc.UntypedServiceImplementation {
    return {
        Deliver: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
            relayStream(peer, methods.deliver, call, metrics);
        },
        DeliverFiltered: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
            relayStream(peer, methods.deliverFiltered, call, metrics);
        },
        DeliverWithPrivateData: (call: grpc.ServerDuplexStream<Buffer, Buffer>) => {
            relayStream(peer, methods.deliverWithPrivateData, call, metrics);
        },
    };
}
