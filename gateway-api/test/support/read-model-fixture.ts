import type { Agreement, Introduction, LedgerEvent, Member, Proposal, Visit } from '@reciprocal-clubs/chaincode/model';
import { AgreementContract } from '../../../chaincode/src/agreements/agreement-contract.js';
import { BarContract } from '../../../chaincode/src/bars/bar-contract.js';
import { ClubContract } from '../../../chaincode/src/clubs/club-contract.js';
import type { RecordContext } from '../../../chaincode/src/context.js';
import { GovernanceContract } from '../../../chaincode/src/governance/governance-contract.js';
import { IntroductionContract } from '../../../chaincode/src/introductions/introduction-contract.js';
import { MemberContract } from '../../../chaincode/src/members/member-contract.js';
import type { MembershipType } from '../../../chaincode/src/model/common.js';
import { VisitContract } from '../../../chaincode/src/visits/visit-contract.js';
import { agreementTerms } from '../../../chaincode/test/support/agreement-fixtures.js';
import { ALPINE, HARBOUR, METRO, admin, auditor, clubRegistration, staff } from '../../../chaincode/test/support/fixtures.js';
import { amendmentRequest, generalRequest, hoursAfter, stricterRules } from '../../../chaincode/test/support/governance-fixtures.js';
import { FakeLedger, type Submitter } from '../../../chaincode/test/support/ledger.js';
import { personalData } from '../../../chaincode/test/support/member-fixtures.js';
import { parseBlock } from '../../../event-indexer/src/blocks/parse-block.js';
import { applyBlock } from '../../../event-indexer/src/store/block-writer.js';
import {
    type ChainBlockSpec,
    type ValidationCodeName,
    type WriteSpec,
    buildChain,
    ledgerEventTransaction,
} from '../../../event-indexer/test/support/block-builder.js';
import { type TestDatabase, freshDatabase } from '../../../event-indexer/test/support/database.js';
import { sealPersonalData } from '../../src/personal-data/sealed-record.js';
import { ReadModel } from '../../src/read-model.js';
import { InMemoryPersonalDataKeys } from './personal-data-keys.js';
import { type ReadingRole, readingRole } from './reading-role.js';

export { ALPINE, HARBOUR, METRO };
export const CHANNEL = 'atlantic';
const CHAINCODE = 'reciprocal';

const contracts = {
    clubs: new ClubContract(),
    members: new MemberContract(),
    agreements: new AgreementContract(),
    bars: new BarContract(),
    introductions: new IntroductionContract(),
    visits: new VisitContract(),
    governance: new GovernanceContract(),
};

/** What a block carries of one transaction: its function, event, public and private writes, and verdict. */
interface RecordedTransaction {
    readonly function: string;
    readonly event: LedgerEvent;
    readonly writes: readonly WriteSpec[];
    readonly privateWrites: readonly (WriteSpec & { readonly collection: string })[];
    readonly validationCode: ValidationCodeName;
}

type KeyValues = Map<string, Uint8Array>;

/** Runs the real contracts on the chaincode's FakeLedger and records each transaction as its block would carry it. */
class Journey {
    readonly ledger = new FakeLedger();
    readonly transactions: RecordedTransaction[] = [];
    /** The data keys the home clubs' API sealed their members' personal records with. */
    readonly personalDataKeys = new InMemoryPersonalDataKeys();

    async submit<T>(submitter: Submitter, fn: string, run: (ctx: RecordContext) => Promise<T>): Promise<T> {
        const state = new Map(this.ledger.state);
        const privateData = new Map([...this.ledger.privateData].map(([collection, entries]) => [collection, new Map(entries)]));
        const { result, event } = await this.ledger.submit(submitter, run);
        if (event === undefined) {
            throw new Error(`${fn} emitted no event`);
        }
        const privateWrites = [...new Set([...privateData.keys(), ...this.ledger.privateData.keys()])].flatMap((collection) =>
            writesBetween(privateData.get(collection), this.ledger.privateData.get(collection)).map((write) => ({ ...write, collection })),
        );
        this.transactions.push({
            function: fn,
            event,
            writes: writesBetween(state, this.ledger.state),
            privateWrites,
            validationCode: 'VALID',
        });
        return result;
    }

