import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type {
    Agreement,
    AgreementTerms,
    CheckInRequest,
    Introduction,
    LedgerEvent,
    PersonalDataEnvelope,
    Proposal,
    Visit,
    VoteChoice,
} from '@reciprocal-clubs/chaincode/model';
import { implicitCollectionOf } from '@reciprocal-clubs/chaincode/model';
import type { SinonSpyCall } from 'sinon';
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
import { amendmentRequest, generalRequest, hoursAfter, stricterRules } from '../../../chaincode/test/support/governance-fixtures.js';
import { FakeLedger, type Submitter } from '../../../chaincode/test/support/ledger.js';
import { personalDataEnvelope } from '../../../chaincode/test/support/member-fixtures.js';
import {
    type BlockTransactionSpec,
    type BuiltBlock,
    type ChainBlockSpec,
    type PrivateWriteSpec,
    type TransactionSpec,
    type ValidationCodeName,
    type WriteSpec,
    buildChain,
    envelope,
} from './block-builder.js';

/**
 * A realistic journey run by the real contracts on the chaincode's FakeLedger — clubs, members with
 * personal data, agreements, governance, bars, introductions and visits — cut into a chain of real
 * blocks the way an orderer and a committing peer would: a transaction that read what an earlier
 * transaction of the block wrote starts a new block, and a check-in endorsed on the same state as
 * another lands in its block and fails validation (MVCC_READ_CONFLICT).
 */

export interface JourneyOptions {
    readonly channel: string;
    /** Check-ins, ten days apart per member from 2026-03-05; members are enrolled as the number needs. 12 by default. */
    readonly visits?: number;
    /** The most transactions the orderer cuts into one block (faults join blocks beyond it). 5 by default. */
    readonly maxTransactionsPerBlock?: number;
    /** The club whose implicit collection the blocks' private data holds, as its peer delivers it. HarbourMSP by default. */
    readonly privateDataOf?: string;
    /** Transactions the indexer must record and not project. None by default. */
    readonly faults?: FaultCounts;
}

export interface FaultCounts {
    /** Check-ins endorsed on the same state as another check-in of the member, ordered after it into its block. */
    readonly mvccConflicts?: number;
    /** Envelopes with a well-formed header around a body that is no transaction, which the peer marked VALID. */
    readonly malformedEnvelopes?: number;
    /** Valid transactions whose event also reports an entity of a kind the indexer has no table for. */
    readonly unknownEntityKinds?: number;
}

export type Fault = 'MVCC_READ_CONFLICT' | 'MALFORMED_ENVELOPE' | 'UNKNOWN_ENTITY_KIND';

/** A chaincode transaction of the chain (block 0, the channel's genesis configuration, has none). */
export interface JourneyTransaction {
    readonly blockNumber: bigint;
    readonly txIndex: number;
    readonly txId: string;
    /** `Contract:method`; absent for a malformed envelope. */
    readonly function?: string;
    readonly validationCode: ValidationCodeName;
    readonly event?: LedgerEvent;
    readonly fault?: Fault;
}

export interface Journey {
    readonly channel: string;
    /** The world state and private data after every valid transaction. */
    readonly ledger: FakeLedger;
    /** The chain's blocks as specifications, block 0 first, for tests that alter them and build again. */
    readonly blockSpecs: readonly ChainBlockSpec[];
    readonly blocks: readonly BuiltBlock[];
    readonly transactions: readonly JourneyTransaction[];
}

const contracts = {
    clubs: new ClubContract(),
    members: new MemberContract(),
    agreements: new AgreementContract(),
    bars: new BarContract(),
    introductions: new IntroductionContract(),
    visits: new VisitContract(),
    governance: new GovernanceContract(),
};

