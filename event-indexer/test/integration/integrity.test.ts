import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { HARBOUR } from '../../../chaincode/test/support/fixtures.js';
import { headerHash } from '../../src/blocks/header-hash.js';
import { parseBlock } from '../../src/blocks/parse-block.js';
import { type IntegrityReport, verifyIndexIntegrity } from '../../src/integrity.js';
import { FileLedgerReader } from '../../src/source/ledger-readers.js';
import { applyBlock } from '../../src/store/block-writer.js';
import { TEST_CHAINCODE } from '../support/block-builder.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../support/database.js';
import { type Journey, type JourneyTransaction, runJourney, writeBlockFiles } from '../support/journey.js';
import { natsServers } from '../support/nats.js';

const repository = fileURLToPath(new URL('../../..', import.meta.url));

describe('verifyIndexIntegrity: the indexed chain against the ledger’s own blocks (FileLedgerReader)', function () {
    this.timeout(60_000);
    const channel = `iv${randomBytes(4).toString('hex')}`;
    let journey: Journey;
    let blocksDir: string;
    let ledger: FileLedgerReader;
    let db: TestDatabase;

    const verify = (): Promise<IntegrityReport> => verifyIndexIntegrity(db.pool, ledger, channel);
    const broken = (blockNumber: number, problem: string): IntegrityReport => ({ ok: false, channel, blockNumber: BigInt(blockNumber), problem });
    const differs = (tx: JourneyTransaction, columns: string) =>
        broken(Number(tx.blockNumber), `transaction ${tx.txIndex.toString()} (${tx.txId}) differs from the peer's: ${columns}`);

    async function tamper(sql: string, ...values: unknown[]): Promise<void> {
        const { rowCount } = await db.pool.query(sql, values);
        expect(rowCount, sql).to.be.greaterThan(0);
    }

    /** Gives block `from` another data hash and recomputes the header hashes of it and every later block, each linked to the one before. */
    async function rewriteChainFrom(from: number): Promise<void> {
        const { rows } = await db.pool.query<{ block_number: string; data_hash: Buffer; previous_hash: Buffer }>(
            'SELECT block_number, data_hash, previous_hash FROM blocks WHERE channel = $1 AND block_number >= $2 ORDER BY block_number',
            [channel, from],
        );
        let previousHash = rows[0]!.previous_hash as Uint8Array;
        for (const row of rows) {
            const number = BigInt(row.block_number);
            const dataHash = number === BigInt(from) ? new Uint8Array(32).fill(7) : row.data_hash;
            const hash = headerHash(number, previousHash, dataHash);
            await tamper(
                'UPDATE blocks SET data_hash = $3, previous_hash = $4, header_hash = $5 WHERE channel = $1 AND block_number = $2',
                channel,
                row.block_number,
                Buffer.from(dataHash),
                Buffer.from(previousHash),
                Buffer.from(hash),
            );
            previousHash = hash;
        }
    }

    const transactionWhere = (predicate: (tx: JourneyTransaction) => boolean) => journey.transactions.find(predicate)!;

    before(async () => {
        journey = await runJourney({ channel, visits: 12, faults: { mvccConflicts: 1, malformedEnvelopes: 1, unknownEntityKinds: 1 } });
        blocksDir = await mkdtemp(path.join(tmpdir(), 'rcn-integrity-'));
        await writeBlockFiles(blocksDir, channel, journey.blocks);
        ledger = new FileLedgerReader(blocksDir);
        execFileSync('npx', ['tsc', '--build', 'event-indexer'], { cwd: repository, stdio: 'ignore' });
    });

    after(async () => {
        await rm(blocksDir, { recursive: true, force: true });
    });

    beforeEach(async () => {
        db = await freshDatabase();
        for (const { block, privateData } of journey.blocks) {
            await applyBlock(db.pool, parseBlock(channel, block, privateData), { chaincodeName: TEST_CHAINCODE, ownClub: HARBOUR });
        }
    });

    afterEach(async () => {
        await db.drop();
    });

    it('passes a healthy index, every block compared with the ledger', async () => {
        expect(journey.blocks.length).to.be.greaterThan(20);
        expect(await verify()).to.deep.equal({ ok: true, channel, blocks: journey.blocks.length });
    });

    it('names the block whose stored hash no longer matches its header', async () => {
        await tamper('UPDATE blocks SET data_hash = $2 WHERE channel = $1 AND block_number = 5', channel, Buffer.alloc(32, 1));
        expect(await verify()).to.deep.equal(broken(5, 'the stored header hash does not match the stored header'));
    });

    it('names a block whose previous hash was changed, its own hash recomputed to match: the chain no longer links', async () => {
        const forgedPrevious = Buffer.alloc(32, 7);
        const hash = headerHash(6n, forgedPrevious, journey.blocks[6]!.block.getHeader()!.getDataHash_asU8());
        await tamper('UPDATE blocks SET previous_hash = $2, header_hash = $3 WHERE channel = $1 AND block_number = 6', channel, forgedPrevious, Buffer.from(hash));
        expect(await verify()).to.deep.equal(broken(6, 'the previous hash does not link to block 5'));
    });

    it('names the first block of a chain rewritten consistently to its end: only the ledger can tell', async () => {
        await rewriteChainFrom(5);
        expect(await verify()).to.deep.equal(broken(5, "the block's header hash differs from the peer's"));
    });

    it('names a transaction whose validation code was changed', async () => {
        const invalid = transactionWhere((tx) => tx.validationCode === 'MVCC_READ_CONFLICT');
        await tamper(
            `UPDATE transactions SET validation_code = 'VALID', is_valid = true WHERE channel = $1 AND tx_id = $2`,
            channel,
            invalid.txId,
        );
        expect(await verify()).to.deep.equal(differs(invalid, 'validation_code, is_valid'));
    });

    it('names a transaction whose event was changed', async () => {
        const checkIn = transactionWhere((tx) => tx.function === 'Visit:checkIn' && tx.validationCode === 'VALID');
        await tamper(
            `UPDATE transactions SET event = jsonb_set(event::jsonb, '{changes,0,value,fee,amountMinor}', '0')::json WHERE channel = $1 AND tx_id = $2`,
            channel,
            checkIn.txId,
        );
        expect(await verify()).to.deep.equal(differs(checkIn, 'event'));
    });

    it('names a transaction whose writes were changed', async () => {
        const checkOut = transactionWhere((tx) => tx.function === 'Visit:checkOut');
        await tamper(`UPDATE transactions SET writes = (writes::jsonb - 0)::json WHERE channel = $1 AND tx_id = $2`, channel, checkOut.txId);
        expect(await verify()).to.deep.equal(differs(checkOut, 'writes'));
    });

    it('names a transaction missing from the history', async () => {
        const enrolment = transactionWhere((tx) => tx.function === 'Member:enrol');
        await tamper('DELETE FROM transactions WHERE channel = $1 AND tx_id = $2', channel, enrolment.txId);
        expect(await verify()).to.deep.equal(differs(enrolment, 'the row is missing'));
    });

    it('names a block whose history holds a transaction the ledger’s block does not', async () => {
        const last = journey.transactions.filter((tx) => tx.blockNumber === 7n).at(-1)!;
        await tamper(
            `INSERT INTO transactions (channel, block_number, tx_index, tx_id, type, creator_msp, created_at, validation_code, is_valid, writes)
             SELECT channel, block_number, tx_index + 1, 'forged', type, creator_msp, created_at, validation_code, is_valid, writes
             FROM transactions WHERE channel = $1 AND block_number = 7 AND tx_index = $2`,
            channel,
            last.txIndex,
        );
        const held = last.txIndex + 1;
        expect(await verify()).to.deep.equal(
            broken(7, `the index holds ${(held + 1).toString()} transactions of the block; the peer's holds ${held.toString()}`),
        );
    });

    it('names the block after a block missing from the index', async () => {
        await tamper('DELETE FROM transactions WHERE channel = $1 AND block_number = 7', channel);
        await tamper('DELETE FROM blocks WHERE channel = $1 AND block_number = 7', channel);
        expect(await verify()).to.deep.equal(broken(8, 'block 7 is missing from the index'));
    });

    it('rcn-indexer verify exits 0 on a healthy index and 1, naming the block, on a tampered one', async () => {
        const healthy = await runVerify(db.options.schema);
        expect(healthy).to.deep.equal({ code: 0, report: { ok: true, channel, blocks: journey.blocks.length } });

        await tamper('UPDATE blocks SET header_hash = $2 WHERE channel = $1 AND block_number = 3', channel, Buffer.alloc(32, 9));
        const tampered = await runVerify(db.options.schema);
        expect(tampered).to.deep.equal({
            code: 1,
            report: { ok: false, channel, blockNumber: '3', problem: 'the stored header hash does not match the stored header' },
        });
    });

    /** `rcn-indexer verify --channel <channel>` as an operator runs it, from the built package. */
    function runVerify(schema: string): Promise<{ code: number; report: unknown }> {
        const env = {
            ...process.env,
            INDEXER_CLUB: HARBOUR,
            INDEXER_BLOCKS_DIR: blocksDir,
            DATABASE_URL: postgresUrl(),
            INDEXER_SCHEMA: schema,
            NATS_SERVERS: natsServers().join(','),
        };
        const main = path.join(repository, 'event-indexer/dist/main.js');
        return new Promise((resolve, reject) => {
            execFile(process.execPath, [main, 'verify', '--channel', channel], { env }, (error, stdout, stderr) => {
                const code = error === null ? 0 : error.code;
                if (typeof code !== 'number') {
                    reject(new Error(`rcn-indexer verify did not run: ${error?.message ?? ''} ${stderr}`));
                    return;
                }
                resolve({ code, report: JSON.parse(stdout) as unknown });
            });
        });
    }
});
