import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { blockDataHash } from '../blocks/data-hash.js';
import type { BlockSource, DeliveredBlock } from './block-source.js';

/**
 * Blocks from files `<dir>/<channel>/<number>.block` (serialized common.Block, as `peer channel fetch`
 * writes them): rebuilds an index from a ledger export without a peer. Follows the folder, polling for
 * the next block, until closed.
 */
export class FileBlockSource implements BlockSource {
    readonly #dir: string;
    readonly #pollInterval: number;

    constructor(dir: string, pollInterval = 50) {
        this.#dir = dir;
        this.#pollInterval = pollInterval;
    }

    blocksFrom(channel: string, startBlock: bigint): Promise<CloseableAsyncIterable<DeliveredBlock>> {
        const folder = path.join(this.#dir, channel);
        const pollInterval = this.#pollInterval;
        let closed = false;
        async function* follow(): AsyncGenerator<DeliveredBlock> {
            for (let next = startBlock; !closed; ) {
                const bytes = await readFile(path.join(folder, `${next.toString()}.block`)).catch((error: unknown) => {
                    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
                        return undefined;
                    }
                    throw error;
                });
                if (bytes === undefined) {
                    await sleep(pollInterval);
                    continue;
                }
                const block = common.Block.deserializeBinary(bytes);
                if (!isComplete(block)) {
                    // A file still being written (`peer channel fetch` writes in place): read it again.
                    await sleep(pollInterval);
                    continue;
                }
                yield { block, privateData: new Map() };
                next += 1n;
            }
        }
        const iterator = follow();
        const close = () => {
            closed = true;
        };
        return Promise.resolve({ [Symbol.asyncIterator]: () => iterator, close, [Symbol.dispose]: close });
    }
}

/** A block whose envelopes hash to its header's data hash and whose validation codes cover every envelope. */
function isComplete(block: common.Block): boolean {
    const envelopes = block.getData()?.getDataList_asU8() ?? [];
    const dataHash = block.getHeader()?.getDataHash_asU8() ?? new Uint8Array();
    const filter = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
    return Buffer.from(blockDataHash(envelopes)).equals(dataHash) && filter.length === envelopes.length;
}