    /** Submits a transaction whose result is an entity's JSON, and parses it. */
    async entity<T>(submitter: Submitter, fn: string, run: (ctx: RecordContext) => Promise<string>): Promise<T> {
        return JSON.parse(await this.submit(submitter, fn, run)) as T;
    }

    /** A transaction endorsed as the contract ran it but invalidated at commit: in the block, changing nothing. */
    async invalidated(submitter: Submitter, fn: string, validationCode: ValidationCodeName, run: (ctx: RecordContext) => Promise<string>) {
        const { ctx, stub } = this.ledger.context(submitter);
        await run(ctx);
        const [, payload] = stub.setEvent.lastCall.args;
        const event = JSON.parse(Buffer.from(payload).toString('utf8')) as LedgerEvent;
        this.transactions.push({ function: fn, event, writes: [], privateWrites: [], validationCode });
        return event.txId;
    }
}

function writesBetween(before: KeyValues | undefined, after: KeyValues | undefined): WriteSpec[] {
    const old = before ?? new Map<string, Uint8Array>();
    const current = after ?? new Map<string, Uint8Array>();
    return [...new Set([...old.keys(), ...current.keys()])].flatMap((key): WriteSpec[] => {
        const value = current.get(key);
        if (value === undefined) {
            return [{ key, delete: true }];
        }
        const previous = old.get(key);
        return previous !== undefined && Buffer.compare(previous, value) === 0 ? [] : [{ key, value }];
    });
}

const at = (date: string) => new Date(`${date}T10:00:00.000Z`);

async function enrol(journey: Journey, home: string, membershipType: MembershipType, person = personalData()): Promise<string> {
    const { memberNumber } = await journey.entity<Member>(admin(home), 'Member:enrol', (ctx) =>
        contracts.members.enrol(ctx, JSON.stringify({ membershipType, validUntil: '2027-12-31' })),
    );
    const dataKey = await journey.personalDataKeys.keyFor({ club: home, channel: CHANNEL, memberNumber });
    const sealed = sealPersonalData(person, dataKey, { channel: CHANNEL, memberNumber });
    const withPersonalData = { ...admin(home), transient: { personalData: JSON.stringify(sealed) } };
    await journey.submit(withPersonalData, 'Member:recordPersonalData', (ctx) => contracts.members.recordPersonalData(ctx, memberNumber));
    return memberNumber;
}

async function activeMember(journey: Journey, home: string, membershipType: MembershipType, person = personalData()): Promise<string> {
    const memberNumber = await enrol(journey, home, membershipType, person);
    await journey.submit(admin(home), 'Member:activate', (ctx) => contracts.members.activate(ctx, memberNumber));
    return memberNumber;
}

async function activeAgreement(journey: Journey, proposer: string, counterparty: string, terms = agreementTerms()): Promise<Agreement> {
    const proposed = await journey.entity<Agreement>(admin(proposer), 'Agreement:propose', (ctx) =>
        contracts.agreements.propose(ctx, counterparty, JSON.stringify(terms)),
    );
    return journey.entity<Agreement>(admin(counterparty), 'Agreement:accept', (ctx) => contracts.agreements.accept(ctx, proposed.agreementId));
}

async function introduce(journey: Journey, home: string, memberNumber: string, hostClub: string, stay: object, issue = true) {
    const request = JSON.stringify({ memberNumber, hostClub, stay });
    const { introductionId } = await journey.entity<Introduction>(staff(home), 'Introduction:request', (ctx) =>
        contracts.introductions.request(ctx, request),
    );
    if (issue) {
        await journey.submit(staff(home), 'Introduction:issue', (ctx) => contracts.introductions.issue(ctx, introductionId));
    }
    return introductionId;
}

