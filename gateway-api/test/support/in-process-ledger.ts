import { readFileSync } from 'node:fs';
import { Metadata, type ServiceError, status as GrpcStatus } from '@grpc/grpc-js';
import { EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import type { NatsConnection } from '@nats-io/transport-node';
import { ACTOR_TRANSIENT_KEY, implicitCollectionOf } from '@reciprocal-clubs/chaincode/model';
import type { LedgerReader, ParsedBlock } from '@reciprocal-clubs/event-indexer';
import type pg from 'pg';
import { loadNetworkProfile } from '../../../chaincode/test/integration/network-profile.js';
import { FakeLedger } from '../../../chaincode/test/support/ledger.js';
import { parseBlock } from '../../../event-indexer/src/blocks/parse-block.js';
import { OutboxPublisher, ensureNotificationStream } from '../../../event-indexer/src/outbox/publisher.js';
import { applyBlock } from '../../../event-indexer/src/store/block-writer.js';
import { type BlockTransactionSpec, type BuiltBlock, type TransactionSpec, buildBlock } from '../../../event-indexer/test/support/block-builder.js';
import type { Caller } from '../../src/caller.js';
import type { CommittedTransaction, Ledger, LedgerCall } from '../../src/ledger.js';
import { fabricRoleOf } from '../../src/fabric-ledger.js';
import { toApiError } from '../../src/ledger-errors.js';
import { writesOf } from '../../../event-indexer/test/support/journey.js';
import { BuiltChaincode, type Simulation, type SimulationStub } from './built-chaincode.js';

export interface InProcessLedgerOptions {
    /** The one channel this ledger is. */
    readonly channel: string;
    /** Each club's index, by MSP ID: a pool on the club's migrated schema. Every block reaches each. */
    readonly indexes: Readonly<Record<string, pg.Pool>>;
    /** Where the indexes' outboxes are published (JetStream). */
    readonly nats: NatsConnection;
    /** The chaincode's name in blocks, as the indexers select it; `reciprocal` by default. */
    readonly chaincodeName?: string;
}

/** Transactions are a second apart on the ledger's clock, from the FakeLedger's start (2026-03-02T10:00Z). */
const SECONDS_BETWEEN_TRANSACTIONS = 1;

/**
 * A `Ledger` for tests only, with everything real but Fabric itself. Each call is dispatched to the built chaincode
 * through fabric-shim's contract runtime (see BuiltChaincode) on the chaincode's FakeLedger world state, signed
 * with the certificate the caller's club's Fabric CA issued for the caller's Fabric role (.network/network.json),
 * with the call's transient map and the caller's subject as `actor`. A submitted transaction the chaincode
 * accepts is committed and becomes a block of its own (the event-indexer's block builder: its public writes,
 * private writes and chaincode event), which every club's indexer applies to its schema (applyBlock, with only
 * that club's implicit collection), and the outboxes are drained to NATS JetStream; only then does submit
 * resolve, so the read model and notifications are current. A refusal commits nothing and makes no block: it
 * surfaces as fabric-gateway's EndorseError (evaluate: GatewayError) carrying the chaincode's message in its
 * details, mapped by ledger-errors exactly as FabricLedger maps it.
 *
 * It does NOT enforce endorsement policies — the channel's majority, key-level policies; `endorsingOrganizations`
 * is ignored — nor model private data dissemination, MVCC conflicts (transactions run one at a time) or
 * signatures: those need real peers and an orderer. It is also a LedgerReader over the blocks it built, for the
 * integrity check.
 */
export class InProcessLedger implements Ledger, LedgerReader {
    readonly #channel: string;
    readonly #chaincodeName: string;
    readonly #indexes: readonly (readonly [string, pg.Pool])[];
    readonly #publishers: readonly OutboxPublisher[];
    readonly #chaincode = BuiltChaincode.load();
    readonly #profile = loadNetworkProfile();
    readonly #world = new FakeLedger();
    readonly #blocks: BuiltBlock[] = [];
    /** Submits run one after another, as blocks are cut. */
    #queue: Promise<unknown> = Promise.resolve();

    private constructor(options: InProcessLedgerOptions) {
        this.#channel = options.channel;
        this.#chaincodeName = options.chaincodeName ?? 'reciprocal';
        this.#indexes = Object.entries(options.indexes);
        this.#publishers = this.#indexes.map(([, pool]) => new OutboxPublisher(pool, options.nats));
    }

    /** The channel from its genesis block (a configuration transaction), indexed by every club. */
    static async open(options: InProcessLedgerOptions): Promise<InProcessLedger> {
        await ensureNotificationStream(options.nats);
        const ledger = new InProcessLedger(options);
        await ledger.#append({ kind: 'config', timestamp: ledger.#world.clock });
        return ledger;
    }

    /** The number of blocks, the genesis block included. */
    get height(): number {
        return this.#blocks.length;
    }

    submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction> {
        const submitted = this.#queue.then(() => this.#submit(caller, call));
        this.#queue = submitted.catch(() => undefined);
        return submitted;
    }

    async evaluate(caller: Caller, call: LedgerCall): Promise<string> {
        const simulation = await this.#simulate(caller, call, this.#world.clock);
        const { status, message = '', payload } = simulation.response;
        if (status !== 200) {
            const peerMessage = `chaincode response ${status}, ${message}`;
            throw toApiError(new GatewayError(nodeRefusal(GrpcStatus.UNKNOWN, `evaluate call to endorser returned error: ${peerMessage}`, caller.club, peerMessage)));
        }
        return Buffer.from(payload ?? []).toString('utf8');
    }

    /** The chain's copy of a block, as a peer's qscc would give it. */
    block(channel: string, blockNumber: bigint): Promise<ParsedBlock> {
        const built = channel === this.#channel ? this.#blocks[Number(blockNumber)] : undefined;
        return built === undefined
            ? Promise.reject(new Error(`channel ${channel} has no block ${blockNumber.toString()}`))
            : Promise.resolve(parseBlock(channel, built.block));
    }

    async #submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction> {
        const at = new Date(this.#world.clock.getTime() + SECONDS_BETWEEN_TRANSACTIONS * 1000);
        this.#world.clock = at;
        const simulation = await this.#simulate(caller, call, at);
        const { status, message = '', payload } = simulation.response;
        if (status !== 200) {
            const refusal = nodeRefusal(GrpcStatus.ABORTED, 'failed to endorse transaction, see attached details for more info', caller.club, `chaincode response ${status}, ${message}`);
            throw toApiError(new EndorseError({ ...refusal, transactionId: simulation.txId }));
        }
        simulation.commit();
        const event = simulation.stub.setEvent.getCalls().at(-1)?.args;
        const blockNumber = await this.#append({
            txId: simulation.txId,
            timestamp: at,
            creatorMsp: caller.club,
            chaincode: this.#chaincodeName,
            function: call.transaction,
            args: call.args,
            ...blockWritesOf(simulation.stub),
            ...(event === undefined ? {} : { event: { name: event[0], payload: event[1] } }),
        });
        return { result: Buffer.from(payload ?? []).toString('utf8'), transactionId: simulation.txId, blockNumber };
    }

    #simulate(caller: Caller, call: LedgerCall, at: Date): Promise<Simulation> {
        if (call.channel !== this.#channel) {
            const message = `channel ${call.channel} not found`;
            return Promise.reject(toApiError(new GatewayError(nodeRefusal(GrpcStatus.NOT_FOUND, message, caller.club, message))));
        }
        const role = fabricRoleOf[caller.role];
        const identity = this.#profile.clubs[caller.club]?.identities[role];
        if (identity === undefined) {
            return Promise.reject(new Error(`the network has no ${role} identity of ${caller.club}`));
        }
        return this.#chaincode.simulate(
            this.#world,
            { mspId: caller.club, certificate: readFileSync(identity.certPath) },
            { transaction: call.transaction, args: call.args, transient: { ...call.transient, [ACTOR_TRANSIENT_KEY]: caller.subject }, at },
        );
    }

    /** Cuts a block of one transaction, has every club index it, and publishes their notifications. */
    async #append(transaction: BlockTransactionSpec): Promise<bigint> {
        const spec = {
            channel: this.#channel,
            number: BigInt(this.#blocks.length),
            previousHash: this.#blocks.at(-1)?.headerHash ?? new Uint8Array(),
        };
        for (const [club, pool] of this.#indexes) {
            const delivered = buildBlock({ ...spec, transactions: [deliveredTo(transaction, club)] });
            await applyBlock(pool, parseBlock(this.#channel, delivered.block, delivered.privateData), { chaincodeName: this.#chaincodeName, ownClub: club });
        }
        this.#blocks.push(buildBlock({ ...spec, transactions: [transaction] }));
        for (const publisher of this.#publishers) {
            let round;
            do {
                round = await publisher.publishPending();
            } while (round.published > 0);
        }
        return spec.number;
    }
}

/** A transaction as a club's peer delivers it: with the private writes of the club's own implicit collection only. */
function deliveredTo(transaction: BlockTransactionSpec, club: string): BlockTransactionSpec {
    if (transaction.kind !== undefined && transaction.kind !== 'endorser') {
        return transaction;
    }
    const collection = implicitCollectionOf(club);
    const endorsed: TransactionSpec = transaction;
    return { ...endorsed, privateWrites: (endorsed.privateWrites ?? []).filter((write) => write.collection === collection) };
}

/** What fabric-gateway's errors carry of a node's refusal: the node's own message travels in the details. */
function nodeRefusal(code: GrpcStatus, message: string, mspId: string, nodeMessage: string) {
    const cause: ServiceError = Object.assign(new Error(`${code} ${GrpcStatus[code]}: ${message}`), { code, details: message, metadata: new Metadata() });
    return { code, message, cause, details: [{ address: `in-process peer of ${mspId}`, mspId, message: nodeMessage }] };
}

/** What a simulated transaction wrote, as its block carries it. */
function blockWritesOf(stub: SimulationStub): Pick<TransactionSpec, 'writes' | 'privateWrites'> {
    const { publicWrites, privateWrites } = writesOf(stub);
    return { writes: publicWrites, privateWrites };
}
