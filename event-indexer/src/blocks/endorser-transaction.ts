import { peer } from '@hyperledger/fabric-protos';
import { publicWrites } from './key-writes.js';
import type { ChaincodeEventRecord, KeyWrite } from './parsed-block.js';

/** What an endorser transaction did: the chaincode it invoked, its public writes and its event. */
export interface EndorserContent {
    readonly chaincode: { readonly name: string; readonly function: string };
    readonly writes: readonly KeyWrite[];
    readonly event?: ChaincodeEventRecord;
}

const utf8 = new TextDecoder();

/** Decodes a peer.Transaction; throws when it is not the single-action transaction Fabric commits. */
export function readEndorserTransaction(data: Uint8Array): EndorserContent {
    const actions = peer.Transaction.deserializeBinary(data).getActionsList();
    const [action] = actions;
    if (action === undefined || actions.length > 1) {
        throw new Error(`it carries ${actions.length} actions where Fabric accepts exactly one`);
    }
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const result = chaincodeAction(actionPayload);
    const event = chaincodeEvent(result.getEvents_asU8());
    return {
        chaincode: invokedChaincode(actionPayload),
        writes: publicWrites(result.getResults_asU8()),
        ...(event && { event }),
    };
}

/** The invoked chaincode and function: the first argument of the proposal's ChaincodeInvocationSpec. */
function invokedChaincode(actionPayload: peer.ChaincodeActionPayload): EndorserContent['chaincode'] {
    const proposal = peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(proposal.getInput_asU8()).getChaincodeSpec();
    const name = spec?.getChaincodeId()?.getName();
    if (name === undefined) {
        throw new Error('its proposal names no chaincode');
    }
    const [functionName] = spec?.getInput()?.getArgsList_asU8() ?? [];
    return { name, function: utf8.decode(functionName) };
}

/** The endorsed result of the simulation: read-write set, event and response. */
function chaincodeAction(actionPayload: peer.ChaincodeActionPayload): peer.ChaincodeAction {
    const endorsed = actionPayload.getAction();
    if (endorsed === undefined) {
        throw new Error('its action carries no endorsed result');
    }
    const response = peer.ProposalResponsePayload.deserializeBinary(endorsed.getProposalResponsePayload_asU8());
    return peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
}

/** A transaction that set no event carries none, or an empty one. */
function chaincodeEvent(bytes: Uint8Array): ChaincodeEventRecord | undefined {
    const event = peer.ChaincodeEvent.deserializeBinary(bytes);
    if (event.getEventName() === '') {
        return undefined;
    }
    return { chaincodeId: event.getChaincodeId(), name: event.getEventName(), payload: event.getPayload_asU8() };
}
