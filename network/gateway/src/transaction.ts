import { common, peer } from '@hyperledger/fabric-protos';
import { decodeTrusted } from './protobuf.js';

/**
 * The unsigned transaction envelope the client signs: the proposal's header, its input without the
 * transient map, the agreed proposal response payload and every distinct endorsement.
 */
export function prepareTransaction(
    header: common.Header,
    proposalPayload: peer.ChaincodeProposalPayload,
    responsePayload: Uint8Array,
    endorsements: readonly peer.Endorsement[],
): common.Envelope {
    const withoutTransient = new peer.ChaincodeProposalPayload();
    withoutTransient.setInput(proposalPayload.getInput_asU8());

    const endorsedAction = new peer.ChaincodeEndorsedAction();
    endorsedAction.setProposalResponsePayload(responsePayload);
    endorsedAction.setEndorsementsList(uniqueEndorsements(endorsements));

    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setChaincodeProposalPayload(withoutTransient.serializeBinary());
    actionPayload.setAction(endorsedAction);

    const action = new peer.TransactionAction();
    action.setHeader(header.getSignatureHeader_asU8());
    action.setPayload(actionPayload.serializeBinary());
    const transaction = new peer.Transaction();
    transaction.setActionsList([action]);

    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(transaction.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope;
}

/** One endorsement per endorser identity, in the order given. */
export function uniqueEndorsements(endorsements: readonly peer.Endorsement[]): peer.Endorsement[] {
    const seen = new Set<string>();
    return endorsements.filter((endorsement) => {
        const key = Buffer.from(endorsement.getEndorser_asU8()).toString('base64');
        if (seen.has(key)) {
            return false;
        }
        seen.add(key);
        return true;
    });
}

/** The chaincode action (results = the read-write set, events, response) inside a proposal response payload. */
export function chaincodeActionOf(responsePayload: Uint8Array): peer.ChaincodeAction {
    const payload = decodeTrusted(peer.ProposalResponsePayload, responsePayload, 'proposal response payload');
    return decodeTrusted(peer.ChaincodeAction, payload.getExtension_asU8(), 'chaincode action');
}
