import { randomUUID } from 'node:crypto';
import { type ChaincodeEvent, checkpointers } from '@hyperledger/fabric-gateway';
import * as fabricProtos from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { LedgerEvent } from '../../../chaincode/src/model/events';
import { CHAINCODE, type ClubConnection, connectAs, ensureClubsRegistered, loadNetworkProfile, movedClubProfile, testNetwork, utf8 } from '../support/network';

const ALPINE = 'AlpineMSP';

/** Reads from an async iterator until `done` says so, or fails after `ms`. */
async function collect<T>(events: AsyncIterable<T>, done: (seen: T[]) => boolean, ms = 30_000): Promise<T[]> {
    const seen: T[] = [];
    const timer = new Promise<never>((_, reject) => setTimeout(() => { reject(new Error(`timed out after ${ms} ms; saw ${seen.length}`)); }, ms).unref());
    const reading = (async () => {
        for await (const event of events) {
            seen.push(event);
            if (done(seen)) return seen;
        }
        return seen;
    })();
    return Promise.race([reading, timer]);
}

/** Block and chaincode events through the Gateway service, from real peers, and resumed from a checkpoint. */
describe('events through the Gateway service', function () {
    this.timeout(180_000);
    const profile = loadNetworkProfile();
    let alpine: ClubConnection;

    before(async () => {
        await ensureClubsRegistered(profile);
        alpine = connectAs(profile, ALPINE, 'admin');
    });
    after(() => { alpine.close(); });

    it('block events: the block that holds a submitted transaction, with its transaction ID', async () => {
        const contract = alpine.contract('alps');
        const commit = await contract.submitAsync('Club:updateProfile', { arguments: [await movedClubProfile(contract, ALPINE, 'Davos')] });
        const { blockNumber } = await commit.getStatus();
        const blocks = await alpine.network('alps').getBlockEvents({ startBlock: blockNumber });
        try {
            const [block] = await collect(blocks, (seen) => seen.length === 1);
            expect(BigInt(block?.getHeader()?.getNumber() ?? -1)).to.equal(blockNumber);
            const txIds = (block?.getData()?.getDataList_asU8() ?? []).map((bytes) => {
                const envelope = fabricProtos.common.Envelope.deserializeBinary(bytes);
                const payload = fabricProtos.common.Payload.deserializeBinary(envelope.getPayload_asU8());
                return fabricProtos.common.ChannelHeader.deserializeBinary(payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array()).getTxId();
            });
            expect(txIds).to.include(commit.getTransactionId());
        } finally {
            blocks.close();
        }
    });

    it('chaincode events of valid transactions, in order, resumed from a checkpoint after the gateway service restarts', async () => {
        const contract = alpine.contract('alps');
        const cities = Array.from({ length: 4 }, () => `Events ${randomUUID().slice(0, 8)}`);
        const first = await contract.submitAsync('Club:updateProfile', { arguments: [await movedClubProfile(contract, ALPINE, cities[0] ?? '')] });
        const { blockNumber: startBlock } = await first.getStatus();
        for (const city of cities.slice(1)) await contract.submitTransaction('Club:updateProfile', await movedClubProfile(contract, ALPINE, city));

        const cityOf = (event: ChaincodeEvent): string | undefined => {
            const change = (JSON.parse(utf8(event.payload)) as LedgerEvent).changes[0];
            return change?.kind === 'club' ? change.value.city : undefined;
        };
        const checkpointer = checkpointers.inMemory();
        const events = await alpine.network('alps').getChaincodeEvents(CHAINCODE, { startBlock });
        try {
            // Read two events, checkpointing each as an application would.
            const firstTwo = await collect(events, (seen) => seen.length === 2);
            for (const event of firstTwo) await checkpointer.checkpointChaincodeEvent(event);
            expect(firstTwo.map(cityOf)).to.deep.equal(cities.slice(0, 2));
            expect(firstTwo[0]?.transactionId).to.equal(first.getTransactionId());
        } finally {
            events.close();
        }

        await testNetwork('stop', 'gateway-alpine');
        await testNetwork('up');

        const reconnected = connectAs(profile, ALPINE, 'auditor');
        const resumed = await reconnected.network('alps').getChaincodeEvents(CHAINCODE, { checkpoint: checkpointer });
        try {
            const rest = await collect(resumed, (seen) => seen.length === 2);
            expect(rest.map(cityOf)).to.deep.equal(cities.slice(2));
            expect(rest.every((event) => event.chaincodeName === CHAINCODE && event.eventName.length > 0)).to.equal(true);
        } finally {
            resumed.close();
            reconnected.close();
        }
    });
});
