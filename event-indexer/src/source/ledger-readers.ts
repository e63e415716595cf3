import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { parseBlock } from '../blocks/parse-block.js';
import type { ParsedBlock } from '../blocks/parsed-block.js';
import type { LedgerReader } from '../integrity.js';

/** The peer's copy of a block, through the query system chaincode (qscc GetBlockByNumber). */
export class PeerLedgerReader implements LedgerReader {
    readonly #gateway: Gateway;

    constructor(gateway: Gateway) {
        this.#gateway = gateway;
    }

    async block(channel: string, blockNumber: bigint): Promise<ParsedBlock> {
        const qscc = this.#gateway.getNetwork(channel).getContract('qscc');
        const bytes = await qscc.evaluateTransaction('GetBlockByNumber', channel, blockNumber.toString());
        return parseBlock(channel, common.Block.deserializeBinary(bytes));
    }
}

/** A ledger export's copy of a block: `<dir>/<channel>/<number>.block`. */
export class FileLedgerReader implements LedgerReader {
    readonly #dir: string;

    constructor(dir: string) {
        this.#dir = dir;
    }

    async block(channel: string, blockNumber: bigint): Promise<ParsedBlock> {
        const bytes = await readFile(path.join(this.#dir, channel, `${blockNumber.toString()}.block`));
        return parseBlock(channel, common.Block.deserializeBinary(bytes));
    }
}
