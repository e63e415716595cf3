import { common, peer } from '@hyperledger/fabric-protos';
import { decodeTrusted } from './protobuf.js';

/** One transaction of a block as the events logic needs it. */
export interface BlockTransaction {
    readonly transactionId: string;
    readonly validationCode: number;
    readonly headerType: number;
    /** Chaincode events of the transaction's actions (Fabric keeps one per action: the last setEvent). */
    readonly events: readonly peer.ChaincodeEvent[];
}

/** The validation code of each transaction (block metadata TRANSACTIONS_FILTER). */
export function validationCodes(block: common.Block): Uint8Array {
    const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
    return metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
}

/** The block's transactions in order, with validation codes and chaincode events. */
export function blockTransactions(block: common.Block): BlockTransaction[] {
    const codes = validationCodes(block);
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    return envelopes.map((envelopeBytes, index) => {
        const envelope = decodeTrusted(common.Envelope, envelopeBytes, 'envelope');
        const payload = decodeTrusted(common.Payload, envelope.getPayload_asU8(), 'payload');
        const channelHeader = decodeTrusted(common.ChannelHeader, payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(), 'channel header');
        const headerType = channelHeader.getType();
        const validationCode = codes[index] ?? peer.TxValidationCode.INVALID_OTHER_REASON;
        const events = headerType === common.HeaderType.ENDORSER_TRANSACTION ? chaincodeEventsOf(payload.getData_asU8()) : [];
        return { transactionId: channelHeader.getTxId(), validationCode, headerType, events };
    });
}

function chaincodeEventsOf(transactionBytes: Uint8Array): peer.ChaincodeEvent[] {
    const transaction = decodeTrusted(peer.Transaction, transactionBytes, 'transaction');
    return transaction.getActionsList().flatMap((action) => {
        const actionPayload = decodeTrusted(peer.ChaincodeActionPayload, action.getPayload_asU8(), 'chaincode action payload');
        const responsePayload = actionPayload.getAction()?.getProposalResponsePayload_asU8();
        if (!responsePayload || responsePayload.length === 0) {
            return [];
        }
        const prp = decodeTrusted(peer.ProposalResponsePayload, responsePayload, 'proposal response payload');
        const chaincodeAction = decodeTrusted(peer.ChaincodeAction, prp.getExtension_asU8(), 'chaincode action');
        const eventBytes = chaincodeAction.getEvents_asU8();
        if (eventBytes.length === 0) {
            return [];
        }
        const event = decodeTrusted(peer.ChaincodeEvent, eventBytes, 'chaincode event');
        return event.getEventName() === '' && event.getChaincodeId() === '' ? [] : [event];
    });
}

/**
 * The chaincode events a ChaincodeEvents stream sends for one block: the named chaincode's events
 * of valid endorser transactions, in order; in the start block, those after `afterTransactionId`
 * (when that transaction is in the block) — so a checkpointed client resumes exactly.
 */
export function chaincodeEventsForBlock(block: common.Block, chaincode: string, afterTransactionId?: string): peer.ChaincodeEvent[] {
    const transactions = blockTransactions(block);
    const resumeAt = afterTransactionId ? transactions.findIndex((tx) => tx.transactionId === afterTransactionId) : -1;
    return transactions
        .slice(resumeAt + 1)
        .filter((tx) => tx.validationCode === peer.TxValidationCode.VALID && tx.headerType === common.HeaderType.ENDORSER_TRANSACTION)
        .flatMap((tx) => tx.events.filter((event) => event.getChaincodeId() === chaincode));
}
