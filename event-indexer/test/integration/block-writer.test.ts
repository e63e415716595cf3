import { randomBytes } from 'node:crypto';
import { common } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type pg from 'pg';
import sinon from 'sinon';
import { HARBOUR } from '../../../chaincode/test/support/fixtures.js';
import { parseBlock } from '../../src/blocks/parse-block.js';
import { type BlockOutcome, applyBlock, applyBlocks } from '../../src/store/block-writer.js';
import { TEST_CHAINCODE, buildBlock, ledgerEventTransaction, type BuiltBlock } from '../support/block-builder.js';
import { type TestDatabase, freshDatabase } from '../support/database.js';
import { OPERATIONAL_COLUMNS, indexContents } from '../support/file-indexer.js';
import {
    type Journey,
    type JourneyTransaction,
    READ_MODEL_TABLES,
    type ReadModelTable,
    personalRecordsOf,
    runJourney,
    worldStateByTable,
} from '../support/journey.js';

describe('applyBlock: one database transaction per block (real PostgreSQL)', function () {
    this.timeout(60_000);
    const channel = `bw${randomBytes(4).toString('hex')}`;
    const writer = { chaincodeName: TEST_CHAINCODE, ownClub: HARBOUR };
    let journey: Journey;
    let db: TestDatabase;

    /** As the peer delivers it: through the wire, with the private data the indexing club may read. */
    const delivered = (built: BuiltBlock) => parseBlock(channel, common.Block.deserializeBinary(built.block.serializeBinary()), built.privateData);
    const apply = (blockNumber: number) => applyBlock(db.pool, delivered(journey.blocks[blockNumber]!), writer);

    async function applyUpTo(lastBlock: number): Promise<BlockOutcome[]> {
        const outcomes: BlockOutcome[] = [];
        for (let blockNumber = 0; blockNumber <= lastBlock; blockNumber += 1) {
            outcomes.push(await apply(blockNumber));
        }
        return outcomes;
    }

    const transactionsOf = (blockNumber: number) => journey.transactions.filter((tx) => tx.blockNumber === BigInt(blockNumber));

    /** The first block of at least `size` valid check-ins and nothing else. */
    function blockOfCheckIns(size: number): number {
        const found = journey.blocks.findIndex((_, blockNumber) => {
            const transactions = transactionsOf(blockNumber);
            return transactions.length >= size && transactions.every((tx) => tx.function === 'Visit:checkIn' && tx.validationCode === 'VALID');
        });
        expect(found, `a block of ${size.toString()} check-ins`).to.be.greaterThan(0);
        return found;
    }

    async function checkpoint(): Promise<{ next_block: string; next_tx_index: number }[]> {
        const { rows } = await db.pool.query<{ next_block: string; next_tx_index: number }>('SELECT next_block, next_tx_index FROM checkpoints WHERE channel = $1', [channel]);
        return rows;
    }

    async function column<T>(sql: string, ...values: unknown[]): Promise<T[]> {
        const { rows } = await db.pool.query<{ value: T }>(sql, values);
        return rows.map((row) => row.value);
    }

    before(async () => {
        journey = await runJourney({ channel, visits: 18, faults: { mvccConflicts: 1, malformedEnvelopes: 1, unknownEntityKinds: 1 } });
    });

    beforeEach(async () => {
        db = await freshDatabase();
    });

    afterEach(async () => {
        sinon.restore();
        await db.drop();
    });

    it('applies the journey block by block: the read model is the world state, the own personal data the club’s private data', async () => {
        const outcomes = await applyUpTo(journey.blocks.length - 1);

        const worldState = worldStateByTable(journey.ledger);
        for (const table of Object.keys(READ_MODEL_TABLES) as ReadModelTable[]) {
            const data = await column(`SELECT data AS value FROM ${table} WHERE channel = $1`, channel);
            expect(data, table).to.have.deep.members(worldState[table]).and.not.be.empty;
        }
        const personal = await db.pool.query<{ member_number: string; data: unknown }>(
            'SELECT member_number, data FROM member_personal_data WHERE channel = $1 ORDER BY member_number',
            [channel],
        );
        const records = [...personalRecordsOf(journey.ledger, HARBOUR)].map(([memberNumber, data]) => ({ member_number: memberNumber, data }));
        expect(personal.rows).to.deep.equal(records).and.to.have.lengthOf.at.least(2);
        const erased = journey.transactions.find((tx) => tx.function === 'Member:erasePersonalData')!;
        expect(await column('SELECT tx_id AS value FROM member_personal_data_erasures WHERE channel = $1', channel)).to.deep.equal([erased.txId]);

        expect(outcomes.every((outcome) => !outcome.alreadyIndexed && outcome.skipped === 0)).to.be.true;
        expect(outcomes.reduce((sum, outcome) => sum + outcome.applied, 0)).to.equal(journey.transactions.length + 1);
        expect(outcomes.reduce((sum, outcome) => sum + outcome.invalid, 0)).to.equal(1);
    });

    it('applies the journey in batches of several blocks, its faults among them, with the rows and outcomes of block by block', async () => {
        const oneByOne = await applyUpTo(journey.blocks.length - 1);
        const expected = await indexContents(db.pool, OPERATIONAL_COLUMNS);
        const batched = await freshDatabase();
        try {
            const blocks = journey.blocks.map(delivered);
            const outcomes: BlockOutcome[] = [];
            for (let from = 0; from < blocks.length; from += 7) {
                const indexed = await applyBlocks(batched.pool, blocks.slice(from, from + 7), writer);
                outcomes.push(...indexed.map(({ outcome }) => outcome));
            }

            expect(outcomes).to.deep.equal(oneByOne);
            expect(outcomes.flatMap((outcome) => outcome.unprojected)).to.have.lengthOf(2);
            expect(await indexContents(batched.pool, OPERATIONAL_COLUMNS)).to.deep.equal(expected);
        } finally {
            await batched.drop();
        }
    });

    it('names in its outcome the transactions of a block it recorded but could not project, and why', async () => {
        const outcomes = await applyUpTo(journey.blocks.length - 1);

        const [malformed] = journey.transactions.filter((tx) => tx.fault === 'MALFORMED_ENVELOPE');
        const [unknown] = journey.transactions.filter((tx) => tx.fault === 'UNKNOWN_ENTITY_KIND');
        const [undecodable] = outcomes[Number(malformed!.blockNumber)]!.unprojected;
        expect(outcomes[Number(malformed!.blockNumber)]!.unprojected).to.have.lengthOf(1);
        expect(undecodable?.txId).to.equal(malformed!.txId);
        expect(undecodable?.reason).to.match(new RegExp(`^ENDORSER_TRANSACTION ${malformed!.txIndex.toString()} cannot be decoded: .+`));
        expect(outcomes[Number(unknown!.blockNumber)]!.unprojected).to.deep.equal([
            { txId: unknown!.txId, reason: 'not projected: no read-model table for entity kind "trophy"' },
        ]);
        expect(outcomes.flatMap((outcome) => outcome.unprojected)).to.have.lengthOf(2);
        for (const fault of [malformed!, unknown!]) {
            const projected = transactionsOf(Number(fault.blockNumber)).filter((tx) => tx !== fault && tx.event !== undefined);
            const notified = await column<number>(
                'SELECT DISTINCT tx_index AS value FROM outbox WHERE channel = $1 AND block_number = $2',
                channel,
                fault.blockNumber.toString(),
            );
            expect(notified, 'the rest of the block').to.have.members(projected.map((tx) => tx.txIndex)).and.not.be.empty;
        }
    });

    it('changes nothing, not even a timestamp, when every block is applied again', async () => {
        await applyUpTo(journey.blocks.length - 1);
        const before = await indexContents(db.pool);

        const replays = await applyUpTo(journey.blocks.length - 1);

        expect(replays.every((outcome) => outcome.alreadyIndexed && outcome.applied === 0)).to.be.true;
        expect(await indexContents(db.pool)).to.deep.equal(before);
    });

    it('resumes a block after the transactions its checkpoint says were applied, and applies only the rest', async () => {
        const resumed = blockOfCheckIns(3);
        const transactions = transactionsOf(resumed);
        const [first, second, ...rest] = transactions;
        await applyUpTo(resumed - 1);
        await db.pool.query('UPDATE checkpoints SET next_block = $2, next_tx_index = 2 WHERE channel = $1', [channel, resumed]);

        const outcome = await apply(resumed);

        expect(outcome).to.deep.equal({ applied: rest.length, skipped: 2, invalid: 0, unprojected: [], alreadyIndexed: false });
        const recorded = await column<number>('SELECT tx_index AS value FROM transactions WHERE channel = $1 AND block_number = $2 ORDER BY 1', channel, resumed);
        expect(recorded).to.deep.equal(rest.map((tx) => tx.txIndex));
        const visits = await column<string>('SELECT visit_id AS value FROM visits WHERE channel = $1 AND visit_id = ANY($2)', channel, transactions.map((tx) => tx.txId));
        expect(visits).to.have.members(rest.map((tx) => tx.txId)).and.not.include.members([first!.txId, second!.txId]);
        const notified = await column<number>('SELECT DISTINCT tx_index AS value FROM outbox WHERE channel = $1 AND block_number = $2', channel, resumed);
        expect(notified).to.have.members(rest.map((tx) => tx.txIndex));
        expect(await checkpoint()).to.deep.equal([{ next_block: String(resumed + 1), next_tx_index: 0 }]);
    });

    it('refuses a block that arrives after a gap, writing nothing, and takes the missing block next', async () => {
        await applyUpTo(4);
        const before = await indexContents(db.pool);

        let refusal: unknown;
        await apply(6).catch((error: unknown) => (refusal = error));

        expect(refusal).to.be.an('error').with.property('message', `block 6 of ${channel} arrived before block 5: a gap`);
        expect(await indexContents(db.pool)).to.deep.equal(before);
        expect((await apply(5)).applied).to.equal(transactionsOf(5).length);
        expect((await apply(6)).applied).to.equal(transactionsOf(6).length);
    });

    it('keeps the checkpoint with the rows: a projection failing for good (transient SQLSTATE) moves neither', async () => {
        const failing = blockOfCheckIns(2);
        await applyUpTo(failing - 1);
        await db.pool.query(`
            CREATE FUNCTION refuse_visit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'could not serialize access due to concurrent update' USING ERRCODE = 'serialization_failure'; END $$;
            CREATE TRIGGER refuse_visit BEFORE INSERT OR UPDATE ON visits FOR EACH ROW EXECUTE FUNCTION refuse_visit()`);
        const before = await indexContents(db.pool);

        let failure: unknown;
        await apply(failing).catch((error: unknown) => (failure = error));

        expect(failure).to.have.property('code', '40001');
        expect(await indexContents(db.pool)).to.deep.equal(before);
        expect(await checkpoint()).to.deep.equal([{ next_block: String(failing), next_tx_index: 0 }]);

        await db.pool.query('DROP TRIGGER refuse_visit ON visits');
        expect((await apply(failing)).applied).to.equal(transactionsOf(failing).length);
        expect(await checkpoint()).to.deep.equal([{ next_block: String(failing + 1), next_tx_index: 0 }]);
    });

    it('keeps the rows with the checkpoint: a connection lost at the checkpoint write leaves nothing of the block', async () => {
        const lost = blockOfCheckIns(2);
        await applyUpTo(lost - 1);
        const before = await indexContents(db.pool);
        // pg's own pool.query connects with a callback: only the block writer's connection is the faulty one.
        const connect = sinon.stub(db.pool, 'connect').callThrough();
        connect.onFirstCall().callsFake((async () => {
            const client = await db.pool.connect();
            const query = client.query.bind(client) as (text: unknown, values?: unknown) => Promise<pg.QueryResult>;
            sinon.stub(client, 'query').callsFake(((text: unknown, values?: unknown) =>
                typeof text === 'string' && text.includes('INSERT INTO checkpoints')
                    ? Promise.reject(new Error('Connection terminated unexpectedly'))
                    : query(text, values)) as never);
            return client;
        }) as never);

        let failure: unknown;
        await apply(lost).catch((error: unknown) => (failure = error));

        sinon.restore();
        expect(failure).to.be.an('error').with.property('message', 'Connection terminated unexpectedly');
        expect(await indexContents(db.pool)).to.deep.equal(before);
        expect((await apply(lost)).applied).to.equal(transactionsOf(lost).length);
    });

    it('skips what the read model cannot hold, even when the reason quotes words of a lost connection, and projects the rest of the block', async () => {
        const registration = journey.transactions.find((tx) => tx.event?.name === 'ClubRegistered')!;
        const acceptance = journey.transactions.find((tx) => tx.event?.name === 'AgreementAccepted')!;
        const connection = { ...registration.event!, txId: 'tx-connection', changes: [{ kind: 'clubConnection', value: { from: HARBOUR } }] };
        const [accepted] = acceptance.event!.changes;
        const terminated = { ...acceptance.event!, txId: 'tx-terminated', changes: [{ ...accepted, value: { ...accepted?.value, version: 'terminated' } }] };
        const block = buildBlock({
            channel,
            number: 0,
            transactions: [
                { txId: connection.txId, event: { name: connection.name, payload: JSON.stringify(connection) } },
                { txId: terminated.txId, event: { name: terminated.name, payload: JSON.stringify(terminated) } },
                ledgerEventTransaction(registration.event!),
            ],
        });

        const outcome = await applyBlock(db.pool, delivered(block), writer);

        expect(outcome.unprojected).to.deep.equal([
            { txId: 'tx-connection', reason: 'not projected: no read-model table for entity kind "clubConnection"' },
            { txId: 'tx-terminated', reason: 'not projected: invalid input syntax for type integer: "terminated"' },
        ]);
        expect(await column('SELECT data AS value FROM clubs WHERE channel = $1', channel)).to.deep.equal([clubOf(registration)]);
        expect(await column('SELECT count(*)::int AS value FROM agreements')).to.deep.equal([0]);
    });

    it('keeps a transaction’s strings as the ledger has them, the characters COPY gives a meaning to among them', async () => {
        const awkward = 'tab\there, line\nbreak, return\r, back\\slash, \\N';
        const prettyEvent = `{\n\t"name": "Odd",\n\t"note": ${JSON.stringify(awkward)}\n}`;
        const block = buildBlock({
            channel,
            number: 0,
            transactions: [{ txId: 'tx-awkward', function: awkward, event: { name: awkward, payload: prettyEvent }, writes: [{ key: awkward, value: awkward }] }],
        });

        await applyBlock(db.pool, delivered(block), writer);

        const { rows } = await db.pool.query<{ function: string; event_name: string; event: string; key: unknown; value: string }>(
            `SELECT function, event_name, event::text AS event, writes -> 0 -> 'key' AS key, writes -> 0 ->> 'value' AS value
             FROM transactions WHERE channel = $1`,
            [channel],
        );
        expect(rows).to.deep.equal([
            { function: awkward, event_name: awkward, event: prettyEvent, key: awkward, value: Buffer.from(awkward).toString('base64') },
        ]);
    });

    function clubOf(tx: JourneyTransaction): unknown {
        const [change] = tx.event!.changes;
        return change?.value;
    }
});