const checkInRequest = (memberNumber: string, introductionId?: string) =>
    JSON.stringify({ memberNumber, facility: 'DINING', guests: 1, nights: 0, ...(introductionId ? { introductionId } : {}) });

async function checkIn(journey: Journey, host: string, date: string, memberNumber: string, introductionId?: string): Promise<string> {
    const visit = await journey.entity<Visit>({ ...staff(host), at: at(date) }, 'Visit:checkIn', (ctx) =>
        contracts.visits.checkIn(ctx, checkInRequest(memberNumber, introductionId)),
    );
    return visit.visitId;
}

async function closeVisit(journey: Journey, host: string, date: string, visitId: string, fn: 'checkOut' | 'cancel'): Promise<void> {
    await journey.submit({ ...staff(host), at: at(date) }, `Visit:${fn}`, (ctx) => contracts.visits[fn](ctx, visitId));
}

/**
 * Three clubs on `atlantic`. Harbour has agreements with Alpine (EUR 25.00, four visits a month) and Metro
 * (CHF 40.00, one a month; suspended in April); Alpine has one with Metro. Harbour has five members of
 * several statuses and types; Alpine two. Harbour's members visit Alpine and Metro in March and April (one
 * visit cancelled, one with a letter of introduction), Alpine's first member visits Harbour twice, its second
 * only Metro; Harbour expects Alpine's members on introductions in April. Metro bars a Harbour member,
 * Harbour bars (and lifts) an Alpine member. Two proposals stay open, a rules amendment passed, and a
 * check-in at Harbour was invalidated by an MVCC conflict.
 */
