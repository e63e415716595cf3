import { status, type Deadline } from '@grpc/grpc-js';
import { common, gateway, orderer } from '@hyperledger/fabric-protos';
import { deadlineWithin, methods, rawBidi, type Endpoint } from './connections.js';
import type { GatewayContext } from './context.js';
import { failureMessage, rpcError, type EndpointFailure } from './error-detail.js';
import { decode } from './protobuf.js';

const statusNames = new Map<number, string>(Object.entries(common.Status).map(([name, code]: [string, number]) => [code, name]));

/**
 * Submit: pass the client-signed transaction to an orderer of the channel (in random order until
 * one accepts). A 4xx status from an orderer is final (ABORTED); otherwise UNAVAILABLE with details.
 */
export async function submit(context: GatewayContext, request: gateway.SubmitRequest, callerDeadline?: Deadline): Promise<gateway.SubmitResponse> {
    const envelope = request.getPreparedTransaction();
    if (!envelope) {
        throw rpcError(status.INVALID_ARGUMENT, 'a prepared transaction is required');
    }
    if (envelope.getSignature_asU8().length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'prepared transaction must be signed');
    }
    const channel = request.getChannelId();
    if (channel === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'no channel id provided');
    }
    const view = await context.registry.channel(channel);
    if (view.orderers.length === 0) {
        throw rpcError(status.UNAVAILABLE, 'no orderer nodes available');
    }
    const orderers = [...view.orderers].sort(() => Math.random() - 0.5);
    const details: EndpointFailure[] = [];
    for (const info of orderers) {
        const endpoint = context.connections.endpoint(info.address, info.mspId, view.msps.get(info.mspId)?.tlsRootCerts ?? []);
        let response: orderer.BroadcastResponse;
        try {
            response = await broadcast(endpoint, envelope, deadlineWithin(context.options.broadcastTimeoutMs, callerDeadline));
        } catch (error) {
            context.logger.warn({ txId: request.getTransactionId(), orderer: info.address, err: failureMessage(error) }, 'error sending transaction to orderer');
            details.push({ address: info.address, mspId: info.mspId, message: failureMessage(error) });
            continue;
        }
        const code = response.getStatus();
        if (code === common.Status.SUCCESS) {
            context.commits.for(channel).submitted(transactionIdOf(envelope));
            return new gateway.SubmitResponse();
        }
        const message = `received unsuccessful response from orderer: status=${statusNames.get(code) ?? String(code)}, info=${response.getInfo()}`;
        context.logger.warn({ txId: request.getTransactionId(), orderer: info.address, status: code, info: response.getInfo() }, 'unsuccessful response from orderer');
        details.push({ address: info.address, mspId: info.mspId, message });
        if (code >= 400 && code < 500) {
            throw rpcError(status.ABORTED, message, details);
        }
    }
    throw rpcError(status.UNAVAILABLE, 'no orderers could successfully process transaction', details);
}

/** The ID the transaction itself carries (its channel header's), not the one the request claims. */
function transactionIdOf(envelope: common.Envelope): string {
    const payload = decode(common.Payload, envelope.getPayload_asU8(), 'transaction payload');
    return decode(common.ChannelHeader, payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(), 'channel header').getTxId();
}

/** One envelope through AtomicBroadcast/Broadcast: the first response is the orderer's answer. */
export function broadcast(endpoint: Endpoint, envelope: common.Envelope, deadline: Deadline): Promise<orderer.BroadcastResponse> {
    return new Promise((resolve, reject) => {
        const stream = rawBidi(endpoint, methods.broadcast, { deadline });
        let settled = false;
        const settle = (action: () => void): void => {
            if (!settled) {
                settled = true;
                action();
                stream.end();
                stream.cancel();
            }
        };
        stream.on('data', (bytes: Buffer) => {
            settle(() => {
                try {
                    resolve(orderer.BroadcastResponse.deserializeBinary(bytes));
                } catch (error) {
                    reject(error instanceof Error ? error : new Error(String(error)));
                }
            });
        });
        stream.on('error', (error: Error) => {
            settle(() => {
                reject(error);
            });
        });
        stream.on('end', () => {
            settle(() => {
                reject(new Error('orderer closed the broadcast stream without a response'));
            });
        });
        stream.write(Buffer.from(envelope.serializeBinary()));
    });
}
