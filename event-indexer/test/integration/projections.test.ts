import { randomBytes } from 'node:crypto';
import type { Agreement, EntityChange, Introduction, LedgerEvent, Member, Proposal, Visit } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import pg from 'pg';
import { AgreementContract } from '../../../chaincode/src/agreements/agreement-contract.js';
import { BarContract } from '../../../chaincode/src/bars/bar-contract.js';
import { ClubContract } from '../../../chaincode/src/clubs/club-contract.js';
import type { RecordContext } from '../../../chaincode/src/context.js';
import { GovernanceContract } from '../../../chaincode/src/governance/governance-contract.js';
import { IntroductionContract } from '../../../chaincode/src/introductions/introduction-contract.js';
import { MemberContract } from '../../../chaincode/src/members/member-contract.js';
import { VisitContract } from '../../../chaincode/src/visits/visit-contract.js';
import { agreementTerms } from '../../../chaincode/test/support/agreement-fixtures.js';
import { ALPINE, HARBOUR, METRO, admin, auditor, clubRegistration, staff } from '../../../chaincode/test/support/fixtures.js';
import { amendmentRequest, defaultDeadline, generalRequest, stricterRules } from '../../../chaincode/test/support/governance-fixtures.js';
import { FakeLedger, type Submitter } from '../../../chaincode/test/support/ledger.js';
import { personalDataEnvelope } from '../../../chaincode/test/support/member-fixtures.js';
import type { PrivateKeyWrite } from '../../src/blocks/parsed-block.js';
import { quoteIdentifier } from '../../src/store/database.js';
import { type ChangeOrigin, projectEvents, projectPersonalData } from '../../src/store/projections.js';
import { type TestDatabase, freshDatabase, postgresUrl } from '../support/database.js';
import { READ_MODEL_TABLES, type ReadModelTable } from '../support/journey.js';

const contracts = {
    clubs: new ClubContract(),
    members: new MemberContract(),
    agreements: new AgreementContract(),
    bars: new BarContract(),
    introductions: new IntroductionContract(),
    visits: new VisitContract(),
    governance: new GovernanceContract(),
};

const at = (date: string) => new Date(`${date}T10:00:00.000Z`);

/** One committed transaction of the FakeLedger: its chaincode event and the private writes it made. */
interface LedgerTransaction {
    readonly event: LedgerEvent;
    readonly privateWrites: readonly PrivateKeyWrite[];
}

type PrivateState = Map<string, Map<string, Uint8Array>>;

/** Runs the real contracts on the chaincode's FakeLedger and keeps what a block would carry of each transaction. */
class Journey {
    readonly ledger = new FakeLedger();
    readonly transactions: LedgerTransaction[] = [];

    async submit<T>(submitter: Submitter, run: (ctx: RecordContext) => Promise<T>): Promise<T> {
        const before = copyOf(this.ledger.privateData);
        const { result, event } = await this.ledger.submit(submitter, run);
        if (event === undefined) {
            throw new Error('every transaction emits one event');
        }
        this.transactions.push({ event, privateWrites: privateWritesBetween(before, this.ledger.privateData) });
        return result;
    }

    /** Submits a transaction that returns an entity as JSON, and parses it. */
    async entity<T>(submitter: Submitter, run: (ctx: RecordContext) => Promise<string>): Promise<T> {
        return JSON.parse(await this.submit(submitter, run)) as T;
    }
}

function copyOf(state: PrivateState): PrivateState {
    return new Map([...state].map(([collection, entries]) => [collection, new Map(entries)]));
}

/** What changed in the private state, as the block's private write set tells it. */
function privateWritesBetween(before: PrivateState, after: PrivateState): PrivateKeyWrite[] {
    const writes: PrivateKeyWrite[] = [];
    for (const collection of new Set([...before.keys(), ...after.keys()])) {
        const old = before.get(collection) ?? new Map<string, Uint8Array>();
        const current = after.get(collection) ?? new Map<string, Uint8Array>();
        for (const key of new Set([...old.keys(), ...current.keys()])) {
            const value = current.get(key);
            const previous = old.get(key);
            if (value === undefined) {
                writes.push({ namespace: 'reciprocal', collection, key, isDelete: true });
            } else if (previous === undefined || Buffer.compare(previous, value) !== 0) {
                writes.push({ namespace: 'reciprocal', collection, key, isDelete: false, value });
            }
        }
    }
    return writes;
}

/** One event on its own, as a block of one valid transaction of our chaincode is projected. */
function projectEvent(client: pg.ClientBase, origin: ChangeOrigin, event: LedgerEvent): Promise<void> {
    return projectEvents(client, [{ origin, event }]);
}

/** Three transactions a block, in ledger order. */
function originOf(channel: string, position: number, event: LedgerEvent): ChangeOrigin {
    return { channel, blockNumber: BigInt(1 + Math.floor(position / 3)), txIndex: position % 3, txId: event.txId };
}

