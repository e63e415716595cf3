import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { type NatsConnection, connect } from '@nats-io/transport-node';
import { peer } from '@hyperledger/fabric-protos';
import type { Visit } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { jetstreamManager, messageIdsInStream } from '../../../event-indexer/test/support/nats.js';
import { type Outage, killAndRestore, testNetwork } from '../support/component-outages.js';
import { LiveNetwork } from '../support/live-network.js';
import { type Attempt, type Mutation, OUTCOME_UNKNOWN, VisitTraffic } from '../support/visit-traffic.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const CHANNEL = 'atlantic';
/** Enrolled per club: two cohorts × members × 4 visits × (check-in + check-out) ≥ 1,000 mutations. */
const MEMBERS_PER_CLUB = 66;
const VISITS_PER_MEMBER = 4;
/**
 * In turn, each kind of process the write path, the read side and the notifications depend on. Harbour's peer
 * endorses every check-in of both cohorts; Alpine's chaincode server and Gateway service serve the cohort Alpine hosts.
 */
const KILLED = ['peer-harbour', 'orderer', 'chaincode-alpine', 'gateway-alpine', 'indexer-harbour', 'api', 'postgres', 'nats'];
/** How long a killed process stays dead before the operator's `up`. */
const DOWN_MS = 3_000;
const ALLOWED_ANSWERS = new Set(['ok', 'LEDGER_UNAVAILABLE', 'LEDGER_OUTCOME_UNKNOWN', 'ENDORSEMENT_FAILED', 'CONFLICT', 'RATE_LIMITED', 'TRANSPORT']);
const resultsFile = fileURLToPath(new URL('../../../.test-results/kill-anything.json', import.meta.url));

/**
 * "Kill anything, lose nothing": front desks check members in and out through the API while each process of the
 * product is SIGKILLed in turn and brought back with `./test-network.sh up`; then every answer is held against the
 * peers' ledger, both parties' read models and JetStream.
 */
