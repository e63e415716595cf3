import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import pg from 'pg';
import { indexContents, OPERATIONAL_COLUMNS } from '../../../event-indexer/test/support/file-indexer.js';
import { LiveNetwork } from '../support/live-network.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';
const CHANNEL = 'atlantic';
const indexerMain = fileURLToPath(new URL('../../../event-indexer/dist/main.js', import.meta.url));
const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

type Json = Record<string, unknown>;

/** What auditors rely on, on the real network: ledger truth through the API, the index checked against the peer, and rebuilds. */
describe('auditors on the real network', function () {
    this.timeout(240_000);
    let live: LiveNetwork;
    let auditor: string;
    let memberNumber: string;

    before(async () => {
        live = await LiveNetwork.open();
        auditor = await live.token({ sub: 'audrey', club: ALPINE, role: 'auditor' });
        memberNumber = await live.enrolMember(HARBOUR, CHANNEL);
    });
    after(() => live.close());

    it('auditTrail(member) equals the history the peer keeps for the key (GetHistoryForKey)', async () => {
        const { auditTrail } = await live.data<{ auditTrail: { transactionId: string; isDelete: boolean; value: Json | null }[] }>(
            auditor,
            'query($channel: String!, $id: String!) { auditTrail(channel: $channel, entity: member, id: $id) { transactionId isDelete value } }',
            { channel: CHANNEL, id: memberNumber },
        );
        const onPeer = (await live.gateway(METRO)).as('auditor').getNetwork(CHANNEL).getContract('reciprocal');
        const history = JSON.parse(utf8(await onPeer.evaluateTransaction('Audit:history', 'member', memberNumber))) as { txId: string; isDelete: boolean; value: Json | null }[];
        expect(auditTrail.length).to.be.greaterThan(1);
        expect(auditTrail).to.deep.equal(history.map(({ txId, isDelete, value }) => ({ transactionId: txId, isDelete, value })));
    });

    it('two concurrent check-ins of one member: the second is MVCC_READ_CONFLICT in the history, and in no projection', async () => {
        // A first visit through the API makes the member's usage counters, which both check-ins then update.
        const staff = await live.token({ sub: 'alfred', club: ALPINE, role: 'staff' });
        const { checkIn } = await live.data<{ checkIn: { visit: { visitId: string } } }>(
            staff,
            'mutation($channel: String!, $member: String!) { checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0 }) { visit { visitId } } }',
            { channel: CHANNEL, member: memberNumber },
        );
        await live.data(staff, 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }', { channel: CHANNEL, id: checkIn.visit.visitId });
        const contract = (await live.gateway(ALPINE)).as('staff').getNetwork(CHANNEL).getContract('reciprocal');
        const endorsers = JSON.parse(utf8(await contract.evaluateTransaction('Visit:endorsersForCheckIn', memberNumber))) as string[];
        const proposals = ['DINING', 'SPA'].map((facility) =>
            contract.newProposal('Visit:checkIn', { arguments: [JSON.stringify({ memberNumber, facility, guests: 0, nights: 0 })], endorsingOrganizations: endorsers }),
        );
        const endorsed = await Promise.all(proposals.map((proposal) => proposal.endorse()));
        const submitted = [];
        for (const transaction of endorsed) submitted.push(await transaction.submit());
        const statuses = await Promise.all(submitted.map((commit) => commit.getStatus()));
        expect(statuses.map((status) => status.code)).to.deep.equal([peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT]);
        const conflicted = statuses[1]?.transactionId ?? '';

        const transaction = await live.eventually(async () => {
            const { transaction: found } = await live.data<{ transaction: Json | null }>(
                auditor,
                'query($channel: String!, $id: String!) { transaction(channel: $channel, txId: $id) { txId isValid validationCode function } }',
                { channel: CHANNEL, id: conflicted },
            );
            return found ?? undefined;
        }, 'the conflicted transaction in the index');
        expect(transaction).to.deep.equal({ txId: conflicted, isValid: false, validationCode: 'MVCC_READ_CONFLICT', function: 'Visit:checkIn' });
        for (const table of ['visits', 'visit_usage', 'members', 'introductions']) {
            const { rows } = await live.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${live.schemaOf(ALPINE)}.${table} WHERE tx_id = $1`, [conflicted]);
            expect(rows[0]?.n, table).to.equal(0);
        }
    });

    it('verifyIndexIntegrity passes against the peer, and names the block after a row of the index is edited', async () => {
        const verify = 'query($channel: String!) { verifyIndexIntegrity(channel: $channel) { ok blocks problem } }';
        const clean = await live.data<{ verifyIndexIntegrity: { ok: boolean; blocks: number; problem: string | null } }>(auditor, verify, { channel: CHANNEL });
        expect(clean.verifyIndexIntegrity).to.include({ ok: true, problem: null });

        const schema = live.schemaOf(ALPINE);
        const { rows } = await live.pool.query<{ block_number: string; tx_index: number; function: string }>(
            `SELECT block_number, tx_index, function FROM ${schema}.transactions WHERE channel = $1 AND function = 'Member:enrol' ORDER BY block_number DESC LIMIT 1`,
            [CHANNEL],
        );
        const row = rows[0];
        if (row === undefined) throw new Error('no enrolment indexed');
        const edit = (value: string) => live.pool.query(`UPDATE ${schema}.transactions SET function = $1 WHERE channel = $2 AND block_number = $3 AND tx_index = $4`, [value, CHANNEL, row.block_number, row.tx_index]);
        await edit('Member:forged');
        try {
            const tampered = await live.data<{ verifyIndexIntegrity: { ok: boolean; blockNumber: string; problem: string | null } }>(
                auditor,
                'query($channel: String!) { verifyIndexIntegrity(channel: $channel) { ok blockNumber problem } }',
                { channel: CHANNEL },
            );
            expect(tampered.verifyIndexIntegrity).to.deep.include({ ok: false, blockNumber: row.block_number });
            expect(tampered.verifyIndexIntegrity.problem).to.be.a('string');
        } finally {
            await edit(row.function);
        }
    });

    it('an indexer rebuilt from block 0 on the live peer equals the live read model, table by table', async () => {
        const schema = `rebuild_${randomBytes(4).toString('hex')}`;
        const rebuilt = new pg.Pool({ connectionString: live.pool.options.connectionString, max: 2, options: `-c search_path=${schema}` });
        const liveIndex = new pg.Pool({ connectionString: live.pool.options.connectionString, max: 2, options: `-c search_path=${live.schemaOf(METRO)}` });
        const indexer = spawn(process.execPath, [indexerMain], {
            env: { ...process.env, INDEXER_CLUB: METRO, INDEXER_SCHEMA: schema, INDEXER_HTTP_PORT: '17489', LOG_LEVEL: 'warn' },
            stdio: 'ignore',
        });
        const checkpoints = async (pool: pg.Pool): Promise<string> => JSON.stringify((await pool.query('SELECT channel, next_block, next_tx_index FROM checkpoints ORDER BY channel')).rows);
        try {
            await live.eventually(async () => {
                const wanted = await checkpoints(liveIndex);
                return (await checkpoints(rebuilt).catch(() => '')) === wanted ? true : undefined;
            }, 'the rebuild to reach the live index', 120_000);
            const [liveRows, rebuiltRows] = await Promise.all([indexContents(liveIndex, OPERATIONAL_COLUMNS), indexContents(rebuilt, OPERATIONAL_COLUMNS)]);
            expect(Object.keys(rebuiltRows)).to.deep.equal(Object.keys(liveRows));
            for (const table of Object.keys(liveRows)) {
                expect(rebuiltRows[table], table).to.deep.equal(liveRows[table]);
            }
        } finally {
            indexer.kill('SIGTERM');
            await new Promise((resolve) => indexer.once('exit', resolve));
            await liveIndex.end();
            await rebuilt.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await rebuilt.end();
        }
    });
});
