import { status, type ServerWritableStream } from '@grpc/grpc-js';
import { gateway, orderer } from '@hyperledger/fabric-protos';
import { authorizeSignedRequest } from './authorization.js';
import { chaincodeEventsForBlock } from './blocks.js';
import type { GatewayContext } from './context.js';
import { newSeekEnvelope, openDeliver, specifiedPosition } from './deliver.js';
import { rpcError } from './error-detail.js';
import { decode } from './protobuf.js';
import type { Qscc } from './qscc.js';

/** The block a ChaincodeEvents stream starts from: the checkpointed transaction's block, else the start position. */
export async function startBlock(qscc: Qscc, request: gateway.ChaincodeEventsRequest): Promise<number> {
    const channel = request.getChannelId();
    const afterTransactionId = request.getAfterTransactionId();
    if (afterTransactionId !== '') {
        const block = await qscc.blockNumberByTxId(channel, afterTransactionId);
        if (block !== undefined) {
            return block;
        }
    }
    const position = request.getStartPosition();
    switch (position?.getTypeCase() ?? orderer.SeekPosition.TypeCase.TYPE_NOT_SET) {
        case orderer.SeekPosition.TypeCase.SPECIFIED:
            return position?.getSpecified()?.getNumber() ?? 0;
        case orderer.SeekPosition.TypeCase.OLDEST:
            return 0;
        case orderer.SeekPosition.TypeCase.NEWEST:
            return Math.max(0, (await qscc.height(channel)) - 1);
        case orderer.SeekPosition.TypeCase.NEXT_COMMIT:
        case orderer.SeekPosition.TypeCase.TYPE_NOT_SET:
            return qscc.height(channel);
        default:
            throw rpcError(status.INVALID_ARGUMENT, 'invalid start position type');
    }
}

type EventsCall = ServerWritableStream<gateway.SignedChaincodeEventsRequest, gateway.ChaincodeEventsResponse>;

/**
 * ChaincodeEvents: the named chaincode's events from valid transactions, block by block from the
 * start position, read from the gateway's peer's Deliver service under the gateway's identity.
 * Runs until the client cancels or the peer's stream fails.
 */
export async function chaincodeEvents(context: GatewayContext, qscc: Qscc, call: EventsCall): Promise<void> {
    const requestBytes = call.request.getRequest_asU8();
    if (requestBytes.length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'a chaincode events request is required');
    }
    const request = decode(gateway.ChaincodeEventsRequest, requestBytes, 'chaincode events request');
    const channel = request.getChannelId();
    const chaincode = request.getChaincodeId();
    if (channel === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'no channel ID provided');
    }
    if (chaincode === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'no chaincode ID provided');
    }
    const view = await context.registry.channel(channel);
    authorizeSignedRequest(view, requestBytes, request.getIdentity_asU8(), call.request.getSignature_asU8());

    const first = await startBlock(qscc, request);
    const afterTransactionId = request.getAfterTransactionId();
    const blocks = openDeliver(context.connections.local, await newSeekEnvelope(context.identity, channel, specifiedPosition(first)), channel);
    const onCancel = (): void => {
        blocks.close();
    };
    call.on('cancelled', onCancel);
    try {
        for await (const response of blocks) {
            if (call.cancelled) {
                return;
            }
            const block = response.getBlock();
            const number = block?.getHeader()?.getNumber();
            if (!block || number === undefined) {
                continue;
            }
            const events = chaincodeEventsForBlock(block, chaincode, number === first && afterTransactionId !== '' ? afterTransactionId : undefined);
            if (events.length === 0) {
                continue;
            }
            const message = new gateway.ChaincodeEventsResponse();
            message.setBlockNumber(number);
            message.setEventsList(events);
            if (!call.write(message)) {
                await new Promise<void>((resolve) => {
                    call.once('drain', resolve);
                    call.once('cancelled', resolve);
                });
            }
        }
        if (!call.cancelled) {
            throw rpcError(status.UNAVAILABLE, "the gateway's peer ended the block stream");
        }
    } catch (error) {
        if (call.cancelled) {
            return;
        }
        throw error;
    } finally {
        call.off('cancelled', onCancel);
        blocks.close();
    }
}