const CLUBS = [HARBOUR, ALPINE, METRO] as const;
const FIRST_VISIT_DAY = Date.parse('2026-03-05T00:00:00Z');
const DAYS_BETWEEN_VISITS = 10;
/** Rounds of visits that fit in 2026 (the agreements' term) and miss its Christmas blackout. */
const ROUNDS = 31;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function runJourney(options: JourneyOptions): Promise<Journey> {
    const recorder = new Recorder();
    await playJourney(recorder, options.visits ?? 12, options.faults?.mvccConflicts ?? 0);
    const blocks = cutIntoBlocks(recorder.groups, options.maxTransactionsPerBlock ?? 5);
    insertFaults(blocks, recorder.ledger, options.channel, options.faults ?? {});
    const collection = implicitCollectionOf(options.privateDataOf ?? HARBOUR);
    const blockSpecs: ChainBlockSpec[] = [
        { transactions: [{ kind: 'config', timestamp: recorder.ledger.clock }] },
        ...blocks.map((block) => ({ transactions: block.map((tx) => blockTransaction(tx, collection)) })),
    ];
    const transactions = blocks.flatMap((block, index) =>
        block.map(
            (tx, txIndex): JourneyTransaction => ({
                blockNumber: BigInt(index + 1),
                txIndex,
                txId: tx.txId,
                validationCode: tx.validationCode,
                ...(tx.function !== undefined && { function: tx.function }),
                ...(tx.event && { event: tx.event }),
                ...(tx.fault && { fault: tx.fault }),
            }),
        ),
    );
    return {
        channel: options.channel,
        ledger: recorder.ledger,
        blockSpecs,
        blocks: buildChain(blockSpecs, { channel: options.channel }),
        transactions,
    };
}

/** Writes each block to `<dir>/<channel>/<number>.block` under its final name only once complete: a follower never reads half a block. */
export async function writeBlockFiles(dir: string, channel: string, blocks: readonly BuiltBlock[]): Promise<void> {
    const folder = path.join(dir, channel);
    await mkdir(folder, { recursive: true });
    for (const { block } of blocks) {
        const file = path.join(folder, `${String(block.getHeader()?.getNumber())}.block`);
        await writeFile(`${file}.partial`, block.serializeBinary());
        await rename(`${file}.partial`, file);
    }
}

/** The notifications a correct indexer sends: one per party club of every valid, projectable transaction, by subject. */
export function expectedNotifications(journey: Journey): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { event, fault, validationCode } of journey.transactions) {
        if (event !== undefined && fault === undefined && validationCode === 'VALID') {
            for (const party of event.parties) {
                const subject = `clubs.${journey.channel}.${party}.${event.name}`;
                counts[subject] = (counts[subject] ?? 0) + 1;
            }
        }
    }
    return counts;
}

/** The read-model tables and the chaincode object type of the world-state entities each one holds. */
export const READ_MODEL_TABLES = {
    clubs: 'club',
    members: 'member',
    agreements: 'agreement',
    bars: 'bar',
    introductions: 'introduction',
    visits: 'visit',
    visit_usage: 'usage',
    proposals: 'proposal',
    votes: 'vote',
    consortium_rules: 'rules',
} as const;
export type ReadModelTable = keyof typeof READ_MODEL_TABLES;

/** Every entity of the world state, by the read-model table that must hold it. */
export function worldStateByTable(ledger: FakeLedger): Record<ReadModelTable, unknown[]> {
    const entries = Object.entries(READ_MODEL_TABLES).map(([table, objectType]) => {
        const values = [...ledger.state]
            .filter(([key]) => key.startsWith(`\u0000${objectType}\u0000`))
            .map(([, value]) => JSON.parse(Buffer.from(value).toString('utf8')) as unknown);
        return [table, values] as const;
    });
    return Object.fromEntries(entries) as Record<ReadModelTable, unknown[]>;
}

/** The personal records in a club's implicit collection, by member number. */
export function personalRecordsOf(ledger: FakeLedger, club: string): Map<string, PersonalDataEnvelope> {
    const records = new Map<string, PersonalDataEnvelope>();
    for (const [key, value] of ledger.privateData.get(implicitCollectionOf(club)) ?? []) {
        const [, objectType, , memberNumber] = key.split('\u0000');
        if (objectType === 'member' && memberNumber !== undefined) {
            records.set(memberNumber, JSON.parse(Buffer.from(value).toString('utf8')) as PersonalDataEnvelope);
        }
    }
    return records;
}

/** A transaction as its block carries it, with what it read and wrote (scoped keys, see `scoped`). */
interface Recorded {
    readonly txId: string;
    readonly function?: string;
    readonly validationCode: ValidationCodeName;
    readonly spec: BlockTransactionSpec;
    readonly event?: LedgerEvent;
    readonly fault?: Fault;
    readonly reads: ReadonlySet<string>;
    readonly rangeReads: readonly string[];
    readonly writes: ReadonlySet<string>;
}

