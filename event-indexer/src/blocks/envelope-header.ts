import { common, msp } from '@hyperledger/fabric-protos';
import { enumNames } from './enum-names.js';

const headerTypeName = enumNames(common.HeaderType, 'UNKNOWN_HEADER_TYPE');

/** What every envelope says about itself, whatever its type. */
export interface EnvelopeHeader {
    /** The header type's name: ENDORSER_TRANSACTION, CONFIG, … */
    readonly type: string;
    readonly txId: string;
    /** The epoch when the channel header carries no timestamp. */
    readonly timestamp: Date;
    readonly channel: string;
    /** The MSP ID of the serialized identity that created the envelope. */
    readonly creatorMsp: string;
}

export interface OpenedEnvelope {
    readonly header: EnvelopeHeader;
    /** The payload's data: a peer.Transaction for endorser transactions, a common.ConfigEnvelope for CONFIG. */
    readonly data: Uint8Array;
}

/** Decodes an envelope's payload header (channel and signature header); throws when it is not one. */
export function openEnvelope(bytes: Uint8Array): OpenedEnvelope {
    const payload = common.Payload.deserializeBinary(common.Envelope.deserializeBinary(bytes).getPayload_asU8());
    const header = payload.getHeader();
    if (header === undefined) {
        throw new Error('its payload has no header');
    }
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
    const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
    return {
        header: {
            type: headerTypeName(channelHeader.getType()),
            txId: channelHeader.getTxId(),
            timestamp: channelHeader.getTimestamp()?.toDate() ?? new Date(0),
            channel: channelHeader.getChannelId(),
            creatorMsp: creator.getMspid(),
        },
        data: payload.getData_asU8(),
    };
}
