import type { EventName, LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type { Notification } from '@reciprocal-clubs/event-indexer';
import { expect } from 'chai';
import { Repeater } from 'graphql-yoga';
import sinon from 'sinon';
import type { NotificationFeed } from '../../src/notification-feed.js';
import { transactionIdOf } from '../support/fake-ledger-service.js';
import { type ApiYoga, CALLERS, type CallerName, callerTokens, fromAddress, testSigningKey, testVerifier, testYoga, unreachableServices } from '../support/tokens.js';

const CHANNEL = 'atlantic';

/** Whether a NATS subject matches a subscription's: `*` stands for one token, a final `>` for the rest. */
function subjectMatches(subscribed: string, subject: string): boolean {
    const wanted = subscribed.split('.');
    const tokens = subject.split('.');
    return wanted.every((token, index) => token === '>' || (index < tokens.length && (token === '*' || token === tokens[index]))) && (wanted.at(-1) === '>' || wanted.length === tokens.length);
}

/** NATS as the subscriptions see it: what the indexers published, delivered to matching subscriptions. */
class FakeNotificationFeed implements NotificationFeed {
    readonly published: { readonly subject: string; readonly notification: Notification }[] = [];
    readonly subscribe = sinon.spy((subject: string): AsyncIterable<Notification> => this.#delivered(subject));
    /** Called once a subscription ended and its NATS subscription would be dropped. */
    readonly unsubscribed = sinon.spy();
    /** Whether subscriptions stay open after the published notifications, as NATS's do, or end (so a test reads to the end). */
    live = false;

    isReachable(): boolean {
        return true;
    }

    publish(channel: string, club: string, name: EventName): Notification {
        const block = this.published.length + 1;
        const event: LedgerEvent = {
            name,
            txId: transactionIdOf(`${channel} ${club} ${name}`),
            timestamp: `2026-03-02T10:00:0${String(block)}.000Z`,
            actor: 'alice',
            submitter: club,
            parties: [club],
            changes: [],
        };
        const notification: Notification = { channel, blockNumber: String(9_007_199_254_740_990n + BigInt(block)), txIndex: 0, txId: event.txId, event };
        this.published.push({ subject: `clubs.${channel}.${club}.${name}`, notification });
        return notification;
    }

    #delivered(subject: string): AsyncIterable<Notification> {
        return new Repeater<Notification>(async (push, stop) => {
            for (const published of this.published) {
                if (subjectMatches(subject, published.subject)) {
                    await push(published.notification);
                }
            }
            if (!this.live) {
                stop();
            }
            await stop;
            this.unsubscribed(subject);
        });
    }
}

interface StreamedResult {
    readonly data?: Record<string, Record<string, unknown>> | null;
    readonly errors?: readonly { readonly message: string; readonly extensions?: Record<string, unknown> }[];
}

/** Opens a subscription over server-sent events, as a browser would. */
function openSubscription(yoga: ApiYoga, token: string | undefined, query: string, variables: Record<string, unknown>): Promise<Response> {
    return Promise.resolve(
        yoga.fetch(
            'http://api.test/graphql',
            {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
                body: JSON.stringify({ query, variables }),
            },
            fromAddress('192.0.2.1'),
        ),
    );
}

/** Subscribes and reads the stream to its end: the status and the `next` results. */
async function subscription(yoga: ApiYoga, token: string | undefined, query: string, variables: Record<string, unknown>): Promise<{ status: number; results: StreamedResult[] }> {
    const response = await openSubscription(yoga, token, query, variables);
    const events = (await response.text()).split('\n\n').filter((event) => event.startsWith('event: next'));
    const results = events.map((event) => JSON.parse(event.split('\n').find((line) => line.startsWith('data: '))!.slice('data: '.length)) as StreamedResult);
    return { status: response.status, results };
}

/** Resolves once `condition` holds, checking every few milliseconds (mocha's timeout ends a wait that never does). */
async function waitUntil(condition: () => boolean): Promise<void> {
    while (!condition()) {
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
}

const fields = 'channel blockNumber transactionId event timestamp actor submitter parties changes';
const documentOf = (field: string) => `subscription Events($channel: String!) { ${field}(channel: $channel) { ${fields} } }`;

describe('subscriptions fed by the indexers’ notifications', () => {
    let feed: FakeNotificationFeed;
    let yoga: ApiYoga;
    let tokens: Record<CallerName, string>;

    before(async () => {
        const key = await testSigningKey();
        tokens = await callerTokens(key, CALLERS);
        feed = new FakeNotificationFeed();
        yoga = testYoga(testVerifier(key), { services: unreachableServices({ notifications: feed }) });
        // What the indexers published on the channels, for Alpine and for others.
        for (const name of ['VisitCheckedIn', 'AgreementAccepted', 'MemberEnrolled', 'IntroductionIssued', 'VoteCast', 'MemberBarred', 'ProposalClosed', 'VisitCheckedOut'] as const) {
            feed.publish(CHANNEL, 'AlpineMSP', name);
        }
        feed.publish(CHANNEL, 'HarbourMSP', 'VisitCheckedIn');
        feed.publish(CHANNEL, 'HarbourMSP', 'AgreementAccepted');
        feed.publish('alps', 'AlpineMSP', 'VisitCheckedIn');
        feed.publish('alps', 'AlpineMSP', 'VoteCast');
    });

    afterEach(() => {
        feed.subscribe.resetHistory();
        feed.unsubscribed.resetHistory();
    });

    const delivered = (results: readonly StreamedResult[], field: string) => results.map((result) => result.data?.[field]?.event);

    it('visitEvents subscribes to the caller’s club on the channel and delivers its visits, introductions and bars only', async () => {
        const { status, results } = await subscription(yoga, tokens.alpineStaff, documentOf('visitEvents'), { channel: CHANNEL });

        expect(status).to.equal(200);
        sinon.assert.calledOnceWithExactly(feed.subscribe, 'clubs.atlantic.AlpineMSP.*');
        expect(delivered(results, 'visitEvents')).to.deep.equal(['VisitCheckedIn', 'IntroductionIssued', 'MemberBarred', 'VisitCheckedOut']);
        sinon.assert.calledOnceWithExactly(feed.unsubscribed, 'clubs.atlantic.AlpineMSP.*');
    });

    it('delivers each notification as the indexer announced it, its block number a string', async () => {
        const { results } = await subscription(yoga, tokens.alpineAuditor, documentOf('visitEvents'), { channel: CHANNEL });
        const first = feed.published[0]!.notification;
        expect(results[0]).to.deep.equal({
            data: {
                visitEvents: {
                    channel: CHANNEL,
                    blockNumber: '9007199254740991',
                    transactionId: first.txId,
                    event: 'VisitCheckedIn',
                    timestamp: '2026-03-02T10:00:01.000Z',
                    actor: 'alice',
                    submitter: 'AlpineMSP',
                    parties: ['AlpineMSP'],
                    changes: [],
                },
            },
        });
    });

    it('agreementEvents delivers the club’s agreement events only', async () => {
        const { results } = await subscription(yoga, tokens.alpineAdmin, documentOf('agreementEvents'), { channel: CHANNEL });
        sinon.assert.calledOnceWithExactly(feed.subscribe, 'clubs.atlantic.AlpineMSP.*');
        expect(delivered(results, 'agreementEvents')).to.deep.equal(['AgreementAccepted']);
    });

    it('governanceEvents delivers the club’s votes and proposals only, of the channel asked for', async () => {
        const { results } = await subscription(yoga, tokens.alpineAdmin, documentOf('governanceEvents'), { channel: 'alps' });
        sinon.assert.calledOnceWithExactly(feed.subscribe, 'clubs.alps.AlpineMSP.*');
        expect(delivered(results, 'governanceEvents')).to.deep.equal(['VoteCast']);
    });

    it('gives another club its own subject: Harbour’s staff never see Alpine’s events', async () => {
        const { results } = await subscription(yoga, tokens.harbourStaff, documentOf('visitEvents'), { channel: CHANNEL });
        sinon.assert.calledOnceWithExactly(feed.subscribe, 'clubs.atlantic.HarbourMSP.*');
        expect(results.map((result) => result.data?.visitEvents?.submitter)).to.deep.equal(['HarbourMSP']);
    });

    it('drops the NATS subscription when the client goes away', async () => {
        feed.live = true;
        try {
            const response = await openSubscription(yoga, tokens.alpineStaff, documentOf('visitEvents'), { channel: CHANNEL });
            const reader = response.body!.getReader();
            let received = '';
            while (!received.includes('event: next')) {
                const { value } = await reader.read();
                received += new TextDecoder().decode(value);
            }
            sinon.assert.notCalled(feed.unsubscribed);
            await reader.cancel();
            await waitUntil(() => feed.unsubscribed.called);
            sinon.assert.calledOnceWithExactly(feed.unsubscribed, 'clubs.atlantic.AlpineMSP.*');
        } finally {
            feed.live = false;
        }
    });

    for (const field of ['visitEvents', 'agreementEvents', 'governanceEvents']) {
        it(`refuses ${field} to members (FORBIDDEN) without subscribing`, async () => {
            const { results } = await subscription(yoga, tokens.alpineMember, documentOf(field), { channel: CHANNEL });
            expect(results).to.have.lengthOf(1);
            expect(results[0]!.errors?.map((error) => error.extensions?.code)).to.deep.equal(['FORBIDDEN']);
            sinon.assert.notCalled(feed.subscribe);
        });
    }

    it('refuses an anonymous subscription (UNAUTHENTICATED) without subscribing', async () => {
        const { results } = await subscription(yoga, undefined, documentOf('visitEvents'), { channel: CHANNEL });
        expect(results.flatMap((result) => result.errors ?? []).map((error) => error.extensions?.code)).to.deep.equal(['UNAUTHENTICATED']);
        sinon.assert.notCalled(feed.subscribe);
    });

    it('refuses a channel that is no channel name (a wildcard would widen the subject) without subscribing', async () => {
        for (const channel of ['*', '>', 'atlantic.*', 'Atlantic']) {
            const { results } = await subscription(yoga, tokens.alpineStaff, documentOf('visitEvents'), { channel });
            expect(results[0]!.errors?.map((error) => error.extensions?.code)).to.deep.equal(['BAD_USER_INPUT']);
        }
        sinon.assert.notCalled(feed.subscribe);
    });

    it('keeps the caller’s club in the subject whatever the channel is called', async () => {
        await subscription(yoga, tokens.alpineStaff, documentOf('visitEvents'), { channel: 'atlantic.harbourmsp' });
        sinon.assert.calledOnceWithExactly(feed.subscribe, 'clubs.atlantic.harbourmsp.AlpineMSP.*');
    });
});
