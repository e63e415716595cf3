import { type NatsConnection, connect } from '@nats-io/transport-node';
import { type UntilReachableOptions, untilReachable } from '../startup/until-reachable.js';

/**
 * A NATS connection that reconnects for ever once made; the first connection is tried for at most
 * `withinMs` (start-up's bounded wait) rather than waited for without end.
 */
export function connectToNats(servers: readonly string[], options: Omit<UntilReachableOptions, 'neighbour'>): Promise<NatsConnection> {
    return untilReachable(() => connect({ servers: [...servers], maxReconnectAttempts: -1, timeout: 5_000 }), { neighbour: 'NATS', ...options });
}