async function enrolWithPersonalData(journey: Journey, home: string): Promise<string> {
    const enrolled = await journey.entity<Member>(admin(home), (ctx) =>
        contracts.members.enrol(ctx, JSON.stringify({ membershipType: 'REGULAR', validUntil: '2027-12-31' })),
    );
    const withPersonalData = { ...admin(home), transient: { personalData: JSON.stringify(personalDataEnvelope(home)) } };
    await journey.submit(withPersonalData, (ctx) => contracts.members.recordPersonalData(ctx, enrolled.memberNumber));
    return enrolled.memberNumber;
}

async function activeMember(journey: Journey, home: string): Promise<string> {
    const memberNumber = await enrolWithPersonalData(journey, home);
    await journey.submit(admin(home), (ctx) => contracts.members.activate(ctx, memberNumber));
    return memberNumber;
}

async function activeAgreement(journey: Journey, proposer: string, counterparty: string, terms = agreementTerms()): Promise<Agreement> {
    const proposed = await journey.entity<Agreement>(admin(proposer), (ctx) =>
        contracts.agreements.propose(ctx, counterparty, JSON.stringify(terms)),
    );
    return journey.entity<Agreement>(admin(counterparty), (ctx) => contracts.agreements.accept(ctx, proposed.agreementId));
}

async function checkIn(journey: Journey, host: string, date: string, memberNumber: string, introductionId?: string): Promise<string> {
    const request = { memberNumber, facility: 'DINING', guests: 1, nights: 0, ...(introductionId ? { introductionId } : {}) };
    const visit = await journey.entity<Visit>({ ...staff(host), at: at(date) }, (ctx) =>
        contracts.visits.checkIn(ctx, JSON.stringify(request)),
    );
    return visit.visitId;
}

/**
 * Three clubs on one channel: two agreements (EUR from Harbour to Alpine, CHF and one visit a month from
 * Harbour to Metro), a member of Harbour visiting Alpine and Metro over March and April (one visit cancelled,
 * one with a letter of introduction), a member of Alpine visiting Harbour, a bar, and a rules amendment.
 */
async function buildJourney() {
    const journey = new Journey();
    for (const club of [HARBOUR, ALPINE, METRO]) {
        await journey.submit(admin(club), (ctx) => contracts.clubs.register(ctx, JSON.stringify(clubRegistration(club))));
    }
    const alpineAgreement = await activeAgreement(journey, HARBOUR, ALPINE);
    const metroTerms = agreementTerms({
        feePerVisit: { amountMinor: 4000, currency: 'CHF' },
        visitsPerMemberPerMonth: 1,
        visitsPerMemberPerYear: 12,
    });
    const metroAgreement = await activeAgreement(journey, HARBOUR, METRO, metroTerms);
    const harbourMember = await activeMember(journey, HARBOUR);
    const alpineMember = await activeMember(journey, ALPINE);

    const requested = await journey.entity<Introduction>(staff(HARBOUR), (ctx) =>
        contracts.introductions.request(
            ctx,
            JSON.stringify({ memberNumber: harbourMember, hostClub: METRO, stay: { from: '2026-03-14', until: '2026-03-16' } }),
        ),
    );
    await journey.submit(staff(HARBOUR), (ctx) => contracts.introductions.issue(ctx, requested.introductionId));

    const atAlpineInMarch = await checkIn(journey, ALPINE, '2026-03-10', harbourMember);
    const atHarbour = await checkIn(journey, HARBOUR, '2026-03-11', alpineMember);
    const againAtAlpine = await checkIn(journey, ALPINE, '2026-03-12', harbourMember);
    const atMetro = await checkIn(journey, METRO, '2026-03-15', harbourMember, requested.introductionId);
    await journey.submit({ ...staff(METRO), at: at('2026-03-15') }, (ctx) => contracts.visits.checkOut(ctx, atMetro));
    const cancelled = await checkIn(journey, ALPINE, '2026-03-20', harbourMember);
    await journey.submit({ ...staff(ALPINE), at: at('2026-03-20') }, (ctx) => contracts.visits.cancel(ctx, cancelled));
    const atAlpineInApril = await checkIn(journey, ALPINE, '2026-04-02', harbourMember);
    await journey.submit({ ...staff(ALPINE), at: at('2026-04-02') }, (ctx) => contracts.visits.checkOut(ctx, atAlpineInApril));

    const bar = { memberNumber: harbourMember, reason: 'Unpaid bar bill', window: { from: '2026-05-01', until: '2026-05-31' } };
    await journey.submit({ ...admin(METRO), at: at('2026-04-03') }, (ctx) => contracts.bars.bar(ctx, JSON.stringify(bar)));

    const deadline = defaultDeadline(journey.ledger);
    const openProposal = await journey.entity<Proposal>(admin(HARBOUR), (ctx) =>
        contracts.governance.propose(ctx, JSON.stringify(generalRequest(deadline))),
    );
    const amendment = await journey.entity<Proposal>(admin(HARBOUR), (ctx) =>
        contracts.governance.propose(ctx, JSON.stringify(amendmentRequest(stricterRules, deadline))),
    );
    for (const club of [HARBOUR, ALPINE, METRO]) {
        await journey.submit(admin(club), (ctx) => contracts.governance.vote(ctx, amendment.proposalId, 'YES'));
    }
    await journey.submit({ ...auditor(HARBOUR), at: deadline }, (ctx) => contracts.governance.close(ctx, amendment.proposalId));

    return {
        journey,
        alpineAgreement,
        metroAgreement,
        harbourMember,
        alpineMember,
        introductionId: requested.introductionId,
        visits: { atAlpineInMarch, atHarbour, againAtAlpine, atMetro, cancelled, atAlpineInApril },
        openProposal,
        amendment,
    };
}

