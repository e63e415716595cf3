import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { pino } from 'pino';
import sinon from 'sinon';
import { IndexerMetrics } from '../../src/indexer/metrics.js';
import { NotificationLoop } from '../../src/indexer/notification-loop.js';
import type { OutboxPublisher, PublishRound } from '../../src/outbox/publisher.js';

describe('NotificationLoop', () => {
    /** A publisher whose rounds take `roundMs` each and publish one row, for far longer than the test waits. */
    function slowPublisher(roundMs: number) {
        const rounds: { started: number; ended?: number }[] = [];
        const publishPending = sinon.stub<[], Promise<PublishRound>>().callsFake(async () => {
            const round: { started: number; ended?: number } = { started: performance.now() };
            rounds.push(round);
            await sleep(roundMs);
            round.ended = performance.now();
            return { published: rounds.length < 40 ? 1 : 0, duplicates: 0 };
        });
        const publisher = { publishPending, depth: sinon.stub().resolves(0) } as unknown as OutboxPublisher;
        return { publisher, rounds, publishPending };
    }

    it('stops after the round in flight, starting no other, so the pool can be closed behind it without a failure', async () => {
        const { publisher, rounds } = slowPublisher(50);
        const logger = pino({ level: 'silent' });
        const warnings = sinon.spy(logger, 'warn');
        const loop = new NotificationLoop({ publisher, logger, metrics: new IndexerMetrics() });
        const abort = new AbortController();

        const running = loop.run(abort.signal);
        await sleep(120);
        abort.abort();
        await running;
        const stoppedAt = performance.now();
        const roundsWhenStopped = rounds.length;
        await sleep(100);

        expect(rounds.every((round) => round.ended !== undefined && round.ended <= stoppedAt)).to.equal(true);
        expect(rounds.length).to.equal(roundsWhenStopped);
        expect(warnings.called).to.equal(false);
    });
});
