import { expect } from 'chai';
import sinon from 'sinon';
import { LedgerHeartbeat } from '../../src/ledger-heartbeat.js';

describe('LedgerHeartbeat', () => {
    let clock: sinon.SinonFakeTimers;

    beforeEach(() => {
        clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });

    afterEach(() => {
        clock.restore();
    });

    /** A round trip per channel that answers while `up` holds it. */
    function peer(up: Set<string>) {
        const calls: string[] = [];
        const roundTrip = (channel: string) => {
            calls.push(channel);
            return up.has(channel) ? Promise.resolve() : Promise.reject(new Error(`${channel}: UNAVAILABLE`));
        };
        return { calls, roundTrip };
    }

    it('is ready only after every channel answered a round trip', async () => {
        const up = new Set(['atlantic']);
        const { roundTrip } = peer(up);
        const heartbeat = new LedgerHeartbeat({ channels: ['atlantic', 'alps'], roundTrip });
        expect(heartbeat.isReady(), 'before any round').to.be.false;
        await heartbeat.start();
        expect(heartbeat.isReady(), 'alps did not answer').to.be.false;
        up.add('alps');
        await clock.tickAsync(2_000);
        expect(heartbeat.isReady()).to.be.true;
        heartbeat.stop();
    });

    it('is not ready from the first round trip that fails, and ready again when the peer answers', async () => {
        const up = new Set(['atlantic']);
        const { calls, roundTrip } = peer(up);
        const changes: [string, boolean][] = [];
        const heartbeat = new LedgerHeartbeat({ channels: ['atlantic'], roundTrip, intervalMs: 1_000, onChange: (channel, reachable) => changes.push([channel, reachable]) });
        await heartbeat.start();
        expect(heartbeat.isReady()).to.be.true;
        up.clear();
        await clock.tickAsync(1_000);
        expect(heartbeat.isReady()).to.be.false;
        await clock.tickAsync(3_000);
        up.add('atlantic');
        await clock.tickAsync(1_000);
        expect(heartbeat.isReady()).to.be.true;
        expect(calls).to.have.length(6);
        expect(changes, 'told on changes only').to.deep.equal([
            ['atlantic', true],
            ['atlantic', false],
            ['atlantic', true],
        ]);
        heartbeat.stop();
    });

    it('stops vouching for the ledger when a round trip hangs past freshForMs', async () => {
        let hang = false;
        const heartbeat = new LedgerHeartbeat({
            channels: ['atlantic'],
            roundTrip: () => (hang ? new Promise<void>(() => undefined) : Promise.resolve()),
            intervalMs: 1_000,
            freshForMs: 3_000,
        });
        await heartbeat.start();
        hang = true;
        await clock.tickAsync(1_000);
        expect(heartbeat.isReady(), 'answered 1 s ago').to.be.true;
        await clock.tickAsync(2_500);
        expect(heartbeat.isReady(), 'no answer for 3.5 s').to.be.false;
        heartbeat.stop();
    });

    it('is never ready without a channel to prove the ledger on', async () => {
        const heartbeat = new LedgerHeartbeat({ channels: [], roundTrip: () => Promise.resolve() });
        await heartbeat.start();
        expect(heartbeat.isReady()).to.be.false;
        heartbeat.stop();
    });

    it('runs no round after stop', async () => {
        const { calls, roundTrip } = peer(new Set(['atlantic']));
        const heartbeat = new LedgerHeartbeat({ channels: ['atlantic'], roundTrip, intervalMs: 1_000 });
        await heartbeat.start();
        heartbeat.stop();
        await clock.tickAsync(5_000);
        expect(calls).to.have.length(1);
    });
});
