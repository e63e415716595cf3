import type { Gateway } from '@hyperledger/fabric-gateway';

/** One round trip to the ledger on a channel: resolves once the peer answered. */
export type ChannelRoundTrip = (channel: string) => Promise<void>;

/**
 * qscc `GetChainInfo`, evaluated through the gateway endpoint: a Fabric >= 2.4 peer answers it itself, and
 * our Gateway service passes it on to its peer, so an answer means the peer is there.
 */
export function chainInfoRoundTrip(gateway: Gateway, timeoutMs = 2_000): ChannelRoundTrip {
    return async (channel) => {
        const proposal = gateway.getNetwork(channel).getContract('qscc').newProposal('GetChainInfo', { arguments: [channel] });
        await proposal.evaluate({ deadline: Date.now() + timeoutMs });
    };
}

export interface LedgerHeartbeatOptions {
    /** The club's channels; with none, nothing can show the ledger reachable, so it never is. */
    readonly channels: readonly string[];
    readonly roundTrip: ChannelRoundTrip;
    /** Pause between two rounds; default 2 s. */
    readonly intervalMs?: number;
    /** How long a successful round trip vouches for the ledger; default 6 s (a round may hang until its own timeout). */
    readonly freshForMs?: number;
    /** Told when a channel becomes reachable or unreachable (not on every round), e.g. to log it. */
    readonly onChange?: (channel: string, reachable: boolean, error?: unknown) => void;
}

/**
 * Round trips to the ledger on every channel, every few seconds: ready only while each channel's latest
 * round trip succeeded, recently. An open connection alone proves nothing: gRPC dials lazily.
 */
export class LedgerHeartbeat {
    readonly #options: LedgerHeartbeatOptions;
    /** When each channel last answered; absent since its latest round trip failed. */
    readonly #answeredAt = new Map<string, number>();
    /** What `onChange` last said of each channel. */
    readonly #told = new Map<string, boolean>();
    #timer: NodeJS.Timeout | undefined;
    #stopped = true;

    constructor(options: LedgerHeartbeatOptions) {
        this.#options = options;
    }

    /** Starts the rounds; the first runs now and resolves the returned promise when done. */
    start(): Promise<void> {
        this.#stopped = false;
        return this.#round();
    }

    isReady(): boolean {
        const freshSince = Date.now() - (this.#options.freshForMs ?? 6_000);
        const { channels } = this.#options;
        return channels.length > 0 && channels.every((channel) => (this.#answeredAt.get(channel) ?? -Infinity) >= freshSince);
    }

    stop(): void {
        this.#stopped = true;
        clearTimeout(this.#timer);
    }

    async #round(): Promise<void> {
        await Promise.all(this.#options.channels.map((channel) => this.#probe(channel)));
        if (!this.#stopped) {
            this.#timer = setTimeout(() => void this.#round(), this.#options.intervalMs ?? 2_000);
            // A heartbeat never keeps the process alive on its own.
            this.#timer.unref();
        }
    }

    async #probe(channel: string): Promise<void> {
        try {
            await this.#options.roundTrip(channel);
            this.#answeredAt.set(channel, Date.now());
            this.#tell(channel, true);
        } catch (error) {
            this.#answeredAt.delete(channel);
            this.#tell(channel, false, error);
        }
    }

    #tell(channel: string, reachable: boolean, error?: unknown): void {
        if (this.#told.get(channel) !== reachable) {
            this.#told.set(channel, reachable);
            this.#options.onChange?.(channel, reachable, error);
        }
    }
}
