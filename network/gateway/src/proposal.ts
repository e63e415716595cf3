import { status } from '@grpc/grpc-js';
import { common, peer } from '@hyperledger/fabric-protos';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { rpcError } from './error-detail.js';
import { newTransactionContext, type GatewayIdentity } from './identity.js';
import { decode } from './protobuf.js';

/** What the gateway reads from a client's signed proposal; the proposal itself is forwarded unchanged. */
export interface ProposalInfo {
    readonly signedProposal: peer.SignedProposal;
    readonly channel: string;
    readonly chaincode: string;
    readonly transactionId: string;
    readonly header: common.Header;
    readonly payload: peer.ChaincodeProposalPayload;
    readonly hasTransientData: boolean;
}

/** Unpacks a client's SignedProposal; anything missing or undecodable is INVALID_ARGUMENT. */
export function parseSignedProposal(signedProposal: peer.SignedProposal | undefined): ProposalInfo {
    const proposalBytes = signedProposal?.getProposalBytes_asU8() ?? new Uint8Array();
    if (!signedProposal || proposalBytes.length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'a signed proposal is required');
    }
    const proposal = decode(peer.Proposal, proposalBytes, 'proposal');
    const header = decode(common.Header, proposal.getHeader_asU8(), 'proposal header');
    const channelHeader = decode(common.ChannelHeader, header.getChannelHeader_asU8(), 'channel header');
    const payload = decode(peer.ChaincodeProposalPayload, proposal.getPayload_asU8(), 'chaincode proposal payload');
    const invocation = decode(peer.ChaincodeInvocationSpec, payload.getInput_asU8(), 'chaincode invocation spec');
    const channel = channelHeader.getChannelId();
    if (channel === '') {
        throw rpcError(status.INVALID_ARGUMENT, 'no channel id provided');
    }
    const chaincode = invocation.getChaincodeSpec()?.getChaincodeId()?.getName() ?? '';
    if (chaincode === '') {
        throw rpcError(status.INVALID_ARGUMENT, `no chaincode name is provided, channel id [${channel}]`);
    }
    return {
        signedProposal,
        channel,
        chaincode,
        transactionId: channelHeader.getTxId(),
        header,
        payload,
        hasTransientData: payload.getTransientmapMap().getLength() > 0,
    };
}

function nowTimestamp(): timestampPb.Timestamp {
    const now = Date.now();
    const timestamp = new timestampPb.Timestamp();
    timestamp.setSeconds(Math.floor(now / 1000));
    timestamp.setNanos((now % 1000) * 1_000_000);
    return timestamp;
}

/** A header of the gateway's own making (type, channel, creator = the gateway's identity). */
export function newHeader(identity: GatewayIdentity, type: common.HeaderTypeMap[keyof common.HeaderTypeMap], channel: string, extension?: Uint8Array): { header: common.Header; transactionId: string } {
    const { nonce, transactionId } = newTransactionContext(identity.creator);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(type);
    channelHeader.setChannelId(channel);
    channelHeader.setTxId(transactionId);
    channelHeader.setTimestamp(nowTimestamp());
    channelHeader.setEpoch(0);
    if (extension) {
        channelHeader.setExtension$(extension);
    }
    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(identity.creator);
    signatureHeader.setNonce(nonce);
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeader.serializeBinary());
    return { header, transactionId };
}

/** A proposal the gateway signs for itself, used only for system chaincode queries (QSCC) to its own peer. */
export async function newSystemProposal(identity: GatewayIdentity, channel: string, chaincode: string, args: readonly string[]): Promise<peer.SignedProposal> {
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(chaincode);
    const extension = new peer.ChaincodeHeaderExtension();
    extension.setChaincodeId(chaincodeId);
    const { header } = newHeader(identity, common.HeaderType.ENDORSER_TRANSACTION, channel, extension.serializeBinary());

    const input = new peer.ChaincodeInput();
    input.setArgsList(args.map((arg) => Buffer.from(arg)));
    const spec = new peer.ChaincodeSpec();
    spec.setType(peer.ChaincodeSpec.Type.GOLANG);
    spec.setChaincodeId(chaincodeId);
    spec.setInput(input);
    const invocation = new peer.ChaincodeInvocationSpec();
    invocation.setChaincodeSpec(spec);
    const payload = new peer.ChaincodeProposalPayload();
    payload.setInput(invocation.serializeBinary());

    const proposal = new peer.Proposal();
    proposal.setHeader(header.serializeBinary());
    proposal.setPayload(payload.serializeBinary());
    const proposalBytes = proposal.serializeBinary();
    const signed = new peer.SignedProposal();
    signed.setProposalBytes(proposalBytes);
    signed.setSignature(await identity.sign(proposalBytes));
    return signed;
}
