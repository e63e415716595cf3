import { common, peer } from '@hyperledger/fabric-protos';
import { enumNames } from './enum-names.js';

const validationCodeName = enumNames(peer.TxValidationCode, 'UNKNOWN_VALIDATION_CODE');

/** Fabric's name for a transaction the committer has not (yet) validated: how a missing filter entry reads. */
export const NOT_VALIDATED = 'NOT_VALIDATED';

/**
 * The committing peer's verdict on each transaction: one byte per transaction in the block metadata's
 * TRANSACTIONS_FILTER, named after peer.TxValidationCode.
 */
export function validationCodesOf(block: common.Block): (txIndex: number) => string {
    const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
    return (txIndex) => {
        const code = filter[txIndex];
        return code === undefined ? NOT_VALIDATED : validationCodeName(code);
    };
}