type Journeyed = Awaited<ReturnType<typeof buildJourney>>;

const tables = READ_MODEL_TABLES;
type Table = ReadModelTable;

/** The ledger key attributes of a row's entity, as the chaincode's Keys build them. */
const ledgerKeyOf: Record<Table, (data: Record<string, string>) => string[]> = {
    clubs: (club) => [club.mspId!],
    members: (member) => [member.homeClub!, member.memberNumber!],
    agreements: (agreement) => [agreement.agreementId!],
    bars: (bar) => [bar.hostClub!, bar.memberNumber!],
    introductions: (introduction) => [introduction.introductionId!],
    visits: (visit) => [visit.visitId!],
    visit_usage: (usage) => [usage.agreementId!, usage.memberNumber!, usage.period!],
    proposals: (proposal) => [proposal.proposalId!],
    votes: (vote) => [vote.proposalId!, vote.club!],
    consortium_rules: () => [],
};

describe('read-model projections', function () {
    this.timeout(30_000);
    let db: TestDatabase;
    let client: pg.PoolClient;
    let journeyed: Journeyed;
    let channelCount = 0;

    /** Each test projects into a channel of its own, so the tests share one schema without sharing rows. */
    const newChannel = () => {
        channelCount += 1;
        return `channel-${channelCount}`;
    };

    async function projectAll(channel: string, order: readonly number[] = journeyed.journey.transactions.map((_, position) => position)) {
        for (const position of order) {
            const { event } = journeyed.journey.transactions[position]!;
            await projectEvent(client, originOf(channel, position, event), event);
        }
    }

    /** Every row of every table in a channel, without the channel itself. */
    async function snapshot(channel: string): Promise<Record<string, unknown[]>> {
        const rows: Record<string, unknown[]> = {};
        for (const table of [...Object.keys(tables), 'member_personal_data', 'member_personal_data_erasures']) {
            const result = await client.query<{ row: unknown }>(
                `SELECT to_jsonb(t) - 'channel' AS row FROM ${table} AS t WHERE channel = $1 ORDER BY to_jsonb(t)::text`,
                [channel],
            );
            rows[table] = result.rows.map(({ row }) => row);
        }
        return rows;
    }

    /** Where in the journey the transaction `name` changed visit `visitId`. */
    function positionOf(name: string, visitId: string): number {
        const changesVisit = (change: EntityChange) => change.kind === 'visit' && change.value.visitId === visitId;
        const position = journeyed.journey.transactions.findIndex(({ event }) => event.name === name && event.changes.some(changesVisit));
        expect(position, `${name} of ${visitId}`).to.be.at.least(0);
        return position;
    }

    const eventAt = (position: number) => journeyed.journey.transactions[position]!.event;

    async function dataOf(table: Table, channel: string): Promise<Record<string, string>[]> {
        const result = await client.query<{ data: Record<string, string> }>(`SELECT data FROM ${table} WHERE channel = $1`, [channel]);
        return result.rows.map(({ data }) => data);
    }

    before(async () => {
        db = await freshDatabase();
        client = await db.pool.connect();
        journeyed = await buildJourney();
    });

    after(async () => {
        client.release();
        await db.drop();
    });

    describe('projectEvents', () => {
        it('holds every entity of every kind exactly as the world state holds it after the journey', async () => {
            const channel = newChannel();
            await projectAll(channel);

            const { ledger } = journeyed.journey;
            for (const [table, objectType] of Object.entries(tables) as [Table, string][]) {
                const rows = await dataOf(table, channel);
                const onLedger = [...ledger.state.keys()].filter((key) => key.startsWith(`\u0000${objectType}\u0000`));
                expect(rows, table).to.have.lengthOf(onLedger.length).and.not.be.empty;
                for (const data of rows) {
                    expect(data, table).to.deep.equal(ledger.read(objectType, ...ledgerKeyOf[table](data)));
                }
            }
        });

        it('derives the columns a club queries by from each entity', async () => {
            const channel = newChannel();
            await projectAll(channel);
            const { visits, metroAgreement, harbourMember, introductionId, openProposal } = journeyed;

            const visit = await client.query(
                `SELECT member_number, home_club, host_club, agreement_id, visit_date::text, status,
                        amount_minor::integer, currency, introduction_id
                 FROM visits WHERE channel = $1 AND visit_id = $2`,
                [channel, visits.atMetro],
            );
            expect(visit.rows).to.deep.equal([
                {
                    member_number: harbourMember,
                    home_club: HARBOUR,
                    host_club: METRO,
                    agreement_id: metroAgreement.agreementId,
                    visit_date: '2026-03-15',
                    status: 'CHECKED_OUT',
                    amount_minor: 4000,
                    currency: 'CHF',
                    introduction_id: introductionId,
                },
            ]);
            const cancelled = await client.query(`SELECT status, amount_minor::integer FROM visits WHERE channel = $1 AND visit_id = $2`, [
                channel,
                visits.cancelled,
            ]);
            expect(cancelled.rows).to.deep.equal([{ status: 'CANCELLED', amount_minor: 0 }]);

            const agreement = await client.query(
                `SELECT proposer, counterparty, status, valid_from::text, visits_per_member_per_month,
                        fee_amount_minor::integer, fee_currency, terms
                 FROM agreements WHERE channel = $1 AND agreement_id = $2`,
                [channel, metroAgreement.agreementId],
            );
            expect(agreement.rows).to.deep.equal([
                {
                    proposer: HARBOUR,
                    counterparty: METRO,
                    status: 'ACTIVE',
                    valid_from: '2026-01-01',
                    visits_per_member_per_month: 1,
                    fee_amount_minor: 4000,
                    fee_currency: 'CHF',
                    terms: metroAgreement.terms,
                },
            ]);

            const members = await client.query(
                `SELECT member_number FROM members
                 WHERE channel = $1 AND home_club = $2 AND status = 'ACTIVE' AND membership_type = 'REGULAR'`,
                [channel, HARBOUR],
            );
            expect(members.rows).to.deep.equal([{ member_number: harbourMember }]);

            const introduction = await client.query(
                `SELECT host_club, stay_from::text, stay_until::text, status, visit_id FROM introductions WHERE channel = $1`,
                [channel],
            );
            expect(introduction.rows).to.deep.equal([
                { host_club: METRO, stay_from: '2026-03-14', stay_until: '2026-03-16', status: 'USED', visit_id: visits.atMetro },
            ]);

            const open = await client.query(`SELECT proposal_id, type FROM proposals WHERE channel = $1 AND status = 'OPEN'`, [channel]);
            expect(open.rows).to.deep.equal([{ proposal_id: openProposal.proposalId, type: 'GENERAL' }]);

            const rules = await client.query(`SELECT quorum_percent, admission_required FROM consortium_rules WHERE channel = $1`, [
                channel,
            ]);
            expect(rules.rows).to.deep.equal([{ quorum_percent: 75, admission_required: true }]);
        });

        it('records on each row the block position and transaction that last wrote it', async () => {
            const channel = newChannel();
            await projectAll(channel);
            const checkOutAtMetro = positionOf('VisitCheckedOut', journeyed.visits.atMetro);
            const expected = originOf(channel, checkOutAtMetro, eventAt(checkOutAtMetro));

            const row = await client.query(`SELECT block_number, tx_index, tx_id FROM visits WHERE channel = $1 AND visit_id = $2`, [
                channel,
                journeyed.visits.atMetro,
            ]);
            expect(row.rows).to.deep.equal([
                { block_number: expected.blockNumber.toString(), tx_index: expected.txIndex, tx_id: expected.txId },
            ]);
        });

        it('changes nothing when every event is applied a second time', async () => {
            const channel = newChannel();
            await projectAll(channel);
            const once = await snapshot(channel);

            await projectAll(channel);

            expect(await snapshot(channel)).to.deep.equal(once);
        });

        it('ends with the same tables when the events arrive in reverse order', async () => {
            const inOrder = newChannel();
            const reversed = newChannel();
            await projectAll(inOrder);

            await projectAll(
                reversed,
                journeyed.journey.transactions.map((_, position) => position).reverse(),
            );

            expect(await snapshot(reversed)).to.deep.equal(await snapshot(inOrder));
        });

        it('ignores a change older than the row, by block and by position in the block, and takes a later one', async () => {
            const channel = newChannel();
            const checkIn = eventAt(positionOf('VisitCheckedIn', journeyed.visits.atMetro));
            const checkOut = eventAt(positionOf('VisitCheckedOut', journeyed.visits.atMetro));
            const project = (blockNumber: bigint, txIndex: number, event: LedgerEvent) =>
                projectEvent(client, { channel, blockNumber, txIndex, txId: event.txId }, event);
            const statusOfVisit = async () => {
                const rows = await client.query<{ status: string }>(`SELECT status FROM visits WHERE channel = $1 AND visit_id = $2`, [
                    channel,
                    journeyed.visits.atMetro,
                ]);
                return rows.rows.map((row) => row.status);
            };

            await project(5n, 1, checkOut);
            await project(5n, 0, checkIn);
            await project(4n, 2, checkIn);
            expect(await statusOfVisit()).to.deep.equal(['CHECKED_OUT']);

            await project(6n, 0, checkIn);
            expect(await statusOfVisit()).to.deep.equal(['CHECKED_IN']);
        });

        it('keeps the last of two changes to one entity within an event', async () => {
            const channel = newChannel();
            const opened = eventAt(positionOf('VisitCheckedIn', journeyed.visits.atMetro));
            const closed = eventAt(positionOf('VisitCheckedOut', journeyed.visits.atMetro));
            const openedVisit = opened.changes.find(
                (change) => change.kind === 'visit' && change.value.visitId === journeyed.visits.atMetro,
            )!;
            const twice: LedgerEvent = { ...closed, changes: [openedVisit, ...closed.changes] };

            await projectEvent(client, originOf(channel, 0, twice), twice);

            const rows = await client.query(`SELECT status FROM visits WHERE channel = $1`, [channel]);
            expect(rows.rows).to.deep.equal([{ status: 'CHECKED_OUT' }]);
        });

        it('refuses an event with an entity kind it has no table for, writing none of its changes', async () => {
            const channel = newChannel();
            const registered = eventAt(0);
            const invoice = { kind: 'invoice', value: { invoiceId: '1' } };
            const unknown = { ...registered, changes: [...registered.changes, invoice] } as unknown as LedgerEvent;

            let refusal: unknown;
            try {
                await projectEvent(client, originOf(channel, 0, unknown), unknown);
            } catch (error) {
                refusal = error;
            }

            expect(refusal).to.be.an('error').with.property('message', 'no read-model table for entity kind "invoice"');
            expect(await dataOf('clubs', channel)).to.be.empty;
        });

        it('ends with the same tables when the whole journey is projected at once, in order or reversed, as one event at a time', async () => {
            const oneByOne = newChannel();
            const inOrder = newChannel();
            const reversed = newChannel();
            await projectAll(oneByOne);
            const committed = (channel: string) =>
                journeyed.journey.transactions.map(({ event }, position) => ({ origin: originOf(channel, position, event), event }));

            await projectEvents(client, committed(inOrder));
            await projectEvents(client, committed(reversed).reverse());

            const expected = await snapshot(oneByOne);
            expect(await snapshot(inOrder)).to.deep.equal(expected);
            expect(await snapshot(reversed)).to.deep.equal(expected);
        });

        it('refuses a set holding a change the table cannot hold even when a later change of the set supersedes it', async () => {
            const channel = newChannel();
            const checkIn = eventAt(positionOf('VisitCheckedIn', journeyed.visits.atMetro));
            const checkOut = eventAt(positionOf('VisitCheckedOut', journeyed.visits.atMetro));
            const unholdable: LedgerEvent = {
                ...checkIn,
                changes: checkIn.changes.map((change) => (change.kind === 'visit' ? { ...change, value: { ...change.value, guests: 'many' } } : change)) as EntityChange[],
            };
            const refusalOf = async (events: Parameters<typeof projectEvents>[1]) => {
                await client.query('BEGIN');
                try {
                    await projectEvents(client, events);
                    return undefined;
                } catch (error) {
                    return error;
                } finally {
                    await client.query('ROLLBACK');
                }
            };

            const alone = await refusalOf([{ origin: originOf(channel, 0, unholdable), event: unholdable }]);
            const superseded = await refusalOf([
                { origin: originOf(channel, 0, unholdable), event: unholdable },
                { origin: originOf(channel, 1, checkOut), event: checkOut },
            ]);

            expect(alone).to.be.an('error').with.property('message', 'invalid input syntax for type integer: "many"');
            expect(superseded).to.be.an('error').with.property('message', 'invalid input syntax for type integer: "many"');
            expect(await dataOf('visits', channel)).to.be.empty;
        });

        it('stores a NUL that a ledger string carries as U+FFFD instead of failing', async () => {
            const channel = newChannel();
            const journey = new Journey();
            const registration = clubRegistration(HARBOUR, { name: 'Harbour\u0000Club' });
            await journey.submit(admin(HARBOUR), (ctx) => contracts.clubs.register(ctx, JSON.stringify(registration)));
            const { event } = journey.transactions[0]!;

            await projectEvent(client, originOf(channel, 0, event), event);

            const row = await client.query(`SELECT name FROM clubs WHERE channel = $1`, [channel]);
            expect(row.rows).to.deep.equal([{ name: 'Harbour\uFFFDClub' }]);
        });
    });

    describe('views', () => {
        let channel: string;

        before(async () => {
            channel = newChannel();
            await projectAll(channel);
        });

        it('settlement: fees each home club owes each host club per month and currency, without cancelled visits', async () => {
            const rows = await client.query(
                `SELECT home_club, host_club, month::text, currency, visits::integer, amount_minor::integer
                 FROM settlement WHERE channel = $1 ORDER BY home_club, host_club, month`,
                [channel],
            );
            expect(rows.rows).to.deep.equal([
                { home_club: ALPINE, host_club: HARBOUR, month: '2026-03-01', currency: 'EUR', visits: 1, amount_minor: 2500 },
                { home_club: HARBOUR, host_club: ALPINE, month: '2026-03-01', currency: 'EUR', visits: 2, amount_minor: 5000 },
                { home_club: HARBOUR, host_club: ALPINE, month: '2026-04-01', currency: 'EUR', visits: 1, amount_minor: 2500 },
                { home_club: HARBOUR, host_club: METRO, month: '2026-03-01', currency: 'CHF', visits: 1, amount_minor: 4000 },
            ]);
        });

        it('visits_by_club_month: each club as host and as home club, cancelled visits counted apart', async () => {
            const rows = await client.query(
                `SELECT club, side, month::text, visits::integer, cancelled_visits::integer, visiting_members::integer, guests::integer
                 FROM visits_by_club_month WHERE channel = $1 ORDER BY club, side, month`,
                [channel],
            );
            const row = (club: string, side: string, month: string, visits: number, cancelled = 0) => ({
                club,
                side,
                month,
                visits,
                cancelled_visits: cancelled,
                visiting_members: 1,
                guests: visits,
            });
            expect(rows.rows).to.deep.equal([
                row(ALPINE, 'HOME', '2026-03-01', 1),
                row(ALPINE, 'HOST', '2026-03-01', 2, 1),
                row(ALPINE, 'HOST', '2026-04-01', 1),
                row(HARBOUR, 'HOME', '2026-03-01', 3, 1),
                row(HARBOUR, 'HOME', '2026-04-01', 1),
                row(HARBOUR, 'HOST', '2026-03-01', 1),
                row(METRO, 'HOST', '2026-03-01', 1),
            ]);
        });

        it('member_usage: each member’s visits of a month under an agreement against its monthly and yearly limits', async () => {
            const { alpineAgreement, metroAgreement, harbourMember } = journeyed;
            const rows = await client.query(
                `SELECT host_club, month::text, visits, monthly_limit, remaining_this_month, visits_this_year, yearly_limit
                 FROM member_usage WHERE channel = $1 AND member_number = $2 ORDER BY host_club, month`,
                [channel, harbourMember],
            );
            const row = (host: string, month: string, visits: number, [limit, remaining]: number[], [thisYear, yearly]: number[]) => ({
                host_club: host,
                month,
                visits,
                monthly_limit: limit,
                remaining_this_month: remaining,
                visits_this_year: thisYear,
                yearly_limit: yearly,
            });
            expect(rows.rows).to.deep.equal([
                row(ALPINE, '2026-03-01', 2, [4, 2], [3, 24]),
                row(ALPINE, '2026-04-01', 1, [4, 3], [3, 24]),
                row(METRO, '2026-03-01', 1, [1, 0], [1, 12]),
            ]);
            expect(alpineAgreement.terms.visitsPerMemberPerMonth).to.equal(4);
            expect(metroAgreement.terms.visitsPerMemberPerMonth).to.equal(1);
        });

        it('partner_usage: per agreement, direction and month, the visits and the members who reached the monthly limit', async () => {
            const { alpineAgreement, metroAgreement } = journeyed;
            const rows = await client.query(
                `SELECT agreement_id, home_club, host_club, month::text, visits::integer, visiting_members::integer,
                        members_at_limit::integer, monthly_limit
                 FROM partner_usage WHERE channel = $1 ORDER BY home_club, host_club, month`,
                [channel],
            );
            const row = (agreement: Agreement, [home, host]: string[], month: string, visits: number, atLimit: number) => ({
                agreement_id: agreement.agreementId,
                home_club: home,
                host_club: host,
                month,
                visits,
                visiting_members: 1,
                members_at_limit: atLimit,
                monthly_limit: agreement.terms.visitsPerMemberPerMonth,
            });
            expect(rows.rows).to.deep.equal([
                row(alpineAgreement, [ALPINE, HARBOUR], '2026-03-01', 1, 0),
                row(alpineAgreement, [HARBOUR, ALPINE], '2026-03-01', 2, 0),
                row(alpineAgreement, [HARBOUR, ALPINE], '2026-04-01', 1, 0),
                row(metroAgreement, [HARBOUR, METRO], '2026-03-01', 1, 1),
            ]);
        });
    });

    describe('projectPersonalData', () => {
        const suffix = randomBytes(4).toString('hex');
        const reader = `rcn_test_reader_${suffix}`;
        const writer = `rcn_test_writer_${suffix}`;
        let harbourRecord: PrivateKeyWrite;
        let alpineRecord: PrivateKeyWrite;
        let harbourErasure: PrivateKeyWrite;
        let harbourMember: string;
        let alpineMember: string;
        let ledger: FakeLedger;

        const origin = (channel: string, blockNumber: bigint): ChangeOrigin => ({
            channel,
            blockNumber,
            txIndex: 0,
            txId: `tx-${blockNumber.toString()}`,
        });

        /** Runs `work` in one database transaction, as the indexer writes a block; as `role` when given. */
        async function inTransaction<T>(work: () => Promise<T>, role?: string): Promise<T> {
            await client.query('BEGIN');
            try {
                if (role !== undefined) {
                    await client.query(`SET LOCAL ROLE ${quoteIdentifier(role)}`);
                }
                const result = await work();
                await client.query('COMMIT');
                return result;
            } catch (error) {
                await client.query('ROLLBACK');
                throw error;
            }
        }

        /** What a session sees of member_personal_data, as `role`, having set rcn.club to `club` or not. */
        async function visibleTo(role: string, channel: string, club?: string): Promise<string[]> {
            return inTransaction(async () => {
                if (club !== undefined) {
                    await client.query(`SELECT set_config('rcn.club', $1, true)`, [club]);
                }
                const rows = await client.query<{ member_number: string }>(
                    `SELECT member_number FROM member_personal_data WHERE channel = $1 ORDER BY member_number`,
                    [channel],
                );
                return rows.rows.map((row) => row.member_number);
            }, role);
        }

        /** Rows as the table owner sees them; the test's connection is a superuser, which row-level security never restricts. */
        async function storedRecords(channel: string) {
            const rows = await client.query(
                `SELECT member_number, home_club, data FROM member_personal_data WHERE channel = $1 ORDER BY member_number`,
                [channel],
            );
            return rows.rows as { member_number: string; home_club: string; data: unknown }[];
        }

        const memberKey = (home: string, memberNumber: string) => ledger.key('member', home, memberNumber);
        const ownWrite = (key: string, value: string): PrivateKeyWrite => ({
            namespace: 'reciprocal',
            collection: `_implicit_org_${HARBOUR}`,
            key,
            isDelete: false,
            value: Buffer.from(value),
        });

        before(async () => {
            const journey = new Journey();
            ledger = journey.ledger;
            for (const club of [HARBOUR, ALPINE]) {
                await journey.submit(admin(club), (ctx) => contracts.clubs.register(ctx, JSON.stringify(clubRegistration(club))));
            }
            harbourMember = await enrolWithPersonalData(journey, HARBOUR);
            harbourRecord = journey.transactions.at(-1)!.privateWrites[0]!;
            alpineMember = await enrolWithPersonalData(journey, ALPINE);
            alpineRecord = journey.transactions.at(-1)!.privateWrites[0]!;
            await journey.submit(admin(HARBOUR), (ctx) => contracts.members.terminate(ctx, harbourMember));
            await journey.submit(admin(HARBOUR), (ctx) => contracts.members.erasePersonalData(ctx, harbourMember));
            harbourErasure = journey.transactions.at(-1)!.privateWrites[0]!;
            expect(harbourErasure).to.include({ isDelete: true, key: harbourRecord.key, collection: harbourRecord.collection });

            const schema = quoteIdentifier(db.options.schema);
            await client.query(`CREATE ROLE ${quoteIdentifier(reader)} NOLOGIN`);
            await client.query(`CREATE ROLE ${quoteIdentifier(writer)} NOLOGIN`);
            await client.query(`GRANT USAGE ON SCHEMA ${schema} TO ${quoteIdentifier(reader)}, ${quoteIdentifier(writer)}`);
            await client.query(`GRANT SELECT ON member_personal_data TO ${quoteIdentifier(reader)}`);
            await client.query(
                `GRANT SELECT, INSERT, UPDATE, DELETE ON member_personal_data, member_personal_data_erasures TO ${quoteIdentifier(writer)}`,
            );
        });

        after(async () => {
            const superuser = new pg.Client({ connectionString: postgresUrl() });
            await superuser.connect();
            try {
                await superuser.query(`DROP OWNED BY ${quoteIdentifier(reader)}, ${quoteIdentifier(writer)}`);
                await superuser.query(`DROP ROLE ${quoteIdentifier(reader)}, ${quoteIdentifier(writer)}`);
            } finally {
                await superuser.end();
            }
        });

        it('records the own members’ sealed personal records, validated, and ignores other collections and keys', async () => {
            const channel = newChannel();
            const sequenceKey = ownWrite(ledger.key('memberSequence', HARBOUR), '{"next":2}');

            const rejected = await inTransaction(() =>
                projectPersonalData(client, origin(channel, 3n), [alpineRecord, sequenceKey, harbourRecord], HARBOUR),
            );

            expect(rejected).to.be.empty;
            expect(await storedRecords(channel)).to.deep.equal([
                {
                    member_number: harbourMember,
                    home_club: HARBOUR,
                    data: personalDataEnvelope(HARBOUR),
                },
            ]);
        });

        it('skips records that are not sealed personal records, plaintext ones included, and reports why, never what they held', async () => {
            const channel = newChannel();
            const writes = [
                ownWrite(memberKey(HARBOUR, 'HAR000007'), '{"email": "secret.person@'),
                ownWrite(memberKey(HARBOUR, 'HAR000008'), JSON.stringify({ ...personalDataEnvelope(), iv: 'secret07912345', v: 2 })),
                ownWrite(memberKey(HARBOUR, 'HAR000010'), JSON.stringify({ email: 'secret.person@example.org' })),
                ownWrite(memberKey(ALPINE, alpineMember), JSON.stringify(personalDataEnvelope())),
                { ...ownWrite(memberKey(HARBOUR, 'HAR000009'), ''), value: undefined },
            ];

            const rejected = await inTransaction(() => projectPersonalData(client, origin(channel, 3n), writes, HARBOUR));

            expect(rejected).to.deep.equal([
                { memberNumber: 'HAR000007', reason: 'the value is not JSON' },
                {
                    memberNumber: 'HAR000008',
                    reason: 'not a sealed personal record: v: Invalid input: expected 1; iv: must be 12 bytes in base64url',
                },
                {
                    memberNumber: 'HAR000010',
                    reason:
                        'not a sealed personal record: v: Invalid input: expected 1; alg: Invalid input: expected "A256GCM"; ' +
                        'iv: Invalid input: expected string, received undefined; ciphertext: Invalid input: expected string, received undefined; ' +
                        'tag: Invalid input: expected string, received undefined; (record): Unrecognized key: "email"',
                },
                { memberNumber: alpineMember, reason: `a member of ${ALPINE}, not of ${HARBOUR}` },
                { memberNumber: 'HAR000009', reason: 'the write carries no value' },
            ]);
            expect(JSON.stringify(rejected)).not.to.match(/secret|07912345/);
            expect(await storedRecords(channel)).to.be.empty;
        });

        it('removes the record when it is erased, and a replayed older write does not bring it back', async () => {
            const channel = newChannel();
            await inTransaction(() => projectPersonalData(client, origin(channel, 3n), [harbourRecord], HARBOUR));

            await inTransaction(() => projectPersonalData(client, origin(channel, 9n), [harbourErasure], HARBOUR));
            expect(await storedRecords(channel)).to.be.empty;

            await inTransaction(() => projectPersonalData(client, origin(channel, 3n), [harbourRecord], HARBOUR));
            expect(await storedRecords(channel)).to.be.empty;
            const erasures = await client.query(
                `SELECT member_number, block_number FROM member_personal_data_erasures WHERE channel = $1`,
                [channel],
            );
            expect(erasures.rows).to.deep.equal([{ member_number: harbourMember, block_number: '9' }]);
        });

        it('shows a session only the rows of the club it names in rcn.club, and none when it names no club', async () => {
            const channel = newChannel();
            await inTransaction(() => projectPersonalData(client, origin(channel, 3n), [harbourRecord], HARBOUR));
            await inTransaction(() => projectPersonalData(client, origin(channel, 4n), [alpineRecord], ALPINE));
            expect(await storedRecords(channel)).to.have.lengthOf(2);

            expect(await visibleTo(reader, channel)).to.be.empty;
            expect(await visibleTo(reader, channel, HARBOUR)).to.deep.equal([harbourMember]);
            expect(await visibleTo(reader, channel, ALPINE)).to.deep.equal([alpineMember]);
        });

        it('holds the table’s owner to the policy as well', async () => {
            const channel = newChannel();
            await inTransaction(() => projectPersonalData(client, origin(channel, 3n), [harbourRecord], HARBOUR));
            const visibleToOwner = async (club?: string) => {
                if (club !== undefined) {
                    await client.query(`SELECT set_config('rcn.club', $1, true)`, [club]);
                }
                const rows = await client.query(`SELECT member_number FROM member_personal_data WHERE channel = $1`, [channel]);
                return rows.rowCount;
            };

            await client.query('BEGIN');
            try {
                await client.query(`ALTER TABLE member_personal_data OWNER TO ${quoteIdentifier(writer)}`);
                await client.query(`SET LOCAL ROLE ${quoteIdentifier(writer)}`);
                expect(await visibleToOwner()).to.equal(0);
                expect(await visibleToOwner(HARBOUR)).to.equal(1);
            } finally {
                await client.query('ROLLBACK');
            }
        });

        it('lets a writer that row-level security restricts record and erase its own club’s records', async () => {
            const channel = newChannel();

            await inTransaction(() => projectPersonalData(client, origin(channel, 3n), [harbourRecord], HARBOUR), writer);
            expect((await storedRecords(channel)).map((row) => row.member_number)).to.deep.equal([harbourMember]);

            await inTransaction(() => projectPersonalData(client, origin(channel, 9n), [harbourErasure], HARBOUR), writer);
            expect(await storedRecords(channel)).to.be.empty;
        });

        it('refuses a restricted session that has not named its club a row of its own', async () => {
            const channel = newChannel();
            let refusal: unknown;
            try {
                await inTransaction(
                    () =>
                        client.query(
                            `INSERT INTO member_personal_data (channel, member_number, home_club, data, block_number, tx_index, tx_id)
                             VALUES ($1, $2, $3, '{}', 1, 0, 'tx')`,
                            [channel, harbourMember, HARBOUR],
                        ),
                    writer,
                );
            } catch (error) {
                refusal = error;
            }
            expect(refusal).to.be.an('error').with.property('message').that.matches(/row-level security/);
        });
    });
});