async function buildJourney() {
    const journey = new Journey();
    for (const club of [HARBOUR, ALPINE, METRO]) {
        await journey.submit(admin(club), 'Club:register', (ctx) => contracts.clubs.register(ctx, JSON.stringify(clubRegistration(club))));
    }
    const alpineAgreement = await activeAgreement(journey, HARBOUR, ALPINE);
    const metroTerms = agreementTerms({
        feePerVisit: { amountMinor: 4000, currency: 'CHF' },
        visitsPerMemberPerMonth: 1,
        visitsPerMemberPerYear: 12,
    });
    const metroAgreement = await activeAgreement(journey, HARBOUR, METRO, metroTerms);
    const alpineMetroAgreement = await activeAgreement(journey, ALPINE, METRO);

    const traveller = await activeMember(journey, HARBOUR, 'REGULAR');
    const grace = personalData({ givenName: 'Grace', familyName: 'Hopper', email: 'grace.hopper@example.org' });
    const vip = await activeMember(journey, HARBOUR, 'VIP', grace);
    const pending = await enrol(journey, HARBOUR, 'REGULAR');
    const student = await activeMember(journey, HARBOUR, 'STUDENT');
    const erased = await activeMember(journey, HARBOUR, 'REGULAR');
    await journey.submit(admin(HARBOUR), 'Member:terminate', (ctx) => contracts.members.terminate(ctx, erased));
    await journey.submit(admin(HARBOUR), 'Member:erasePersonalData', (ctx) => contracts.members.erasePersonalData(ctx, erased));
    await journey.personalDataKeys.destroy({ club: HARBOUR, channel: CHANNEL, memberNumber: erased });
    const alpineVisitor = await activeMember(journey, ALPINE, 'REGULAR');
    const alpineStranger = await activeMember(journey, ALPINE, 'REGULAR');

    const toMetro = await introduce(journey, HARBOUR, traveller, METRO, { from: '2026-03-14', until: '2026-03-16' });
    const visitorExpected = await introduce(journey, ALPINE, alpineVisitor, HARBOUR, { from: '2026-04-20', until: '2026-04-22' });
    const strangerExpected = await introduce(journey, ALPINE, alpineStranger, HARBOUR, { from: '2026-04-19', until: '2026-04-21' });
    const onlyRequested = await introduce(journey, ALPINE, alpineVisitor, HARBOUR, { from: '2026-05-01', until: '2026-05-03' }, false);

    const travellerAtAlpine1 = await checkIn(journey, ALPINE, '2026-03-10', traveller);
    const visitorAtHarbour1 = await checkIn(journey, HARBOUR, '2026-03-11', alpineVisitor);
    await closeVisit(journey, HARBOUR, '2026-03-11', visitorAtHarbour1, 'checkOut');
    const travellerAtAlpine2 = await checkIn(journey, ALPINE, '2026-03-12', traveller);
    const travellerAtMetro = await checkIn(journey, METRO, '2026-03-15', traveller, toMetro);
    await closeVisit(journey, METRO, '2026-03-15', travellerAtMetro, 'checkOut');
    const vipAtAlpine = await checkIn(journey, ALPINE, '2026-03-18', vip);
    await closeVisit(journey, ALPINE, '2026-03-18', vipAtAlpine, 'checkOut');
    const travellerCancelled = await checkIn(journey, ALPINE, '2026-03-20', traveller);
    await closeVisit(journey, ALPINE, '2026-03-20', travellerCancelled, 'cancel');
    const strangerAtMetro = await checkIn(journey, METRO, '2026-03-25', alpineStranger);
    await closeVisit(journey, METRO, '2026-03-25', strangerAtMetro, 'checkOut');
    const travellerAtAlpine3 = await checkIn(journey, ALPINE, '2026-04-02', traveller);
    await closeVisit(journey, ALPINE, '2026-04-02', travellerAtAlpine3, 'checkOut');
    const visitorAtHarbour2 = await checkIn(journey, HARBOUR, '2026-04-10', alpineVisitor);
    const visits = {
        travellerAtAlpine1,
        visitorAtHarbour1,
        travellerAtAlpine2,
        travellerAtMetro,
        vipAtAlpine,
        travellerCancelled,
        strangerAtMetro,
        travellerAtAlpine3,
        visitorAtHarbour2,
    };
    const invalidCheckIn = await journey.invalidated({ ...staff(HARBOUR), at: at('2026-04-10') }, 'Visit:checkIn', 'MVCC_READ_CONFLICT', (ctx) =>
        contracts.visits.checkIn(ctx, checkInRequest(alpineStranger)),
    );

    const bar = (memberNumber: string, month: string) =>
        JSON.stringify({ memberNumber, reason: 'Unpaid bar bill', window: { from: `2026-${month}-01`, until: `2026-${month}-30` } });
    await journey.submit({ ...admin(METRO), at: at('2026-04-03') }, 'Bar:bar', (ctx) => contracts.bars.bar(ctx, bar(traveller, '05')));
    await journey.submit({ ...admin(HARBOUR), at: at('2026-04-03') }, 'Bar:bar', (ctx) => contracts.bars.bar(ctx, bar(alpineStranger, '06')));
    await journey.submit({ ...admin(HARBOUR), at: at('2026-04-04') }, 'Bar:lift', (ctx) => contracts.bars.lift(ctx, alpineStranger));
    await journey.submit({ ...admin(METRO), at: at('2026-04-05') }, 'Agreement:suspend', (ctx) =>
        contracts.agreements.suspend(ctx, metroAgreement.agreementId),
    );

    const propose = (club: string, request: object) =>
        journey.entity<Proposal>(admin(club), 'Governance:propose', (ctx) => contracts.governance.propose(ctx, JSON.stringify(request)));
    const vote = (club: string, proposalId: string, choice: string) =>
        journey.submit(admin(club), 'Governance:vote', (ctx) => contracts.governance.vote(ctx, proposalId, choice));
    const opened = journey.ledger.clock;
    const openProposal = await propose(HARBOUR, generalRequest(hoursAfter(opened, 72)));
    const soonerProposal = await propose(ALPINE, generalRequest(hoursAfter(opened, 24)));
    const amendment = await propose(HARBOUR, amendmentRequest(stricterRules, hoursAfter(opened, 48)));
    await vote(METRO, openProposal.proposalId, 'YES');
    await vote(ALPINE, openProposal.proposalId, 'NO');
    for (const club of [HARBOUR, ALPINE, METRO]) {
        await vote(club, amendment.proposalId, 'YES');
    }
    await journey.submit({ ...auditor(HARBOUR), at: new Date(amendment.votingDeadline) }, 'Governance:close', (ctx) =>
        contracts.governance.close(ctx, amendment.proposalId),
    );

    return {
        journey,
        agreements: { alpine: alpineAgreement, metro: metroAgreement, alpineMetro: alpineMetroAgreement },
        members: { traveller, vip, pending, student, erased, alpineVisitor, alpineStranger },
        introductions: { toMetro, visitorExpected, strangerExpected, onlyRequested },
        visits,
        proposals: { open: openProposal, sooner: soonerProposal, amendment },
        invalidCheckIn,
    };
}

