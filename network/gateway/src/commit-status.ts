import { status } from '@grpc/grpc-js';
import { gateway, type peer } from '@hyperledger/fabric-protos';
import { unlessAborted } from './abort.js';
import { authorizeSignedRequest } from './authorization.js';
import type { GatewayContext } from './context.js';
import { rpcError } from './error-detail.js';
import { decode } from './protobuf.js';
import type { Qscc } from './qscc.js';

/**
 * CommitStatus: the validation code and block of a transaction on the gateway's peer, waiting
 * until it commits. The caller's signature over the request is checked against its identity and
 * the channel's MSPs first.
 */
export async function commitStatus(context: GatewayContext, qscc: Qscc, signedRequest: gateway.SignedCommitStatusRequest, signal: AbortSignal): Promise<gateway.CommitStatusResponse> {
    const requestBytes = signedRequest.getRequest_asU8();
    if (requestBytes.length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'a commit status request is required');
    }
    const request = decode(gateway.CommitStatusRequest, requestBytes, 'commit status request');
    const channel = request.getChannelId();
    const transactionId = request.getTransactionId();
    if (request.getIdentity_asU8().length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'no identity provided');
    }
    if (channel === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'no channel ID provided');
    }
    if (transactionId === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'transaction ID should not be empty');
    }
    const view = await context.registry.channel(channel);
    authorizeSignedRequest(view, requestBytes, request.getIdentity_asU8(), signedRequest.getSignature_asU8());

    const listener = context.commits.for(channel);
    const waiter = listener.wait(transactionId);
    try {
        // Listening (from the newest block) before looking back: a commit lands in one or the other. A transaction
        // submitted here since the listener followed the chain has no past to look back at.
        await unlessAborted(listener.ready, signal);
        const processed = listener.awaitsCommit(transactionId) ? undefined : await qscc.transactionById(channel, transactionId);
        const found = processed
            ? { code: processed.getValidationcode(), blockNumber: (await qscc.blockNumberByTxId(channel, transactionId)) ?? 0 }
            : await unlessAborted(waiter.committed, signal);
        const response = new gateway.CommitStatusResponse();
        response.setResult(found.code as peer.TxValidationCodeMap[keyof peer.TxValidationCodeMap]);
        response.setBlockNumber(found.blockNumber);
        return response;
    } finally {
        waiter.cancel();
    }
}