type Transaction = (ctx: RecordContext, ...args: string[]) => Promise<string>;
type TransactionName<C> = { [M in keyof C]: C[M] extends Transaction ? M : never }[keyof C] & string;
interface NamedContract {
    getName(): string;
}
type Stub = ReturnType<FakeLedger['context']>['stub'];

/** A key in the scope MVCC validation tracks it in: public state, key metadata, or a private collection. */
function scoped(scope: string, key: string): string {
    return `${scope}/${key}`;
}

/** Runs transactions on a FakeLedger and records each as a block would carry it. */
class Recorder {
    readonly ledger = new FakeLedger();
    /** Transactions in ledger order; a group must share a block. */
    readonly groups: Recorded[][] = [];

    async submit<C extends NamedContract, M extends TransactionName<C>>(submitter: Submitter, contract: C, method: M, ...args: string[]): Promise<string> {
        const simulation = await this.#simulate(submitter, contract, method, args);
        simulation.commit();
        this.groups.push([simulation.recorded]);
        return simulation.result;
    }

    /** Endorses the transaction twice on the same state; the orderer puts both in one block, where the second loses. */
    async conflicting<C extends NamedContract, M extends TransactionName<C>>(submitter: Submitter, contract: C, method: M, ...args: string[]): Promise<string> {
        const winner = await this.#simulate(submitter, contract, method, args);
        const at = new Date((submitter.at ?? this.ledger.clock).getTime() + 1000);
        const loser = await this.#simulate({ ...submitter, at }, contract, method, args);
        winner.commit();
        const validationCode = 'MVCC_READ_CONFLICT';
        this.groups.push([winner.recorded, { ...loser.recorded, spec: { ...loser.spec, validationCode }, validationCode, fault: validationCode }]);
        return winner.result;
    }

    async #simulate<C extends NamedContract, M extends TransactionName<C>>(submitter: Submitter, contract: C, method: M, args: string[]) {
        const { ctx, stub, commit } = this.ledger.context(submitter);
        const transaction = contract[method] as Transaction;
        const result = await transaction.call(contract, ctx, ...args);
        const [eventName, payload] = stub.setEvent.getCalls().at(-1)?.args ?? [];
        if (eventName === undefined || payload === undefined) {
            throw new Error(`${contract.getName()}:${method} emitted no event`);
        }
        const event = JSON.parse(Buffer.from(payload).toString('utf8')) as LedgerEvent;
        const writes = writesOf(stub);
        const spec: TransactionSpec = {
            txId: event.txId,
            creatorMsp: submitter.mspId,
            timestamp: new Date(event.timestamp),
            function: `${contract.getName()}:${method}`,
            args,
            writes: writes.publicWrites,
            privateWrites: writes.privateWrites,
            event: { name: eventName, payload },
        };
        const recorded: Recorded = {
            txId: event.txId,
            function: spec.function,
            validationCode: 'VALID',
            spec,
            event,
            ...readsOf(stub, this.ledger),
            writes: writtenKeys(stub, writes),
        };
        return { result, recorded, spec, commit };
    }
}

interface KeyWriteCall {
    readonly call: SinonSpyCall;
    readonly scope: string;
    readonly key: string;
    readonly value?: Uint8Array;
}

