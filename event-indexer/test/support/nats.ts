import { type JetStreamClient, type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { NOTIFICATION_STREAM } from '../../src/outbox/publisher.js';
import { networkProfile } from './database.js';

export function natsServers(): string[] {
    return networkProfile().nats.servers.split(',');
}

export async function connectNats(): Promise<NatsConnection> {
    return connect({ servers: natsServers(), maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** Messages JetStream holds per subject under `clubs.<channel>.>`: the channel is unique per test. */
export async function messagesPerSubject(manager: JetStreamManager, channel: string): Promise<Record<string, number>> {
    const info = await manager.streams.info(NOTIFICATION_STREAM, { subjects_filter: `clubs.${channel}.>` });
    return info.state.subjects ?? {};
}

/** Messages JetStream holds under `clubs.<channel>.>`. */
export async function messagesInStream(manager: JetStreamManager, channel: string): Promise<number> {
    return Object.values(await messagesPerSubject(manager, channel)).reduce((sum, count) => sum + count, 0);
}

/** The Nats-Msg-Id of every message the stream holds under `clubs.<channel>.>`, read back with an ordered consumer. */
export async function messageIdsInStream(manager: JetStreamManager, js: JetStreamClient, channel: string): Promise<string[]> {
    const total = await messagesInStream(manager, channel);
    const consumer = await js.consumers.get(NOTIFICATION_STREAM, { filter_subjects: `clubs.${channel}.>`, headers_only: true });
    const ids: string[] = [];
    while (ids.length < total) {
        const before = ids.length;
        for await (const message of await consumer.fetch({ max_messages: total - ids.length, expires: 2_000 })) {
            ids.push(message.headers?.get('Nats-Msg-Id') ?? '(no message ID)');
        }
        if (ids.length === before) {
            throw new Error(`the stream holds ${total} messages of ${channel} but delivered ${before}`);
        }
    }
    return ids;
}

export { jetstreamManager };
