import { LedgerHeartbeat, chainInfoRoundTrip } from '@reciprocal-clubs/ledger-connection';
import type { Logger } from 'pino';
import type { ClubGateways } from './club-gateways.js';

export interface LedgerReadinessOptions {
    readonly gateways: ClubGateways;
    /** Each served club's channels, by MSP ID. */
    readonly channels: Readonly<Record<string, readonly string[]>>;
    readonly logger: Logger;
}

/**
 * Round trips to every served club's peer on each of its channels (see LedgerHeartbeat), through the same
 * connection the club's calls use: the ledger is ready only while every club's peer answers.
 */
export class LedgerReadiness {
    readonly #heartbeats: readonly LedgerHeartbeat[];

    constructor(options: LedgerReadinessOptions) {
        this.#heartbeats = Object.entries(options.channels).map(
            ([club, channels]) =>
                new LedgerHeartbeat({
                    channels,
                    roundTrip: chainInfoRoundTrip(options.gateways.gatewayOf(club, 'auditor')),
                    onChange: (channel, reachable, error) => {
                        if (reachable) {
                            options.logger.info({ club, channel }, 'the peer answers');
                        } else {
                            options.logger.warn({ club, channel, err: error }, 'the peer does not answer');
                        }
                    },
                }),
        );
    }

    /** Starts every heartbeat; resolves when each has had its first round. */
    async start(): Promise<void> {
        await Promise.all(this.#heartbeats.map((heartbeat) => heartbeat.start()));
    }

    isReady(): boolean {
        return this.#heartbeats.every((heartbeat) => heartbeat.isReady());
    }

    stop(): void {
        for (const heartbeat of this.#heartbeats) {
            heartbeat.stop();
        }
    }
}