/** The last write of each key, sorted by key within each scope, as Fabric's read-write set builder keeps them. */
export function writesOf(stub: Stub): { publicWrites: WriteSpec[]; privateWrites: PrivateWriteSpec[] } {
    const calls: KeyWriteCall[] = [
        ...stub.putState.getCalls().map((call) => ({ call, scope: '', key: call.args[0], value: call.args[1] })),
        ...stub.deleteState.getCalls().map((call) => ({ call, scope: '', key: call.args[0] })),
        ...stub.putPrivateData.getCalls().map((call) => ({ call, scope: call.args[0], key: call.args[1], value: call.args[2] })),
        ...stub.deletePrivateData.getCalls().map((call) => ({ call, scope: call.args[0], key: call.args[1] })),
        // A purge reaches the private write set as a delete.
        ...stub.purgePrivateData.getCalls().map((call) => ({ call, scope: call.args[0], key: call.args[1] })),
    ];
    const last = new Map<string, KeyWriteCall>();
    for (const write of calls.sort((a, b) => (a.call.calledBefore(b.call) ? -1 : 1))) {
        last.set(scoped(write.scope, write.key), write);
    }
    const sorted = [...last.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const writeSpec = ({ key, value }: KeyWriteCall): WriteSpec => (value === undefined ? { key, delete: true } : { key, value });
    return {
        publicWrites: sorted.filter((write) => write.scope === '').map(writeSpec),
        privateWrites: sorted.filter((write) => write.scope !== '').map((write) => ({ ...writeSpec(write), collection: write.scope })),
    };
}

function readsOf(stub: Stub, ledger: FakeLedger): Pick<Recorded, 'reads' | 'rangeReads'> {
    return {
        reads: new Set([
            ...stub.getState.getCalls().map((call) => scoped('', call.args[0])),
            ...stub.getStateValidationParameter.getCalls().map((call) => scoped('metadata', call.args[0])),
            ...stub.getPrivateData.getCalls().map((call) => scoped(call.args[0], call.args[1])),
            ...stub.getPrivateDataHash.getCalls().map((call) => scoped(call.args[0], call.args[1])),
        ]),
        rangeReads: stub.getStateByPartialCompositeKey.getCalls().map((call) => scoped('', ledger.key(call.args[0], ...call.args[1]))),
    };
}

function writtenKeys(stub: Stub, { publicWrites, privateWrites }: ReturnType<typeof writesOf>): Set<string> {
    return new Set([
        ...publicWrites.map((write) => scoped('', write.key)),
        ...privateWrites.map((write) => scoped(write.collection, write.key)),
        ...stub.setStateValidationParameter.getCalls().map((call) => scoped('metadata', call.args[0])),
    ]);
}

/**
 * Fills blocks in ledger order. A transaction that read a key an earlier transaction of the block
 * wrote was endorsed after that block: it starts the next one. A group stays together.
 */
function cutIntoBlocks(groups: readonly (readonly Recorded[])[], maxTransactions: number): Recorded[][] {
    const blocks: Recorded[][] = [];
    let block: Recorded[] = [];
    let written = new Set<string>();
    for (const group of groups) {
        const full = block.length + group.length > maxTransactions;
        if (block.length > 0 && (full || group.some((tx) => readsAnyOf(tx, written)))) {
            blocks.push(block);
            block = [];
            written = new Set();
        }
        block.push(...group);
        for (const tx of group.filter((member) => member.fault === undefined)) {
            tx.writes.forEach((key) => written.add(key));
        }
    }
    if (block.length > 0) {
        blocks.push(block);
    }
    return blocks;
}

function readsAnyOf(tx: Recorded, written: ReadonlySet<string>): boolean {
    return [...tx.reads].some((key) => written.has(key)) || tx.rangeReads.some((prefix) => [...written].some((key) => key.startsWith(prefix)));
}

/** Puts each fault between two transactions of a block, the blocks spread over the chain. */
function insertFaults(blocks: Recorded[][], ledger: FakeLedger, channel: string, faults: FaultCounts): void {
    const injected = [
        ...Array.from({ length: faults.malformedEnvelopes ?? 0 }, (_, n) => malformedEnvelope(n, channel)),
        ...Array.from({ length: faults.unknownEntityKinds ?? 0 }, (_, n) => unknownEntityKind(n, ledger)),
    ];
    for (const [n, fault] of injected.entries()) {
        const spread = blocks.slice(Math.floor(((n + 1) * blocks.length) / (injected.length + 1)));
        const block = spread.find((candidate) => candidate.length > 1) ?? blocks.find((candidate) => candidate.length > 1);
        if (block === undefined) {
            throw new Error('no block holds two transactions to put a fault between');
        }
        block.splice(Math.ceil(block.length / 2), 0, fault);
    }
}

function faultTxId(label: string): string {
    return createHash('sha256').update(label).digest('hex');
}

function malformedEnvelope(n: number, channel: string): Recorded {
    const txId = faultTxId(`malformed envelope ${n.toString()}`);
    return {
        txId,
        validationCode: 'VALID',
        spec: { kind: 'raw', envelope: envelope({ channel, txId, creatorMsp: METRO, data: Buffer.from('not a peer.Transaction') }) },
        fault: 'MALFORMED_ENVELOPE',
        reads: new Set(),
        rangeReads: [],
        writes: new Set(),
    };
}

/** As a newer chaincode might emit: a club change alongside an entity this indexer has never heard of. */
function unknownEntityKind(n: number, ledger: FakeLedger): Recorded {
    const txId = faultTxId(`unknown entity kind ${n.toString()}`);
    const club = { ...ledger.read<object>('club', HARBOUR), name: 'Harbour Club, renamed by an unknown change' };
    const event = {
        name: 'ClubUpdated',
        txId,
        timestamp: ledger.clock.toISOString(),
        actor: `admin@${HARBOUR}`,
        submitter: HARBOUR,
        parties: [HARBOUR],
        changes: [
            { kind: 'club', value: club },
            { kind: 'trophy', value: { trophyId: txId, club: HARBOUR, title: 'Regatta cup' } },
        ],
    };
    return {
        txId,
        function: 'Trophy:award',
        validationCode: 'VALID',
        spec: {
            txId,
            creatorMsp: HARBOUR,
            timestamp: ledger.clock,
            function: 'Trophy:award',
            event: { name: event.name, payload: JSON.stringify(event) },
        },
        event: event as unknown as LedgerEvent,
        fault: 'UNKNOWN_ENTITY_KIND',
        reads: new Set(),
        rangeReads: [],
        writes: new Set(),
    };
}

/** A peer delivers the private writes of the collections its club may read: its own implicit one. */
function blockTransaction(tx: Recorded, collection: string): BlockTransactionSpec {
    if (tx.spec.kind === 'raw' || tx.spec.kind === 'config' || tx.spec.privateWrites === undefined) {
        return tx.spec;
    }
    return { ...tx.spec, privateWrites: tx.spec.privateWrites.filter((write) => write.collection === collection) };
}

function parsed<T>(json: string): T {
    return JSON.parse(json) as T;
}

interface PoolMember {
    readonly home: string;
    readonly memberNumber: string;
}

interface PlannedVisit {
    readonly index: number;
    readonly member: PoolMember;
    readonly host: string;
    readonly date: string;
    readonly ending: 'checkOut' | 'cancel' | 'leftOpen';
}

async function playJourney(journey: Recorder, visits: number, conflicts: number): Promise<void> {
    for (const club of CLUBS) {
        await journey.submit(admin(club), contracts.clubs, 'register', JSON.stringify(clubRegistration(club)));
    }
    const { memberPrefix: _unchangeable, ...profile } = clubRegistration(METRO, { city: 'Geneva' });
    await journey.submit(admin(METRO), contracts.clubs, 'updateProfile', JSON.stringify(profile));

    const harbourAlpine = await activeAgreement(journey, HARBOUR, ALPINE, agreementTerms());
    await activeAgreement(journey, HARBOUR, METRO, agreementTerms({ feePerVisit: { amountMinor: 4000, currency: 'CHF' } }));
    const refused = parsed<Agreement>(await journey.submit(admin(METRO), contracts.agreements, 'propose', ALPINE, JSON.stringify(agreementTerms())));
    await journey.submit(admin(ALPINE), contracts.agreements, 'reject', refused.agreementId);
    await activeAgreement(journey, ALPINE, METRO, agreementTerms({ feePerVisit: { amountMinor: 3000, currency: 'EUR' } }));
    const cheaper = agreementTerms({ feePerVisit: { amountMinor: 2200, currency: 'EUR' } });
    await journey.submit(admin(HARBOUR), contracts.agreements, 'proposeAmendment', harbourAlpine.agreementId, JSON.stringify(cheaper));
    await journey.submit(admin(ALPINE), contracts.agreements, 'acceptAmendment', harbourAlpine.agreementId);

    const pool = await enrolPool(journey, Math.max(2, Math.ceil(visits / (CLUBS.length * ROUNDS))));
    await otherMemberChanges(journey, pool);
    await governance(journey);
    await barsAndIntroductions(journey, pool);
    await playVisits(journey, planVisits(pool, visits), conflicts);
}

async function activeAgreement(journey: Recorder, proposer: string, counterparty: string, terms: AgreementTerms): Promise<Agreement> {
    const proposed = parsed<Agreement>(await journey.submit(admin(proposer), contracts.agreements, 'propose', counterparty, JSON.stringify(terms)));
    return parsed<Agreement>(await journey.submit(admin(counterparty), contracts.agreements, 'accept', proposed.agreementId));
}

/** Each member's own sealed personal record, as the home club's API passes it in the transient map. */
function personalRecord(n: number): PersonalDataEnvelope {
    return personalDataEnvelope(`member ${n.toString()}`);
}

async function enrolMember(journey: Recorder, home: string, n: number): Promise<string> {
    const enrolment = { membershipType: n % 3 === 1 ? 'VIP' : 'REGULAR', validUntil: '2027-12-31' };
    const { memberNumber } = parsed<{ memberNumber: string }>(await journey.submit(admin(home), contracts.members, 'enrol', JSON.stringify(enrolment)));
    const withRecord: Submitter = { ...admin(home), transient: { personalData: JSON.stringify(personalRecord(n)) } };
    await journey.submit(withRecord, contracts.members, 'recordPersonalData', memberNumber);
    await journey.submit(admin(home), contracts.members, 'activate', memberNumber);
    return memberNumber;
}

/** Active members who visit, interleaved by club. */
async function enrolPool(journey: Recorder, perClub: number): Promise<PoolMember[]> {
    const pool: PoolMember[] = [];
    for (let round = 0; round < perClub; round += 1) {
        for (const home of CLUBS) {
            pool.push({ home, memberNumber: await enrolMember(journey, home, pool.length) });
        }
    }
    return pool;
}

/** A suspension lifted again, and a member who leaves and has the personal record erased. */
async function otherMemberChanges(journey: Recorder, pool: readonly PoolMember[]): Promise<void> {
    const suspended = pool[1];
    if (suspended !== undefined) {
        await journey.submit(admin(suspended.home), contracts.members, 'suspend', suspended.memberNumber);
        await journey.submit(admin(suspended.home), contracts.members, 'reinstate', suspended.memberNumber);
    }
    const leaving = await enrolMember(journey, HARBOUR, pool.length);
    await journey.submit(admin(HARBOUR), contracts.members, 'terminate', leaving);
    await journey.submit(admin(HARBOUR), contracts.members, 'erasePersonalData', leaving);
}

/** An open general proposal, and a rules amendment voted (one vote changed) and closed at its deadline, before the visits. */
async function governance(journey: Recorder): Promise<void> {
    const deadline = hoursAfter(journey.ledger.clock, 48);
    await journey.submit(admin(ALPINE), contracts.governance, 'propose', JSON.stringify(generalRequest(deadline)));
    const request = JSON.stringify(amendmentRequest(stricterRules, deadline));
    const amendment = parsed<Proposal>(await journey.submit(admin(HARBOUR), contracts.governance, 'propose', request));
    const votes: [string, VoteChoice][] = [
        [HARBOUR, 'YES'],
        [ALPINE, 'YES'],
        [METRO, 'NO'],
        [METRO, 'YES'],
    ];
    for (const [club, choice] of votes) {
        await journey.submit(admin(club), contracts.governance, 'vote', amendment.proposalId, choice);
    }
    await journey.submit({ ...auditor(HARBOUR), at: deadline }, contracts.governance, 'close', amendment.proposalId);
}

/** Bars in 2027 (after every visit), one lifted; an introduction requested and cancelled. */
async function barsAndIntroductions(journey: Recorder, pool: readonly PoolMember[]): Promise<void> {
    const alpineMember = pool.find((member) => member.home === ALPINE);
    const harbourMember = pool.find((member) => member.home === HARBOUR);
    if (alpineMember === undefined || harbourMember === undefined) {
        throw new Error('the pool holds members of every club');
    }
    const bar = (memberNumber: string, reason: string, month: string) => JSON.stringify({ memberNumber, reason, window: { from: `${month}-01`, until: `${month}-28` } });
    await journey.submit(admin(METRO), contracts.bars, 'bar', bar(alpineMember.memberNumber, 'Unpaid bar bill', '2027-01'));
    await journey.submit(admin(ALPINE), contracts.bars, 'bar', bar(harbourMember.memberNumber, 'Dress code', '2027-02'));
    await journey.submit(admin(ALPINE), contracts.bars, 'lift', harbourMember.memberNumber);

    const stay = { from: '2026-06-01', until: '2026-06-03' };
    const request = JSON.stringify({ memberNumber: harbourMember.memberNumber, hostClub: ALPINE, stay });
    const withdrawn = parsed<Introduction>(await journey.submit(staff(HARBOUR), contracts.introductions, 'request', request));
    await journey.submit(staff(HARBOUR), contracts.introductions, 'cancel', withdrawn.introductionId);
}

/** Round r is 10·r days after the first visit day; each member visits once a round, alternating the two other clubs. */
function planVisits(pool: readonly PoolMember[], visits: number): PlannedVisit[] {
    return Array.from({ length: Math.min(visits, pool.length * ROUNDS) }, (_, index) => {
        const round = Math.floor(index / pool.length);
        const member = pool[index % pool.length]!;
        const others = CLUBS.filter((club) => club !== member.home);
        const endings = ['checkOut', 'checkOut', 'cancel', 'checkOut', 'leftOpen'] as const;
        return {
            index,
            member,
            host: others[(round + index) % others.length]!,
            date: new Date(FIRST_VISIT_DAY + round * DAYS_BETWEEN_VISITS * DAY_MS).toISOString().slice(0, 10),
            ending: endings[index % endings.length]!,
        };
    });
}

const at = (date: string, time: string, seconds = 0) => new Date(Date.parse(`${date}T${time}Z`) + seconds * 1000);

/**
 * Each round: the letter of introduction for the first Harbour member's first visit to Metro, the
 * check-ins (a conflicting one where planned), then check-outs and cancellations; a visit left open
 * is closed by the member's next check-in.
 */
async function playVisits(journey: Recorder, plan: readonly PlannedVisit[], conflicts: number): Promise<void> {
    const introduced = plan.find((visit) => visit.member.home === HARBOUR && visit.host === METRO);
    const conflicting = new Set(Array.from({ length: Math.min(conflicts, plan.length) }, (_, n) => Math.floor(((n + 0.5) * plan.length) / conflicts)));
    for (const date of new Set(plan.map((visit) => visit.date))) {
        const round = plan.filter((visit) => visit.date === date);
        const introductionId = introduced?.date === date ? await issueIntroduction(journey, introduced) : undefined;
        const visitIds = new Map<PlannedVisit, string>();
        for (const [n, visit] of round.entries()) {
            const request: CheckInRequest = {
                memberNumber: visit.member.memberNumber,
                facility: (['DINING', 'FITNESS', 'ACCOMMODATION'] as const)[visit.index % 3]!,
                guests: visit.index % 3,
                nights: visit.index % 3 === 2 ? 2 : 0,
                ...(visit === introduced && introductionId !== undefined ? { introductionId } : {}),
            };
            const submitter = { ...staff(visit.host), at: at(date, '10:00:00', 2 * n) };
            const checkIn = conflicting.has(visit.index)
                ? journey.conflicting(submitter, contracts.visits, 'checkIn', JSON.stringify(request))
                : journey.submit(submitter, contracts.visits, 'checkIn', JSON.stringify(request));
            visitIds.set(visit, parsed<Visit>(await checkIn).visitId);
        }
        for (const [n, visit] of round.entries()) {
            const visitId = visitIds.get(visit);
            if (visit.ending !== 'leftOpen' && visitId !== undefined) {
                await journey.submit({ ...staff(visit.host), at: at(date, '14:00:00', n) }, contracts.visits, visit.ending, visitId);
            }
        }
    }
}

async function issueIntroduction(journey: Recorder, visit: PlannedVisit): Promise<string> {
    const stay = { from: visit.date, until: new Date(Date.parse(visit.date) + 2 * DAY_MS).toISOString().slice(0, 10) };
    const request = JSON.stringify({ memberNumber: visit.member.memberNumber, hostClub: visit.host, stay, note: 'Sailing week' });
    const home = { ...staff(visit.member.home), at: at(visit.date, '08:00:00') };
    const requested = parsed<Introduction>(await journey.submit(home, contracts.introductions, 'request', request));
    await journey.submit({ ...home, at: at(visit.date, '08:30:00') }, contracts.introductions, 'issue', requested.introductionId);
    return requested.introductionId;
}
