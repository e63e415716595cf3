import { randomBytes } from 'node:crypto';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { OutboxPublisher, ensureNotificationStream } from '../../src/outbox/publisher.js';
import type { ParsedTransaction } from '../../src/blocks/parsed-block.js';
import { insertBlocks, insertHistory } from '../../src/store/history.js';
import { enqueueNotifications } from '../../src/store/outbox.js';
import { TEST_CHAINCODE } from '../support/block-builder.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { connectNats, messagesPerSubject } from '../support/nats.js';

describe('outbox → NATS JetStream (real PostgreSQL and NATS)', () => {
    let database: TestDatabase;
    let nats: NatsConnection;
    let manager: JetStreamManager;
    let channel: string;

    const event = (txId: string): LedgerEvent => ({
        name: 'VisitCheckedIn',
        txId,
        timestamp: '2026-03-02T10:00:00.000Z',
        actor: 'staff@MetroMSP',
        submitter: 'MetroMSP',
        parties: ['AlpineMSP', 'MetroMSP'],
        changes: [],
    });

    /** The transaction's history row, then its notifications, as a block's database transaction writes them. */
    async function enqueue(blockNumber: bigint, txIndex: number): Promise<void> {
        const client = await database.pool.connect();
        try {
            const txId = `tx-${blockNumber.toString()}-${txIndex}`;
            const tx: ParsedTransaction = {
                txIndex,
                txId,
                type: 'ENDORSER_TRANSACTION',
                creatorMsp: 'MetroMSP',
                timestamp: new Date('2026-03-02T10:00:00.000Z'),
                validationCode: 'VALID',
                isValid: true,
                writes: [],
                privateWrites: [],
                event: { chaincodeId: TEST_CHAINCODE, name: 'VisitCheckedIn', payload: Buffer.from(JSON.stringify(event(txId))) },
            };
            const hash = new Uint8Array(32);
            await insertBlocks(client, channel, [{ channel, number: blockNumber, previousHash: hash, dataHash: hash, headerHash: hash, transactions: [tx] }]);
            await insertHistory(client, channel, [{ blockNumber, tx }]);
            await enqueueNotifications(client, [{ origin: { channel, blockNumber, txIndex, txId }, event: event(txId) }]);
        } finally {
            client.release();
        }
    }

    before(async () => {
        database = await freshDatabase();
        nats = await connectNats();
        manager = await ensureNotificationStream(nats);
    });

    after(async () => {
        await nats.drain();
        await database.drop();
    });

    beforeEach(async () => {
        channel = `t${randomBytes(4).toString('hex')}`;
        await database.pool.query('DELETE FROM outbox');
    });

    it('publishes one message per party club on its own subject, then marks the rows published', async () => {
        await enqueue(7n, 0);
        const publisher = new OutboxPublisher(database.pool, nats);

        expect(await publisher.publishPending()).to.deep.equal({ published: 2, duplicates: 0 });
        expect(await messagesPerSubject(manager, channel)).to.deep.equal({
            [`clubs.${channel}.AlpineMSP.VisitCheckedIn`]: 1,
            [`clubs.${channel}.MetroMSP.VisitCheckedIn`]: 1,
        });
        expect(await publisher.depth()).to.equal(0);
        expect(await publisher.publishPending()).to.deep.equal({ published: 0, duplicates: 0 });
    });

    it('carries the event, its transaction ID and block number', async () => {
        await enqueue(9n, 3);
        await new OutboxPublisher(database.pool, nats).publishPending();
        const message = await manager.streams.getMessage('RCN_NOTIFICATIONS', { last_by_subj: `clubs.${channel}.AlpineMSP.VisitCheckedIn` });
        expect(message?.json()).to.deep.include({ channel, blockNumber: '9', txIndex: 3, txId: 'tx-9-3', event: event('tx-9-3') });
        expect(message?.header.get('Nats-Msg-Id')).to.equal(`${channel}:9:3:AlpineMSP`);
    });

    it('lets JetStream drop a re-send after a crash between publishing and marking', async () => {
        await enqueue(11n, 0);
        const publisher = new OutboxPublisher(database.pool, nats);
        await publisher.publishPending();
        await database.pool.query('UPDATE outbox SET published_at = NULL WHERE channel = $1', [channel]);

        expect(await publisher.publishPending()).to.deep.equal({ published: 2, duplicates: 2 });
        expect(Object.values(await messagesPerSubject(manager, channel))).to.deep.equal([1, 1]);
    });

    it('never holds a notification twice: writing a transaction’s rows again is refused', async () => {
        await enqueue(12n, 1);
        const again = await enqueue(12n, 1).then(() => undefined, (error: unknown) => error);
        expect(again).to.have.property('code', '23505');
        const { rows } = await database.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE channel = $1', [channel]);
        expect(rows[0]?.n).to.equal(2);
    });

    it('publishes in outbox order and in batches', async () => {
        for (let tx = 0; tx < 5; tx += 1) {
            await enqueue(20n, tx);
        }
        const publisher = new OutboxPublisher(database.pool, nats, { batchSize: 4 });
        expect((await publisher.publishPending()).published).to.equal(4);
        expect((await publisher.publishPending()).published).to.equal(4);
        expect((await publisher.publishPending()).published).to.equal(2);
    });
});