describe('kill anything, lose nothing: check-ins and check-outs through GraphQL while every kind of process is SIGKILLed', function () {
    this.timeout(10 * 60_000);
    let live: LiveNetwork;
    let traffic: VisitTraffic;
    const outages: (Outage & { writesBackAt: number })[] = [];
    let members: string[] = [];
    /** Every visit of the traffic's members as the peers hold it. */
    let ledgerVisits: Visit[] = [];

    const resolved = (): Mutation[] => traffic.mutations.filter((mutation) => mutation.resolution !== undefined);
    const checkIns = (): Mutation[] => resolved().filter((mutation) => mutation.kind === 'checkIn');

    before(async function () {
        this.timeout(8 * 60_000);
        live = await LiveNetwork.open();
        const enrolled = await Promise.all(
            [HARBOUR, ALPINE].map(async (club) => {
                const numbers: string[] = [];
                for (let n = 0; n < MEMBERS_PER_CLUB; n += 1) numbers.push(await live.enrolMember(club, CHANNEL));
                return numbers;
            }),
        );
        const [harbourMembers = [], alpineMembers = []] = enrolled;
        members = [...harbourMembers, ...alpineMembers];
        traffic = new VisitTraffic({
            live,
            channel: CHANNEL,
            cohorts: [
                { homeClub: HARBOUR, hostClub: ALPINE, members: harbourMembers },
                { homeClub: ALPINE, hostClub: HARBOUR, members: alpineMembers },
            ],
            visitsPerMember: VISITS_PER_MEMBER,
            desks: 8,
            mutationsPerSecond: 5,
            giveUpAfterMs: 90_000,
        });
        traffic.start();
        await sleep(5_000);
        for (const component of KILLED) {
            const outage = await killAndRestore(live.profile.stateDir, component, DOWN_MS);
            const writesBackAt = await live.eventually(() => Promise.resolve(traffic.everyHostCommittedSince(outage.killedAt)), `commits at every host after ${component} was killed`, 90_000);
            outages.push({ ...outage, writesBackAt });
            await sleep(3_000);
        }
        await traffic.finished();
        await testNetwork('status');
        ledgerVisits = await visitsOnTheLedger(members);
        const counts = JSON.stringify(summary(), null, 2);
        await mkdir(path.dirname(resultsFile), { recursive: true });
        await writeFile(resultsFile, counts);
        console.log(counts);
    });
    after(async () => {
        // before() may have failed before it made either.
        await (traffic as VisitTraffic | undefined)?.stop();
        await (live as LiveNetwork | undefined)?.close();
    });

    /** Each member's visits from the peer (Alpine's, through its Gateway service), as the auditors' identity reads them. */
    async function visitsOnTheLedger(memberNumbers: readonly string[]): Promise<Visit[]> {
        const contract = (await live.gateway(ALPINE)).as('auditor').getNetwork(CHANNEL).getContract('reciprocal');
        const visits: Visit[] = [];
        for (const memberNumber of memberNumbers) {
            const page = JSON.parse(Buffer.from(await contract.evaluateTransaction('Visit:ofMember', memberNumber, '50', '')).toString('utf8')) as { items: Visit[] };
            visits.push(...page.items);
        }
        return visits;
    }

    function summary() {
        const attempts = traffic.mutations.flatMap((mutation) => mutation.attempts);
        const onLedger = new Set(ledgerVisits.map((visit) => visit.visitId));
        const answered = new Set(checkIns().map((mutation) => mutation.visitId));
        const unknown = traffic.mutations.filter((mutation) => mutation.attempts.some((attempt) => OUTCOME_UNKNOWN.has(attempt.answer)));
        const resolutions: Record<string, number> = {};
        for (const mutation of unknown) resolutions[mutation.resolution ?? 'unresolved'] = (resolutions[mutation.resolution ?? 'unresolved'] ?? 0) + 1;
        return {
            mutations: traffic.mutations.length,
            attempts: attempts.length,
            succeeded: resolved().length,
            answersByCode: answersBetween(attempts, 0, Infinity),
            unknownOutcomes: { mutations: unknown.length, resolvedAs: resolutions },
            unresolved: traffic.mutations.length - resolved().length,
            visitsOnLedger: ledgerVisits.length,
            lostCheckIns: checkIns().filter((mutation) => !onLedger.has(mutation.visitId ?? '')).length,
            visitsNoAnswerNamed: ledgerVisits.filter((visit) => !answered.has(visit.visitId)).length,
            outages: outages.map((outage, index) => ({
                component: outage.component,
                upSeconds: (outage.restoredAt - outage.killedAt) / 1_000,
                everyHostCommittedSeconds: (outage.writesBackAt - outage.killedAt) / 1_000,
                answersUntilNextKill: answersBetween(attempts, outage.killedAt, outages[index + 1]?.killedAt ?? Infinity),
            })),
        };
    }

    it('kept the load going through every outage: at least 1,000 mutations, each resolved, and commits after each kill', () => {
        expect(traffic.mutations.length).to.be.at.least(1_000);
        expect(traffic.mutations.filter((mutation) => mutation.resolution === undefined).map((mutation) => mutation.attempts)).to.deep.equal([]);
        expect(outages.map((outage) => outage.component)).to.deep.equal(KILLED);
        for (const outage of outages) expect(outage.writesBackAt, `commits after ${outage.component}`).to.be.a('number');
    });

    it('answered every failed attempt with a typed error (or no answer at all while the API was down)', () => {
        const untyped = traffic.mutations.flatMap((mutation) => mutation.attempts.filter((attempt) => !ALLOWED_ANSWERS.has(attempt.answer)));
        expect(untyped).to.deep.equal([]);
        const transport = traffic.mutations.flatMap((mutation) => mutation.attempts.filter((attempt) => attempt.answer === 'TRANSPORT'));
        const apiOutage = outages.find((outage) => outage.component === 'api');
        for (const attempt of transport) {
            expect(attempt.endedAt, 'no answer only while the API was down').to.be.within(apiOutage?.killedAt ?? 0, (apiOutage?.restoredAt ?? 0) + 1_000);
        }
    });

    it('recorded each successful check-in on the ledger exactly once, by the transaction its answer named', () => {
        const expected = new Map(checkIns().map((mutation) => [mutation.visitId, mutation]));
        const checkInsOnLedger = ledgerVisits.map((visit) => visit.visitId);
        expect(new Set(checkInsOnLedger).size, 'no visit twice').to.equal(checkInsOnLedger.length);
        expect([...checkInsOnLedger].sort(), 'every visit on the ledger is one a check-in answered; none lost').to.deep.equal([...expected.keys()].sort());
        for (const visit of ledgerVisits) {
            const mutation = expected.get(visit.visitId);
            expect(visit.checkedIn.txId).to.equal(mutation?.transactionId);
            expect(visit.memberNumber).to.equal(mutation?.memberNumber);
        }
        const perRequest = new Set(checkIns().map((mutation) => mutation.requestId));
        expect(perRequest.size, 'one visit per clientRequestId').to.equal(checkIns().length);
    });

    it('checked every visit out once: by the transaction the answer named, or by an attempt whose answer was lost', () => {
        const checkOuts = new Map(resolved().filter((mutation) => mutation.kind === 'checkOut').map((mutation) => [mutation.visitId, mutation]));
        for (const visit of ledgerVisits) {
            const checkOut = checkOuts.get(visit.visitId);
            expect(visit.status, visit.visitId).to.equal('CHECKED_OUT');
            if (checkOut?.resolution === 'committed') expect(visit.closed?.txId).to.equal(checkOut.transactionId);
            else expect(checkOut?.resolution).to.equal('found-closed');
        }
    });

    it('wrote nothing for an error answer: a replay or an already closed visit follows only an attempt whose outcome was unknown', async () => {
        for (const mutation of resolved().filter((candidate) => candidate.resolution !== 'committed')) {
            expect(mutation.attempts.slice(0, -1).some((attempt) => OUTCOME_UNKNOWN.has(attempt.answer)), JSON.stringify(mutation)).to.equal(true);
        }
        const qscc = (await live.gateway(ALPINE)).as('auditor').getNetwork(CHANNEL).getContract('qscc');
        const failedWithTransaction = traffic.mutations.flatMap((mutation) =>
            mutation.attempts.filter((attempt) => attempt.answer !== 'ok' && !OUTCOME_UNKNOWN.has(attempt.answer) && attempt.transactionId !== undefined),
        );
        for (const attempt of failedWithTransaction) {
            const processed = await qscc.evaluateTransaction('GetTransactionByID', CHANNEL, attempt.transactionId ?? '').then(
                (bytes) => peer.ProcessedTransaction.deserializeBinary(bytes).getValidationcode(),
                () => undefined,
            );
            expect(processed, `transaction ${attempt.transactionId ?? ''} answered ${attempt.answer}`).to.not.equal(peer.TxValidationCode.VALID);
        }
    });

    it('shows each visit once in both parties’ read models, checked out', async () => {
        const expected = ledgerVisits.map((visit) => `${visit.visitId} CHECKED_OUT`).sort();
        for (const club of [HARBOUR, ALPINE]) {
            const rows = await live.eventually(async () => {
                const { rows: found } = await live.pool.query<{ visit_id: string; status: string }>(
                    `SELECT visit_id, status FROM ${live.schemaOf(club)}.visits WHERE channel = $1 AND member_number = ANY($2)`,
                    [CHANNEL, members],
                );
                const seen = found.map((row) => `${row.visit_id} ${row.status}`).sort();
                return JSON.stringify(seen) === JSON.stringify(expected) ? seen : undefined;
            }, `${club}'s read model to hold the ledger's ${expected.length.toString()} visits`, 120_000);
            expect(rows).to.deep.equal(expected);
        }
    });

    it('notified each party club once of every committed check-in and check-out (JetStream message IDs)', async () => {
        const transactionIds = ledgerVisits.flatMap((visit) => [visit.checkedIn.txId, visit.closed?.txId ?? '']);
        const { rows } = await live.pool.query<{ tx_id: string; msg_id: string }>(
            `SELECT tx_id, $1 || ':' || block_number || ':' || tx_index AS msg_id FROM ${live.schemaOf(ALPINE)}.transactions WHERE channel = $1 AND is_valid AND tx_id = ANY($2)`,
            [CHANNEL, transactionIds],
        );
        expect(rows.length, 'every committed transaction in the history').to.equal(transactionIds.length);
        const expected = rows.flatMap((row) => [`${row.msg_id}:${HARBOUR}`, `${row.msg_id}:${ALPINE}`]);
        const nats: NatsConnection = await connect({ servers: live.profile.nats.servers.split(',') });
        try {
            await live.eventually(async () => {
                const { rows: pending } = await live.pool.query<{ pending: number }>(
                    `SELECT (SELECT count(*) FROM ${live.schemaOf(HARBOUR)}.outbox WHERE published_at IS NULL) + (SELECT count(*) FROM ${live.schemaOf(ALPINE)}.outbox WHERE published_at IS NULL) AS pending`,
                );
                return Number(pending[0]?.pending) === 0 ? true : undefined;
            }, 'both outboxes to be published', 120_000);
            const inStream = await messageIdsInStream(await jetstreamManager(nats), jetstream(nats), CHANNEL);
            const counts = new Map<string, number>();
            for (const id of inStream) counts.set(id, (counts.get(id) ?? 0) + 1);
            expect(expected.filter((id) => counts.get(id) !== 1), 'message IDs missing or repeated').to.deep.equal([]);
        } finally {
            await nats.close();
        }
    });
});

/** How many attempts that ended in [from, until) got each answer. */
function answersBetween(attempts: readonly Attempt[], from: number, until: number): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { answer, endedAt } of attempts) {
        if (endedAt >= from && endedAt < until) counts[answer] = (counts[answer] ?? 0) + 1;
    }
    return counts;
}
