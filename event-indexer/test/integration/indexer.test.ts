import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Club } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { HARBOUR } from '../../../chaincode/test/support/fixtures.js';
import { NOTIFICATION_STREAM } from '../../src/outbox/publisher.js';
import { type FileIndexer, OPERATIONAL_COLUMNS, indexContents, startFileIndexer } from '../support/file-indexer.js';
import {
    type Journey,
    type JourneyTransaction,
    READ_MODEL_TABLES,
    type ReadModelTable,
    expectedNotifications,
    runJourney,
    worldStateByTable,
    writeBlockFiles,
} from '../support/journey.js';
import { connectNats, jetstreamManager, messagesPerSubject } from '../support/nats.js';

/** Every table migrations 001 and 002 create: a rebuild must reproduce each of them. */
const INDEX_TABLES = [
    'agreements',
    'bars',
    'blocks',
    'checkpoints',
    'clubs',
    'consortium_rules',
    'introductions',
    'member_personal_data',
    'member_personal_data_erasures',
    'members',
    'outbox',
    'proposals',
    'transactions',
    'visit_usage',
    'visits',
    'votes',
];

describe('the indexer end to end: a journey followed from block files into PostgreSQL and NATS JetStream', function () {
    this.timeout(120_000);
    const channel = `e2e${randomBytes(4).toString('hex')}`;
    let blocksDir: string;
    let journey: Journey;
    let live: FileIndexer;
    let nats: NatsConnection;
    let manager: JetStreamManager;
    let lastBlock: bigint;
    /** Where the live indexer stood after the first half of the chain, before the rest was committed. */
    let checkpointAtHalf: string | undefined;

    const faulty = (fault: JourneyTransaction['fault']) => journey.transactions.filter((tx) => tx.fault === fault);

    before(async () => {
        blocksDir = await mkdtemp(path.join(tmpdir(), 'rcn-indexer-'));
        journey = await runJourney({ channel, visits: 40, faults: { mvccConflicts: 2, malformedEnvelopes: 1, unknownEntityKinds: 1 } });
        lastBlock = BigInt(journey.blocks.length - 1);
        nats = await connectNats();
        manager = await jetstreamManager(nats);

        const half = Math.floor(journey.blocks.length / 2);
        await writeBlockFiles(blocksDir, channel, journey.blocks.slice(0, half));
        live = await startFileIndexer({ blocksDir, channel });
        await live.waitForBlock(BigInt(half - 1));
        await sleep(200);
        const { rows } = await live.pool.query<{ next_block: string }>('SELECT next_block FROM checkpoints');
        checkpointAtHalf = rows[0]?.next_block;
        for (let from = half; from < journey.blocks.length; from += 3) {
            await writeBlockFiles(blocksDir, channel, journey.blocks.slice(from, from + 3));
            await sleep(10);
        }
        await live.waitForBlock(lastBlock);
        await live.waitForNotifications();
    });

    after(async () => {
        // Whatever `before` got to start, it stops.
        await (live as FileIndexer | undefined)?.drop();
        await (manager as JetStreamManager | undefined)?.streams.purge(NOTIFICATION_STREAM, { filter: `clubs.${channel}.>` });
        await (nats as NatsConnection | undefined)?.drain();
        await rm(blocksDir, { recursive: true, force: true });
    });

    it('follows the folder: it waits at the end of the chain and goes on as blocks are added', async () => {
        expect(checkpointAtHalf).to.equal(String(Math.floor(journey.blocks.length / 2)));
        const { rows } = await live.pool.query<{ next_block: string; next_tx_index: number }>('SELECT next_block, next_tx_index FROM checkpoints');
        expect(rows).to.deep.equal([{ next_block: String(journey.blocks.length), next_tx_index: 0 }]);
        const warnings = live.logs.filter((line) => line.level >= 40 && line.msg !== 'transaction recorded but not projected');
        expect(warnings, 'stream failures').to.be.empty;
    });

    it('holds every entity of the world state the journey left, exactly, and nothing else', async () => {
        const worldState = worldStateByTable(journey.ledger);
        for (const table of Object.keys(READ_MODEL_TABLES) as ReadModelTable[]) {
            const { rows } = await live.pool.query<{ data: unknown }>(`SELECT data FROM ${table} WHERE channel = $1`, [channel]);
            expect(worldState[table], table).not.to.be.empty;
            expect(rows.map(({ data }) => data), table).to.have.deep.members(worldState[table]);
        }
    });

    it('notifies every party club of every valid transaction once, on the club’s subject for the event', async () => {
        const expected = expectedNotifications(journey);
        expect(Object.keys(expected)).to.include.members([
            `clubs.${channel}.HarbourMSP.VisitCheckedIn`,
            `clubs.${channel}.AlpineMSP.VisitCancelled`,
            `clubs.${channel}.MetroMSP.ProposalClosed`,
            `clubs.${channel}.HarbourMSP.PersonalDataErased`,
        ]);
        expect(await messagesPerSubject(manager, channel)).to.deep.equal(expected);
    });

    it('sends with each notification the event, where the ledger committed it, and a message ID JetStream deduplicates by', async () => {
        const cancellation = journey.transactions.find((tx) => tx.event?.name === 'VisitCancelled')!;
        const home = cancellation.event!.parties[0]!;
        const message = await manager.streams.getMessage(NOTIFICATION_STREAM, { last_by_subj: `clubs.${channel}.${home}.VisitCancelled` });
        const last = journey.transactions.filter((tx) => tx.event?.name === 'VisitCancelled' && tx.event.parties.includes(home)).at(-1)!;

        expect(message?.json()).to.deep.equal({
            channel,
            blockNumber: last.blockNumber.toString(),
            txIndex: last.txIndex,
            txId: last.txId,
            event: last.event,
        });
        expect(message?.header.get('Nats-Msg-Id')).to.equal(`${channel}:${last.blockNumber.toString()}:${last.txIndex.toString()}:${home}`);
    });

    it('records a check-in that lost an MVCC read conflict with its validation code, projects nothing of it and notifies nobody', async () => {
        const conflicts = faulty('MVCC_READ_CONFLICT');
        expect(conflicts).to.have.lengthOf(2);
        for (const invalid of conflicts) {
            const member = memberCheckedIn(invalid);
            const winner = journey.transactions.find(
                (tx) => tx.blockNumber === invalid.blockNumber && tx.validationCode === 'VALID' && member !== undefined && memberCheckedIn(tx) === member,
            )!;
            expect(winner.txIndex, 'the check-in ordered before it').to.be.lessThan(invalid.txIndex);

            const history = await live.pool.query(
                `SELECT tx_id, validation_code, is_valid, function, event_name, event FROM transactions
                 WHERE channel = $1 AND block_number = $2 AND tx_index = $3`,
                [channel, invalid.blockNumber.toString(), invalid.txIndex],
            );
            expect(history.rows).to.deep.equal([
                {
                    tx_id: invalid.txId,
                    validation_code: 'MVCC_READ_CONFLICT',
                    is_valid: false,
                    function: 'Visit:checkIn',
                    event_name: 'VisitCheckedIn',
                    event: invalid.event,
                },
            ]);
            expect(await rowsWrittenBy(invalid.txId), 'rows written by the invalid check-in').to.equal(0);
            expect(await visitIds(invalid.txId, winner.txId)).to.deep.equal([winner.txId]);
            expect(await outboxTransactions(invalid.blockNumber)).to.include(winner.txIndex).and.not.include(invalid.txIndex);
        }
    });

    it('records a malformed envelope and an event of an unknown entity kind, skips them, projects the rest of their blocks, and streams on', async () => {
        const skipped = [...faulty('MALFORMED_ENVELOPE'), ...faulty('UNKNOWN_ENTITY_KIND')];
        expect(skipped).to.have.lengthOf(2);
        for (const fault of skipped) {
            const history = await live.pool.query<{ type: string; validation_code: string; function: string | null }>(
                `SELECT type, validation_code, function FROM transactions WHERE channel = $1 AND tx_id = $2`,
                [channel, fault.txId],
            );
            expect(history.rows).to.deep.equal([
                fault.fault === 'MALFORMED_ENVELOPE'
                    ? { type: 'MALFORMED', validation_code: 'VALID', function: null }
                    : { type: 'ENDORSER_TRANSACTION', validation_code: 'VALID', function: 'Trophy:award' },
            ]);
            const blockmates = journey.transactions.filter((tx) => tx.blockNumber === fault.blockNumber && tx !== fault);
            expect(blockmates.map((tx) => tx.txIndex), 'transactions before and after it').to.include.members([fault.txIndex - 1, fault.txIndex + 1]);
            expect(await outboxTransactions(fault.blockNumber)).to.have.members(blockmates.filter(notifies).map((tx) => tx.txIndex));
            expect(Number(fault.blockNumber), 'blocks follow it').to.be.lessThan(Number(lastBlock));
        }

        const warnings = live.logs.filter((line) => line.msg === 'transaction recorded but not projected');
        expect(warnings.map((line) => line.txId)).to.have.members(skipped.map((tx) => tx.txId));
        const unprojected = await live.running.metrics.unprojected.get();
        expect(unprojected.values.map(({ value }) => value)).to.deep.equal([2]);
    });

    it('applies none of the changes an event with an unknown entity kind reports, known kinds included', async () => {
        const [unknown] = faulty('UNKNOWN_ENTITY_KIND');
        const reported = unknown!.event!.changes.find((change) => change.kind === 'club')!.value;
        const { rows } = await live.pool.query<{ data: Club }>(`SELECT data FROM clubs WHERE channel = $1 AND msp_id = $2`, [channel, HARBOUR]);
        expect(rows[0]!.data.name).to.equal('Harbour Club').and.not.equal(reported.name);
        expect(await rowsWrittenBy(unknown!.txId)).to.equal(0);
    });

    it('rebuilds from block 0 into an empty schema exactly the rows of the live index, and JetStream drops the notifications sent again', async () => {
        const rebuilt = await startFileIndexer({ blocksDir, channel });
        try {
            await rebuilt.waitForBlock(lastBlock);
            await rebuilt.waitForNotifications();
            const [liveRows, rebuiltRows] = await Promise.all([indexContents(live.pool, OPERATIONAL_COLUMNS), indexContents(rebuilt.pool, OPERATIONAL_COLUMNS)]);

            expect(Object.keys(rebuiltRows)).to.deep.equal(INDEX_TABLES);
            expect(liveRows.transactions).to.have.lengthOf(journey.transactions.length + 1);
            for (const table of INDEX_TABLES) {
                expect(rebuiltRows[table], table).to.deep.equal(liveRows[table]);
            }
            expect(await messagesPerSubject(manager, channel)).to.deep.equal(expectedNotifications(journey));
        } finally {
            await rebuilt.drop();
        }
    });

    function notifies(tx: JourneyTransaction): boolean {
        return tx.validationCode === 'VALID' && tx.fault === undefined && tx.event !== undefined && tx.event.parties.length > 0;
    }

    function memberCheckedIn(tx: JourneyTransaction): string | undefined {
        const visit = tx.function === 'Visit:checkIn' ? tx.event?.changes.find((change) => change.kind === 'visit') : undefined;
        return visit?.kind === 'visit' ? visit.value.memberNumber : undefined;
    }

    /** Rows of the read model whose last change came from the transaction. */
    async function rowsWrittenBy(txId: string): Promise<number> {
        let count = 0;
        for (const table of [...Object.keys(READ_MODEL_TABLES), 'member_personal_data']) {
            const { rows } = await live.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tx_id = $1`, [txId]);
            count += rows[0]?.n ?? 0;
        }
        return count;
    }

    async function visitIds(...candidates: string[]): Promise<string[]> {
        const { rows } = await live.pool.query<{ visit_id: string }>(`SELECT visit_id FROM visits WHERE channel = $1 AND visit_id = ANY($2)`, [
            channel,
            candidates,
        ]);
        return rows.map((row) => row.visit_id);
    }

    /** The positions of the block's transactions that have outbox rows. */
    async function outboxTransactions(blockNumber: bigint): Promise<number[]> {
        const { rows } = await live.pool.query<{ tx_index: number }>(
            `SELECT DISTINCT tx_index FROM outbox WHERE channel = $1 AND block_number = $2 ORDER BY tx_index`,
            [channel, blockNumber.toString()],
        );
        return rows.map((row) => row.tx_index);
    }
});
