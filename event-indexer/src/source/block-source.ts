import type { CloseableAsyncIterable, Network } from '@hyperledger/fabric-gateway';
import type { common, ledger } from '@hyperledger/fabric-protos';

/** A block as delivered, with the private data the indexing club may read. */
export interface DeliveredBlock {
    readonly block: common.Block;
    readonly privateData: ReadonlyMap<number, ledger.rwset.TxPvtReadWriteSet>;
}

/** Where blocks come from: the club's own peer in production, prepared blocks in tests. */
export interface BlockSource {
    /** Blocks from `startBlock` on, in order, until closed or the connection fails. */
    blocksFrom(channel: string, startBlock: bigint): Promise<CloseableAsyncIterable<DeliveredBlock>>;
}

/**
 * Block-and-private-data events through fabric-gateway. The start block always comes from the
 * index's own checkpoint: never "newest", whose gap would be silent.
 */
export class GatewayBlockSource implements BlockSource {
    readonly #networkOf: (channel: string) => Network;

    constructor(networkOf: (channel: string) => Network) {
        this.#networkOf = networkOf;
    }

    async blocksFrom(channel: string, startBlock: bigint): Promise<CloseableAsyncIterable<DeliveredBlock>> {
        const events = await this.#networkOf(channel).getBlockAndPrivateDataEvents({ startBlock });
        async function* delivered(): AsyncGenerator<DeliveredBlock> {
            for await (const event of events) {
                const block = event.getBlock();
                if (block === undefined) {
                    continue;
                }
                yield { block, privateData: new Map(event.getPrivateDataMapMap().entries()) };
            }
        }
        const iterator = delivered();
        return {
            [Symbol.asyncIterator]: () => iterator,
            close: () => { events.close(); },
            [Symbol.dispose]: () => { events.close(); },
        };
    }
}