export type JourneyFacts = Omit<Awaited<ReturnType<typeof buildJourney>>, 'journey'> & {
    /** Every recorded transaction's ID, in ledger order. */
    readonly txIds: readonly string[];
};

/** Three transactions a block after the genesis block; each club's peer delivers only its own private writes. */
function chainFor(club: string, transactions: readonly RecordedTransaction[]) {
    const collection = `_implicit_org_${club}`;
    const blocks: ChainBlockSpec[] = [{ transactions: [{ kind: 'config' }] }];
    for (let start = 0; start < transactions.length; start += 3) {
        blocks.push({
            transactions: transactions.slice(start, start + 3).map((tx) =>
                ledgerEventTransaction(tx.event, {
                    chaincode: CHAINCODE,
                    function: tx.function,
                    writes: tx.writes,
                    privateWrites: tx.privateWrites.filter((write) => write.collection === collection),
                    validationCode: tx.validationCode,
                }),
            ),
        });
    }
    return buildChain(blocks, { channel: CHANNEL });
}

export interface ReadModelFixture {
    /** Each club's read model, filled by its own indexer from the same blocks, read as a role without privileges. */
    readonly readModel: ReadModel;
    /** Each club's schema, by MSP ID. */
    readonly schemas: Readonly<Record<string, string>>;
    /** The data keys that open the indexed personal records (the erased member's destroyed). */
    readonly personalDataKeys: InMemoryPersonalDataKeys;
    readonly facts: JourneyFacts;
    close(): Promise<void>;
}

/**
 * A genuine read model: the journey's blocks indexed by the event-indexer's block writer, one migrated schema
 * per club. The API reads it as a login role that may only SELECT, as in production: row-level security
 * restricts it (a superuser would bypass it).
 */
export async function readModelFixture(): Promise<ReadModelFixture> {
    const { journey, ...facts } = await buildJourney();
    const databases = new Map<string, TestDatabase>();
    let reader: ReadingRole | undefined;
    const dropAll = async () => {
        await Promise.all([...databases.values()].map((database) => database.drop()));
        await reader?.drop();
    };
    try {
        for (const club of [HARBOUR, ALPINE, METRO]) {
            const database = await freshDatabase();
            databases.set(club, database);
            for (const built of chainFor(club, journey.transactions)) {
                const block = parseBlock(CHANNEL, built.block, built.privateData);
                await applyBlock(database.pool, block, { chaincodeName: CHAINCODE, ownClub: club });
            }
        }
        reader = await readingRole([...databases.values()].map((database) => database.options.schema));
    } catch (error) {
        await dropAll();
        throw error;
    }
    const schemas = Object.fromEntries([...databases].map(([club, database]) => [club, database.options.schema]));
    const readModel = new ReadModel({ connectionString: reader.url, schemas, maxConnections: 2 });
    return {
        readModel,
        schemas,
        personalDataKeys: journey.personalDataKeys,
        facts: { ...facts, txIds: journey.transactions.map((tx) => tx.event.txId) },
        async close() {
            await readModel.close();
            await dropAll();
        },
    };
}
