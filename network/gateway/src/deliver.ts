import { status, type Metadata } from '@grpc/grpc-js';
import { common, orderer, peer } from '@hyperledger/fabric-protos';
import { methods, rawBidi, type Endpoint } from './connections.js';
import { rpcError, type GatewayRpcError } from './error-detail.js';
import type { GatewayIdentity } from './identity.js';
import { newHeader } from './proposal.js';

const statusNames = new Map<number, string>(Object.entries(common.Status).map(([name, code]: [string, number]) => [code, name]));

export function specifiedPosition(blockNumber: number): orderer.SeekPosition {
    const specified = new orderer.SeekSpecified();
    specified.setNumber(blockNumber);
    const position = new orderer.SeekPosition();
    position.setSpecified(specified);
    return position;
}

export function newestPosition(): orderer.SeekPosition {
    const position = new orderer.SeekPosition();
    position.setNewest(new orderer.SeekNewest());
    return position;
}

/** A Deliver seek envelope (start → forever, block until ready) signed by the gateway's own identity. */
export async function newSeekEnvelope(identity: GatewayIdentity, channel: string, start: orderer.SeekPosition): Promise<common.Envelope> {
    const seekInfo = new orderer.SeekInfo();
    seekInfo.setStart(start);
    seekInfo.setStop(specifiedPosition(Number.MAX_SAFE_INTEGER));
    seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);
    const { header } = newHeader(identity, common.HeaderType.DELIVER_SEEK_INFO, channel);
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(seekInfo.serializeBinary());
    const payloadBytes = payload.serializeBinary();
    const envelope = new common.Envelope();
    envelope.setPayload(payloadBytes);
    envelope.setSignature(await identity.sign(payloadBytes));
    return envelope;
}

/** The gRPC code a Deliver status maps to. */
export function deliverStatusError(code: number, channel: string): GatewayRpcError {
    const name = statusNames.get(code) ?? String(code);
    const grpcCode =
        code === common.Status.NOT_FOUND
            ? status.NOT_FOUND
            : code === common.Status.FORBIDDEN
              ? status.PERMISSION_DENIED
              : code === common.Status.BAD_REQUEST
                ? status.INVALID_ARGUMENT
                : status.UNAVAILABLE;
    return rpcError(grpcCode, `peer's deliver service refused channel ${channel}: ${name}`);
}

export interface DeliverStream extends AsyncIterable<peer.DeliverResponse> {
    close(): void;
}

/**
 * Opens a Deliver (or DeliverFiltered) stream to the peer with the gateway's seek envelope and
 * yields its responses; a status other than SUCCESS ends the iteration with an error.
 */
export function openDeliver(endpoint: Endpoint, envelope: common.Envelope, channel: string, filtered = false, metadata?: Metadata): DeliverStream {
    const stream = rawBidi(endpoint, filtered ? methods.deliverFiltered : methods.deliver, {}, metadata);
    stream.write(Buffer.from(envelope.serializeBinary()));
    async function* responses(): AsyncGenerator<peer.DeliverResponse> {
        try {
            for await (const bytes of stream as AsyncIterable<Buffer>) {
                endpoint.answered?.();
                const response = peer.DeliverResponse.deserializeBinary(bytes);
                if (response.getTypeCase() === peer.DeliverResponse.TypeCase.STATUS) {
                    if (response.getStatus() !== common.Status.SUCCESS) {
                        throw deliverStatusError(response.getStatus(), channel);
                    }
                    return;
                }
                yield response;
            }
        } finally {
            stream.cancel();
        }
    }
    const iterable = responses();
    return {
        [Symbol.asyncIterator]: () => iterable,
        close: () => {
            stream.cancel();
        },
    };
}
