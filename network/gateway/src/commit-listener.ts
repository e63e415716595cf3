import type { Logger } from 'pino';
import type { Endpoint } from './connections.js';
import { asGatewayRpcError } from './error-detail.js';
import type { GatewayIdentity } from './identity.js';
import { newestPosition, newSeekEnvelope, openDeliver, specifiedPosition, type DeliverStream } from './deliver.js';

export interface TransactionStatus {
    readonly code: number;
    readonly blockNumber: number;
}

type Waiter = (status: TransactionStatus) => void;

const recentLimit = 50_000;

/**
 * Follows one channel's blocks on the gateway's own peer (filtered blocks: transaction IDs and
 * validation codes) and tells waiters when their transaction commits. Reconnects with backoff,
 * resuming after the last block it saw.
 */
export class ChannelCommitListener {
    readonly channel: string;
    readonly #identity: GatewayIdentity;
    readonly #peer: Endpoint;
    readonly #logger: Logger;
    readonly #waiters = new Map<string, Set<Waiter>>();
    readonly #recent = new Map<string, TransactionStatus>();
    /** Submitted through this gateway while the listener followed the chain, and not yet seen in a block. */
    readonly #submittedHere = new Set<string>();
    readonly ready: Promise<void>;
    #markReady: () => void = () => undefined;
    #failReady: (error: unknown) => void = () => undefined;
    #isReady = false;
    #nextBlock: number | undefined;
    #stream: DeliverStream | undefined;
    #closed = false;

    constructor(channel: string, identity: GatewayIdentity, localPeer: Endpoint, logger: Logger, onFirstFailure: () => void) {
        this.channel = channel;
        this.#identity = identity;
        this.#peer = localPeer;
        this.#logger = logger.child({ channel, component: 'commit-listener' });
        this.ready = new Promise<void>((resolve, reject) => {
            this.#markReady = resolve;
            this.#failReady = reject;
        });
        this.ready.catch(() => {
            onFirstFailure();
        });
        void this.#run();
    }

    /** Registers interest in a transaction; call before looking it up elsewhere so nothing slips between. */
    wait(transactionId: string): { readonly committed: Promise<TransactionStatus>; cancel(): void } {
        const known = this.#recent.get(transactionId);
        if (known) {
            return { committed: Promise.resolve(known), cancel: () => undefined };
        }
        let waiter: Waiter = () => undefined;
        const committed = new Promise<TransactionStatus>((resolve) => {
            waiter = resolve;
        });
        const set = this.#waiters.get(transactionId) ?? new Set<Waiter>();
        set.add(waiter);
        this.#waiters.set(transactionId, set);
        return {
            committed,
            cancel: () => {
                set.delete(waiter);
                if (set.size === 0 && this.#waiters.get(transactionId) === set) {
                    this.#waiters.delete(transactionId);
                }
            },
        };
    }

    /**
     * Notes a transaction this gateway has just passed to an orderer. Once the listener follows the chain, such a
     * transaction can only commit in a block it has yet to see, so its CommitStatus needs no look back (QSCC).
     */
    submitted(transactionId: string): void {
        if (!this.#isReady || this.#recent.has(transactionId)) {
            return;
        }
        this.#submittedHere.add(transactionId);
        if (this.#submittedHere.size > recentLimit) {
            this.#submittedHere.delete(this.#submittedHere.values().next().value ?? transactionId);
        }
    }

    /** True for a transaction submitted here (see `submitted`) that no block has carried yet. */
    awaitsCommit(transactionId: string): boolean {
        return this.#submittedHere.has(transactionId);
    }

    waiting(): number {
        return this.#waiters.size;
    }

    isClosed(): boolean {
        return this.#closed;
    }

    close(): void {
        this.#closed = true;
        this.#stream?.close();
    }

    /** Records a block's transactions (also the entry point tests use). */
    observe(blockNumber: number, transactions: readonly { transactionId: string; code: number }[]): void {
        this.#nextBlock = blockNumber + 1;
        for (const { transactionId, code } of transactions) {
            if (transactionId === '') {
                continue;
            }
            this.#submittedHere.delete(transactionId);
            const status = { code, blockNumber };
            if (this.#recent.has(transactionId)) {
                continue; // Fabric keeps the first; a duplicate transaction ID is invalid and changes nothing.
            }
            this.#recent.set(transactionId, status);
            if (this.#recent.size > recentLimit) {
                const oldest = this.#recent.keys().next();
                if (!oldest.done) {
                    this.#recent.delete(oldest.value);
                }
            }
            const waiters = this.#waiters.get(transactionId);
            if (waiters) {
                this.#waiters.delete(transactionId);
                waiters.forEach((notify) => {
                    notify(status);
                });
            }
        }
    }

    async #run(): Promise<void> {
        let backoffMs = 250;
        while (!this.#closed) {
            try {
                const start = this.#nextBlock === undefined ? newestPosition() : specifiedPosition(this.#nextBlock);
                this.#stream = openDeliver(this.#peer, await newSeekEnvelope(this.#identity, this.channel, start), this.channel, true);
                for await (const response of this.#stream) {
                    const block = response.getFilteredBlock();
                    if (!block) {
                        continue;
                    }
                    this.observe(
                        block.getNumber(),
                        block.getFilteredTransactionsList().map((tx) => ({ transactionId: tx.getTxid(), code: tx.getTxValidationCode() })),
                    );
                    backoffMs = 250;
                    if (!this.#isReady) {
                        this.#isReady = true;
                        this.#markReady();
                    }
                }
                if (!this.isClosed()) {
                    throw new Error('the peer ended the block stream');
                }
            } catch (error) {
                if (this.isClosed()) {
                    return;
                }
                if (!this.#isReady) {
                    this.#closed = true;
                    this.#failReady(asGatewayRpcError(error));
                    return;
                }
                this.#logger.warn({ err: asGatewayRpcError(error).message, retryInMs: backoffMs }, 'commit listener lost its block stream; reconnecting');
                await new Promise((resolve) => setTimeout(resolve, backoffMs));
                backoffMs = Math.min(backoffMs * 2, 10_000);
            }
        }
    }
}

/** One commit listener per channel, started on first use. */
export class CommitListeners {
    readonly #identity: GatewayIdentity;
    readonly #peer: Endpoint;
    readonly #logger: Logger;
    readonly #channels = new Map<string, ChannelCommitListener>();

    constructor(identity: GatewayIdentity, localPeer: Endpoint, logger: Logger) {
        this.#identity = identity;
        this.#peer = localPeer;
        this.#logger = logger;
    }

    for(channel: string): ChannelCommitListener {
        let listener = this.#channels.get(channel);
        if (!listener) {
            const created = new ChannelCommitListener(channel, this.#identity, this.#peer, this.#logger, () => {
                if (this.#channels.get(channel) === created) {
                    this.#channels.delete(channel);
                }
            });
            listener = created;
            this.#channels.set(channel, listener);
        }
        return listener;
    }

    close(): void {
        for (const listener of this.#channels.values()) {
            listener.close();
        }
        this.#channels.clear();
    }
}
