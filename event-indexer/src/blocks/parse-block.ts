import type { common, ledger } from '@hyperledger/fabric-protos';
import type { Map as ProtoMap } from 'google-protobuf';
import { readEndorserTransaction } from './endorser-transaction.js';
import { type EnvelopeHeader, openEnvelope } from './envelope-header.js';
import { headerHash } from './header-hash.js';
import { privateWrites } from './key-writes.js';
import type { ParsedBlock, ParsedTransaction } from './parsed-block.js';
import { validationCodesOf } from './validation-codes.js';

/** The type of a transaction whose envelope could not be decoded. */
export const MALFORMED = 'MALFORMED';

/** The private read-write sets the peer delivered with a block, by transaction index. */
export type PrivateDataByTransaction =
    | ReadonlyMap<number, ledger.rwset.TxPvtReadWriteSet>
    | ProtoMap<number, ledger.rwset.TxPvtReadWriteSet>;

type Verdict = Pick<ParsedTransaction, 'txIndex' | 'validationCode' | 'isValid'>;

/**
 * Decodes a block as delivered by fabric-gateway (block events, block-and-private-data events, qscc).
 * A transaction whose envelope cannot be decoded is kept as MALFORMED with its validation code, so one
 * bad envelope never stops the channel; a block without a header cannot be placed in the chain and throws.
 */
export function parseBlock(channel: string, block: common.Block, privateData?: PrivateDataByTransaction): ParsedBlock {
    const header = block.getHeader();
    if (header === undefined) {
        throw new Error(`a block of channel ${channel} has no header`);
    }
    // fabric-protos decodes uint64 as a JS number: exact up to 2^53, beyond what any chain reaches.
    const number = BigInt(header.getNumber());
    const previousHash = header.getPreviousHash_asU8();
    const dataHash = header.getDataHash_asU8();
    const validationCode = validationCodesOf(block);
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    return {
        channel,
        number,
        previousHash,
        dataHash,
        headerHash: headerHash(number, previousHash, dataHash),
        transactions: envelopes.map((envelope, txIndex) => {
            const code = validationCode(txIndex);
            const verdict = { txIndex, validationCode: code, isValid: code === 'VALID' };
            return parseTransaction(channel, envelope, verdict, privateData?.get(txIndex));
        }),
    };
}

function parseTransaction(
    channel: string,
    envelope: Uint8Array,
    verdict: Verdict,
    privateSet: ledger.rwset.TxPvtReadWriteSet | undefined,
): ParsedTransaction {
    let header: EnvelopeHeader | undefined;
    try {
        const opened = openEnvelope(envelope);
        header = opened.header;
        if (header.channel !== channel) {
            throw new Error(`it belongs to channel ${header.channel}`);
        }
        const content = header.type === 'ENDORSER_TRANSACTION' ? readEndorserTransaction(opened.data) : { writes: [] };
        return {
            ...verdict,
            ...headerFacts(header),
            type: header.type,
            ...content,
            privateWrites: privateSet === undefined ? [] : privateWrites(privateSet),
        };
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return {
            ...verdict,
            ...(header ? headerFacts(header) : { txId: '', creatorMsp: '', timestamp: new Date(0) }),
            type: MALFORMED,
            writes: [],
            privateWrites: [],
            malformed: `${header?.type ?? 'envelope'} ${verdict.txIndex.toString()} cannot be decoded: ${reason}`,
        };
    }
}

function headerFacts(header: EnvelopeHeader): Pick<ParsedTransaction, 'txId' | 'creatorMsp' | 'timestamp'> {
    return { txId: header.txId, creatorMsp: header.creatorMsp, timestamp: header.timestamp };
}
