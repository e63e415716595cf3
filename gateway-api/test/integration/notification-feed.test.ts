import { randomBytes } from 'node:crypto';
import { type NatsConnection, headers } from '@nats-io/transport-node';
import { expect } from 'chai';
import { connectNats } from '../../../event-indexer/test/support/nats.js';
import { NatsNotificationFeed } from '../../src/notification-feed.js';

describe('NatsNotificationFeed (real NATS)', () => {
    let nats: NatsConnection;

    before(async () => {
        nats = await connectNats();
    });

    after(async () => {
        await nats.drain();
    });

    it('delivers each notification once although every club’s indexer publishes it', async () => {
        const channel = `feed${randomBytes(4).toString('hex')}`;
        const subject = `clubs.${channel}.MetroMSP.VisitCheckedIn`;
        const feed = new NatsNotificationFeed(nats);
        const iterator = feed.subscribe(`clubs.${channel}.MetroMSP.*`)[Symbol.asyncIterator]();
        const first = iterator.next();
        await new Promise((resolve) => setTimeout(resolve, 100));

        for (const [txId, copies] of [['tx-1', 3], ['tx-2', 2]] as const) {
            for (let copy = 0; copy < copies; copy += 1) {
                const header = headers();
                header.set('Nats-Msg-Id', `${channel}:7:${txId}:MetroMSP`);
                nats.publish(subject, JSON.stringify({ channel, txId }), { headers: header });
            }
        }
        await nats.flush();

        expect((await first).value).to.deep.equal({ channel, txId: 'tx-1' });
        expect((await iterator.next()).value).to.deep.equal({ channel, txId: 'tx-2' });
        const third = await Promise.race([iterator.next(), new Promise((resolve) => setTimeout(() => { resolve('nothing more'); }, 200))]);
        expect(third).to.equal('nothing more');
        await iterator.return?.();
    });
});
