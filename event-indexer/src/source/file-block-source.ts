import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
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
                yield { block: common.Block.deserializeBinary(bytes), privateData: new Map() };
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
