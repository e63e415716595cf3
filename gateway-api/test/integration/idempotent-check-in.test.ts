import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { type GraphqlResult, LiveNetwork } from '../support/live-network.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const CHANNEL = 'atlantic';

interface CheckInResult {
    readonly checkIn: { visit: { visitId: string; memberNumber: string }; transactionId: string; blockNumber: string | null; replayed: boolean };
}

const CHECK_IN = `mutation($channel: String!, $member: String!, $requestId: String!) {
    checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0, clientRequestId: $requestId }) {
        visit { visitId memberNumber } transactionId blockNumber replayed
    }
}`;

/**
 * "Kill anything, lose nothing": a check-in whose outcome the client never learnt is retried with the same
 * clientRequestId, and the ledger records one visit whatever happens. Through the running API at Alpine,
 * with fresh Harbour members under the demo data's Harbour–Alpine agreement.
 */
describe('check-ins under concurrency on the real network: retried requests and the monthly limit', function () {
    this.timeout(180_000);
    let live: LiveNetwork;
    let staff: string;

    const enrolHarbourMember = (): Promise<string> => live.enrolMember(HARBOUR, CHANNEL);
    const checkIn = (member: string, requestId: string): Promise<GraphqlResult<CheckInResult>> =>
        live.graphql<CheckInResult>(staff, CHECK_IN, { channel: CHANNEL, member, requestId });
    const checkedIn = async (member: string, requestId: string): Promise<CheckInResult['checkIn']> => {
        const result = await checkIn(member, requestId);
        expect(result.errors, JSON.stringify(result.errors)).to.equal(undefined);
        return result.data!.checkIn;
    };

    /**
     * Checks the visit out and waits until Alpine's read model shows it: every transaction the check-ins ordered
     * was validated before their responses came back, so by then the indexer has passed all of them.
     */
    const settled = async (visitId: string): Promise<void> => {
        await live.data(staff, 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }', { channel: CHANNEL, id: visitId });
        await live.eventually(async () => {
            const { rows } = await live.pool.query<{ status: string }>(`SELECT status FROM ${live.schemaOf(ALPINE)}.visits WHERE channel = $1 AND visit_id = $2`, [CHANNEL, visitId]);
            return rows[0]?.status === 'CHECKED_OUT' ? true : undefined;
        }, `visit ${visitId} checked out in Alpine's read model`);
    };
    const visitRowsOf = async (member: string): Promise<string[]> => {
        const { rows } = await live.pool.query<{ visit_id: string }>(`SELECT visit_id FROM ${live.schemaOf(ALPINE)}.visits WHERE channel = $1 AND member_number = $2`, [CHANNEL, member]);
        return rows.map((row) => row.visit_id);
    };
    /** The valid Visit:checkIn transactions whose event names the member. */
    const validCheckInsOf = async (member: string): Promise<string[]> => {
        const { rows } = await live.pool.query<{ tx_id: string }>(
            `SELECT tx_id FROM ${live.schemaOf(ALPINE)}.transactions
             WHERE channel = $1 AND function = 'Visit:checkIn' AND is_valid AND strpos(event::text, $2) > 0`,
            [CHANNEL, member],
        );
        return rows.map((row) => row.tx_id);
    };

    before(async () => {
        live = await LiveNetwork.open();
        staff = await live.token({ sub: 'idempotency-staff', club: ALPINE, role: 'staff' });
    });
    after(() => live.close());

    it('answers a retry with the same clientRequestId with the recorded visit, replayed, and records it once', async () => {
        const member = await enrolHarbourMember();
        const requestId = `retry-${randomUUID()}`;

        const first = await checkedIn(member, requestId);
        const retry = await checkedIn(member, requestId);

        expect(first).to.deep.include({ replayed: false, transactionId: first.visit.visitId });
        expect(first.blockNumber).to.not.equal(null);
        expect(retry).to.deep.equal({ visit: first.visit, transactionId: first.transactionId, blockNumber: null, replayed: true });
        await settled(first.visit.visitId);
        expect(await visitRowsOf(member)).to.deep.equal([first.visit.visitId]);
        expect(await validCheckInsOf(member)).to.deep.equal([first.visit.visitId]);
    });

    it('records one visit for two concurrent check-ins sharing a clientRequestId; each answers it or its replay', async () => {
        const member = await enrolHarbourMember();
        const requestId = `concurrent-${randomUUID()}`;

        const answers = await Promise.all([checkedIn(member, requestId), checkedIn(member, requestId)]);

        const visitIds = new Set(answers.map((answer) => answer.visit.visitId));
        expect(visitIds.size, 'both answers name the same visit').to.equal(1);
        expect(answers.every((answer) => answer.visit.memberNumber === member)).to.equal(true);
        expect(answers.filter((answer) => !answer.replayed).length, 'one answer recorded the visit, the other replayed it').to.equal(1);
        const [visitId] = [...visitIds] as [string];
        await settled(visitId);
        expect(await visitRowsOf(member)).to.deep.equal([visitId]);
        expect(await validCheckInsOf(member)).to.deep.equal([visitId]);
    });

    it('lets exactly one of several concurrent check-ins of a member one visit below the monthly limit through; the limit holds', async () => {
        // The demo agreement allows four visits a month: three now, then four clients at once for the last one.
        const member = await enrolHarbourMember();
        for (let visit = 0; visit < 3; visit += 1) {
            await settled((await checkedIn(member, `limit-${randomUUID()}`)).visit.visitId);
        }

        const answers = await Promise.all(Array.from({ length: 4 }, () => checkIn(member, `limit-${randomUUID()}`)));

        const recorded = answers.flatMap((answer) => (answer.data?.checkIn ? [answer.data.checkIn] : []));
        expect(recorded.length, JSON.stringify(answers.map((answer) => answer.errors?.[0]?.extensions))).to.equal(1);
        for (const refused of answers.filter((answer) => answer.errors !== undefined)) {
            const extensions = refused.errors?.[0]?.extensions;
            expect(extensions?.code).to.be.oneOf(['RULE_VIOLATION', 'CONFLICT']);
            if (extensions?.code === 'RULE_VIOLATION') expect(extensions.reason).to.equal('VISIT_LIMIT_REACHED');
        }
        await settled(recorded[0]?.visit.visitId ?? '');
        expect(await visitRowsOf(member)).to.have.lengthOf(4);
        const { rows } = await live.pool.query<{ visits: number }>(
            `SELECT visits FROM ${live.schemaOf(ALPINE)}.visit_usage WHERE channel = $1 AND member_number = $2 AND period = $3`,
            [CHANNEL, member, new Date().toISOString().slice(0, 7)],
        );
        expect(rows.map((row) => row.visits)).to.deep.equal([4]);
    });
});
