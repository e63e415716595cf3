import { type JetStreamManager, jetstreamManager } from '@nats-io/jetstream';
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

export { jetstreamManager };
