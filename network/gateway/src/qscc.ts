import { status } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import { deadlineWithin, methods, unary, type Endpoint } from './connections.js';
import { failureMessage, rpcError } from './error-detail.js';
import type { GatewayIdentity } from './identity.js';
import { decodeTrusted } from './protobuf.js';
import { newSystemProposal } from './proposal.js';

/** Ledger queries through the gateway's own peer's QSCC, signed by the gateway's identity. */
export class Qscc {
    readonly #identity: GatewayIdentity;
    readonly #peer: Endpoint;
    readonly #timeoutMs: number;

    constructor(identity: GatewayIdentity, localPeer: Endpoint, timeoutMs: number) {
        this.#identity = identity;
        this.#peer = localPeer;
        this.#timeoutMs = timeoutMs;
    }

    /** The committed transaction, or undefined when the peer's ledger has no such transaction ID. */
    async transactionById(channel: string, transactionId: string): Promise<peer.ProcessedTransaction | undefined> {
        const response = await this.#query(channel, ['GetTransactionByID', channel, transactionId]);
        if (response.getStatus() !== 200) {
            if (/no such transaction|not found|Failed to get transaction/i.test(response.getMessage())) {
                return undefined;
            }
            throw rpcError(status.UNAVAILABLE, `QSCC GetTransactionByID failed: ${response.getMessage()}`);
        }
        return decodeTrusted(peer.ProcessedTransaction, response.getPayload_asU8(), 'processed transaction');
    }

    async blockNumberByTxId(channel: string, transactionId: string): Promise<number | undefined> {
        const response = await this.#query(channel, ['GetBlockByTxID', channel, transactionId]);
        if (response.getStatus() !== 200) {
            return undefined;
        }
        return decodeTrusted(common.Block, response.getPayload_asU8(), 'block').getHeader()?.getNumber();
    }

    /** The channel's height (= the number of the next block) on the gateway's peer. */
    async height(channel: string): Promise<number> {
        const response = await this.#query(channel, ['GetChainInfo', channel]);
        if (response.getStatus() !== 200) {
            throw rpcError(status.NOT_FOUND, `channel ${channel} is not available on the gateway's peer: ${response.getMessage()}`);
        }
        return decodeTrusted(common.BlockchainInfo, response.getPayload_asU8(), 'blockchain info').getHeight();
    }

    async #query(channel: string, args: readonly string[]): Promise<peer.Response> {
        const proposal = await newSystemProposal(this.#identity, channel, 'qscc', args);
        let response: peer.ProposalResponse;
        try {
            response = await unary(this.#peer, methods.processProposal, proposal, (bytes) => peer.ProposalResponse.deserializeBinary(bytes), deadlineWithin(this.#timeoutMs));
        } catch (error) {
            throw rpcError(status.UNAVAILABLE, `the gateway's peer did not answer QSCC ${String(args[0])}: ${failureMessage(error)}`);
        }
        return response.getResponse() ?? new peer.Response();
    }
}
