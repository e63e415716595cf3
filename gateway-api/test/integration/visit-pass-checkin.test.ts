import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Visit } from '@reciprocal-clubs/chaincode/model';
import { type DatabaseOptions, migrate, openPool } from '@reciprocal-clubs/event-indexer';
import { expect } from 'chai';
import pg from 'pg';
import { quoteIdentifier } from '../../../event-indexer/src/store/database.js';
import { postgresUrl } from '../../../event-indexer/test/support/database.js';
import { UsedVisitPasses } from '../../src/passes/used-passes.js';
import { issueVisitPass } from '../../src/passes/visit-pass.js';
import { type FakeLedgerApi, chaincodeRefusal, fakeLedgerApi, ledgerClub, ledgerStamp, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const HARBOUR = 'HarbourMSP';
const MEMBER = CALLERS.alpineMember.memberNumber;
const apiMigrations = fileURLToPath(new URL('../../migrations', import.meta.url));

const VISIT_PASS = 'query Pass($channel: String!) { visitPass(channel: $channel) { pass expiresAt } }';
const CHECK_IN_BY_PASS = `mutation ByPass($channel: String!, $pass: String!, $input: CheckInInput!) {
    checkInByPass(channel: $channel, pass: $pass, input: $input) { visit { visitId memberNumber homeClub hostClub } transactionId blockNumber } }`;
const input = { facility: 'DINING', guests: 0, nights: 0 };

function visit(): Visit {
    return {
        visitId: transactionIdOf('visit'),
        memberNumber: MEMBER,
        homeClub: ALPINE,
        hostClub: HARBOUR,
        agreementId: transactionIdOf('agreement'),
        agreementVersion: 1,
        visitDate: '2026-03-02',
        facility: 'DINING',
        guests: 0,
        nights: 0,
        fee: { amountMinor: 2500, currency: 'EUR' },
        status: 'CHECKED_IN',
        checkedIn: ledgerStamp(HARBOUR, 'hanna', 'check-in'),
    };
}

interface UsedPassRow {
    readonly pass_id: string;
    readonly member_number: string;
    readonly host_club: string;
    readonly expires_at: Date;
}

describe('checking in by visit pass, passes remembered in PostgreSQL', function () {
    this.timeout(60_000);
    const alpinePassKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forgerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const alpinePublished = alpinePassKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const database: DatabaseOptions = { connectionString: postgresUrl(), schema: `test_api_${randomBytes(6).toString('hex')}` };
    let pool: pg.Pool;
    let usedVisitPasses: UsedVisitPasses;
    let api: FakeLedgerApi;

    before(async () => {
        await migrate(database, () => undefined, apiMigrations);
        pool = openPool(database);
        usedVisitPasses = new UsedVisitPasses(pool);
        api = await fakeLedgerApi({
            usedVisitPasses,
            passSigningKeys: (club) => Promise.resolve(club === ALPINE ? alpinePassKeys.privateKey : undefined),
        });
    });

    after(async () => {
        await pool.end();
        const admin = new pg.Client({ connectionString: database.connectionString });
        await admin.connect();
        await admin.query(`DROP SCHEMA ${quoteIdentifier(database.schema)} CASCADE`);
        await admin.end();
    });

    beforeEach(async () => {
        await pool.query('DELETE FROM used_visit_passes');
        api.ledger
            .answers('Club:get', ledgerClub(ALPINE, alpinePublished))
            .answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR])
            .commits('Visit:checkIn', visit(), { transactionId: transactionIdOf('visit'), blockNumber: 88n });
    });

    afterEach(() => {
        api.ledger.reset();
    });

    async function usedPasses(): Promise<UsedPassRow[]> {
        return (await pool.query<UsedPassRow>('SELECT pass_id, member_number, host_club, expires_at FROM used_visit_passes ORDER BY used_at')).rows;
    }

    /** A pass the member asks the API for, as their app does. */
    async function passFromTheApi(): Promise<{ pass: string; expiresAt: string }> {
        return dataOf(await api.ask('alpineMember', VISIT_PASS, { channel: CHANNEL })).visitPass as { pass: string; expiresAt: string };
    }

    const present = (pass: string, caller: 'harbourStaff' | 'alpineMember' = 'harbourStaff', checkIn: object = input) =>
        api.ask(caller, CHECK_IN_BY_PASS, { channel: CHANNEL, pass, input: checkIn });

    it('checks in the member the pass names, verified against the key the home club published, and remembers the pass', async () => {
        const { pass, expiresAt } = await passFromTheApi();

        const data = dataOf(await present(pass));

        expect(data.checkInByPass).to.deep.equal({
            visit: { visitId: transactionIdOf('visit'), memberNumber: MEMBER, homeClub: ALPINE, hostClub: HARBOUR },
            transactionId: transactionIdOf('visit'),
            blockNumber: '88',
        });
        expect(api.ledger.calls()).to.deep.equal([
            { operation: 'evaluate', caller: CALLERS.harbourStaff, call: { channel: CHANNEL, transaction: 'Club:get', args: [ALPINE] } },
            { operation: 'evaluate', caller: CALLERS.harbourStaff, call: { channel: CHANNEL, transaction: 'Visit:endorsersForCheckIn', args: [MEMBER] } },
            {
                operation: 'submit',
                caller: CALLERS.harbourStaff,
                call: {
                    channel: CHANNEL,
                    transaction: 'Visit:checkIn',
                    args: [JSON.stringify({ memberNumber: MEMBER, facility: 'DINING', guests: 0, nights: 0 })],
                    endorsingOrganizations: [ALPINE, HARBOUR],
                },
            },
        ]);
        const [used, ...others] = await usedPasses();
        expect(others).to.deep.equal([]);
        expect(used).to.deep.include({ member_number: MEMBER, host_club: HARBOUR });
        expect(used!.expires_at.toISOString()).to.equal(expiresAt);
    });

    it('refuses the same pass a second time (CONFLICT, VISIT_PASS_REUSED) before any check-in', async () => {
        const { pass } = await passFromTheApi();
        dataOf(await present(pass));
        api.ledger.submit.resetHistory();
        api.ledger.evaluate.resetHistory();

        const error = onlyError(await present(pass));

        expect(error).to.deep.include({ message: 'the visit pass was already used', extensions: { code: 'CONFLICT', reason: 'VISIT_PASS_REUSED' } });
        expect(api.ledger.trail()).to.deep.equal(['evaluate Club:get']);
        expect(await usedPasses()).to.have.lengthOf(1);
    });

    it('admits a pass shown at two doors at once only once', async () => {
        const { pass } = await passFromTheApi();

        const responses = await Promise.all([present(pass), present(pass), present(pass)]);

        expect(responses.map((response) => errorCodes(response)[0] ?? 'OK').sort()).to.deep.equal(['CONFLICT', 'CONFLICT', 'OK']);
        expect(api.ledger.submitted().map((call) => call.transaction)).to.deep.equal(['Visit:checkIn']);
        expect(await usedPasses()).to.have.lengthOf(1);
    });

    it('refuses a forged pass (signed with another key in the home club’s name) before any check-in', async () => {
        const { pass } = await issueVisitPass({ memberNumber: MEMBER, homeClub: ALPINE, channel: CHANNEL, signingKey: forgerKeys.privateKey });

        const error = onlyError(await present(pass));

        expect(error).to.deep.include({ message: 'the visit pass is not valid', extensions: { code: 'FORBIDDEN', reason: 'VISIT_PASS_INVALID' } });
        expect(api.ledger.trail()).to.deep.equal(['evaluate Club:get']);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses a pass the home club signed for another club’s member before any check-in', async () => {
        const { pass } = await issueVisitPass({ memberNumber: 'HAR000007', homeClub: ALPINE, channel: CHANNEL, signingKey: alpinePassKeys.privateKey });

        const error = onlyError(await present(pass));

        expect(error).to.deep.include({ message: 'the visit pass names a member who is not of AlpineMSP', extensions: { code: 'FORBIDDEN', reason: 'VISIT_PASS_INVALID' } });
        expect(api.ledger.trail()).to.deep.equal(['evaluate Club:get']);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses an expired pass before any check-in', async () => {
        const sixMinutesAgo = new Date(Date.now() - 6 * 60_000);
        const { pass } = await issueVisitPass({ memberNumber: MEMBER, homeClub: ALPINE, channel: CHANNEL, signingKey: alpinePassKeys.privateKey, now: sixMinutesAgo });

        const error = onlyError(await present(pass));

        expect(error).to.deep.include({ message: 'the visit pass has expired', extensions: { code: 'FORBIDDEN', reason: 'VISIT_PASS_EXPIRED' } });
        expect(api.ledger.trail()).to.deep.equal(['evaluate Club:get']);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses a pass issued for another channel before any check-in', async () => {
        const { pass } = await issueVisitPass({ memberNumber: MEMBER, homeClub: ALPINE, channel: 'alps', signingKey: alpinePassKeys.privateKey });

        const error = onlyError(await present(pass));

        expect(error).to.deep.include({ message: 'the visit pass is for channel alps', extensions: { code: 'FORBIDDEN', reason: 'VISIT_PASS_INVALID' } });
        expect(api.ledger.submit.called).to.equal(false);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses what is not a pass at all without asking the ledger', async () => {
        for (const pass of ['', 'not-a-pass', 'a.b.c', `x.${Buffer.from('{"iss":42}').toString('base64url')}.y`]) {
            const error = onlyError(await present(pass));
            expect(error.extensions).to.deep.equal({ code: 'FORBIDDEN', reason: 'VISIT_PASS_INVALID' });
        }
        expect(api.ledger.calls()).to.deep.equal([]);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses a pass naming a home club the ledger does not know, without remembering it', async () => {
        api.ledger.fails('Club:get', chaincodeRefusal('NOT_FOUND: club AlpineMSP is not registered'));
        const { pass } = await passFromTheApi();

        expect(onlyError(await present(pass)).extensions).to.include({ code: 'NOT_FOUND' });
        expect(api.ledger.submit.called).to.equal(false);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('gives the pass back when the ledger refuses the check-in, so the member can show it again', async () => {
        const { pass } = await passFromTheApi();
        api.ledger.fails('Visit:checkIn', chaincodeRefusal(`VISIT_LIMIT_REACHED: member ${MEMBER} has made 4 of 4 visits in 2026-03`));

        const error = onlyError(await present(pass));

        expect(error.extensions).to.include({ code: 'RULE_VIOLATION', reason: 'VISIT_LIMIT_REACHED' });
        expect(await usedPasses()).to.deep.equal([]);

        api.ledger.reset();
        api.ledger.answers('Club:get', ledgerClub(ALPINE, alpinePublished)).answers('Visit:endorsersForCheckIn', [ALPINE, HARBOUR]).commits('Visit:checkIn', visit());
        dataOf(await present(pass));
        expect(await usedPasses()).to.have.lengthOf(1);
    });

    it('gives the pass back when the check-in input is bad, submitting nothing', async () => {
        const { pass } = await passFromTheApi();

        const response = await present(pass, 'harbourStaff', { ...input, guests: -1 });

        expect(errorCodes(response)).to.deep.equal(['BAD_USER_INPUT']);
        expect(api.ledger.submit.called).to.equal(false);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('refuses members (FORBIDDEN) to check anyone in by pass, themselves included, without using the pass', async () => {
        const { pass } = await passFromTheApi();
        api.ledger.evaluate.resetHistory();

        expect(errorCodes(await present(pass, 'alpineMember'))).to.deep.equal(['FORBIDDEN']);
        expect(api.ledger.calls()).to.deep.equal([]);
        expect(await usedPasses()).to.deep.equal([]);
    });

    it('forgets only passes that have expired', async () => {
        const now = new Date();
        const claims = (passId: string, minutes: number) => ({ passId, memberNumber: MEMBER, homeClub: ALPINE, channel: CHANNEL, expiresAt: new Date(now.getTime() + minutes * 60_000) });
        await usedVisitPasses.claim(claims('stale', -1), HARBOUR);
        await usedVisitPasses.claim(claims('fresh', 4), HARBOUR);

        expect(await usedVisitPasses.forgetExpired(now)).to.equal(1);
        expect((await usedPasses()).map((row) => row.pass_id)).to.deep.equal(['fresh']);
    });
});
