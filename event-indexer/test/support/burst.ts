import { setTimeout as sleep } from 'node:timers/promises';
import type { LedgerEvent, Member, Visit } from '@reciprocal-clubs/chaincode/model';
import { ClubContract } from '../../../chaincode/src/clubs/club-contract.js';
import type { RecordContext } from '../../../chaincode/src/context.js';
import { MemberContract } from '../../../chaincode/src/members/member-contract.js';
import { VisitContract } from '../../../chaincode/src/visits/visit-contract.js';
import { activeAgreement } from '../../../chaincode/test/support/agreement-fixtures.js';
import { ALPINE, HARBOUR, METRO, admin, clubRegistration, staff } from '../../../chaincode/test/support/fixtures.js';
import { FakeLedger, type Submitter } from '../../../chaincode/test/support/ledger.js';
import { adminWithPersonalData, memberEnrolment } from '../../../chaincode/test/support/member-fixtures.js';
import { type BuiltBlock, type ChainBlockSpec, buildChain, ledgerEventTransaction } from './block-builder.js';
import { writeBlockFiles } from './journey.js';

/**
 * Bursts of genuine ledger activity for resilience tests: the chaincode's real contracts run on its
 * FakeLedger, and their events are packed into real blocks, written as a peer would commit them.
 */

const CLUBS = [HARBOUR, ALPINE, METRO] as const;

const contracts = { clubs: new ClubContract(), members: new MemberContract(), visits: new VisitContract() };

export interface BurstShape {
    readonly membersPerClub: number;
    /** Rounds in which every member checks in at another club and out again (or is cancelled). */
    readonly visitsPerMember: number;
}

/** What the contracts did: one event per committed transaction, and the world state they left. */
export interface LedgerBurst {
    readonly ledger: FakeLedger;
    readonly events: readonly LedgerEvent[];
}

/**
 * Three clubs with agreements between every pair, `membersPerClub` members each (enrolled, personal data
 * recorded, activated), then rounds of visits: all members check in at one of the other clubs, then the
 * hosts check them out, except every ninth visit, which the host cancels. Each round falls in a month of its own.
 */
export async function recordBurst(shape: BurstShape): Promise<LedgerBurst> {
    const ledger = new FakeLedger();
    const submit = async (submitter: Submitter, run: (ctx: RecordContext) => Promise<string>) => (await ledger.submit(submitter, run)).result;

    for (const club of CLUBS) {
        await submit(admin(club), (ctx) => contracts.clubs.register(ctx, JSON.stringify(clubRegistration(club))));
    }
    for (const [proposer, counterparty] of [[HARBOUR, ALPINE], [HARBOUR, METRO], [ALPINE, METRO]] as const) {
        await activeAgreement(ledger, proposer, counterparty);
    }

    const members: { readonly memberNumber: string; readonly home: string }[] = [];
    for (let index = 0; index < shape.membersPerClub; index += 1) {
        for (const home of CLUBS) {
            const enrolment = JSON.stringify(memberEnrolment());
            const { memberNumber } = JSON.parse(await submit(admin(home), (ctx) => contracts.members.enrol(ctx, enrolment))) as Member;
            await submit(adminWithPersonalData(home), (ctx) => contracts.members.recordPersonalData(ctx, memberNumber));
            await submit(admin(home), (ctx) => contracts.members.activate(ctx, memberNumber));
            members.push({ memberNumber, home });
        }
    }

    let visits = 0;
    for (let round = 0; round < shape.visitsPerMember; round += 1) {
        const day = Date.UTC(2026, 2 + (round % 9), 10, 9);
        const open: Visit[] = [];
        for (const [position, { memberNumber, home }] of members.entries()) {
            const others = CLUBS.filter((club) => club !== home);
            const host = others[(position + round) % others.length]!;
            const request = { memberNumber, facility: 'DINING', guests: (position + round) % 3, nights: 0 };
            const desk = { ...staff(host), at: new Date(day + position * 60_000) };
            open.push(JSON.parse(await submit(desk, (ctx) => contracts.visits.checkIn(ctx, JSON.stringify(request)))) as Visit);
        }
        for (const { visitId, hostClub } of open) {
            visits += 1;
            const desk = { ...staff(hostClub), at: new Date(day + 8 * 3_600_000) };
            await submit(desk, (ctx) => (visits % 9 === 0 ? contracts.visits.cancel(ctx, visitId) : contracts.visits.checkOut(ctx, visitId)));
        }
    }
    return { ledger, events: ledger.events };
}

/** A transaction's place on the channel, and the event it carries (none for the configuration block's). */
export interface ChainedTransaction {
    readonly blockNumber: bigint;
    readonly txIndex: number;
    readonly txId: string;
    readonly event?: LedgerEvent;
}

/** The burst as one channel's chain of blocks. */
export interface BurstChain {
    readonly channel: string;
    readonly blocks: readonly BuiltBlock[];
    readonly transactions: readonly ChainedTransaction[];
}

/** Block sizes that repeat along the chain: an orderer cuts blocks of uneven size under load. */
const BLOCK_SIZES = [5, 3, 8, 1, 6, 4, 7, 2];

/** Block 0 holds the channel's configuration, as in Fabric; the burst's transactions follow, several to a block. */
export function chainOf(burst: LedgerBurst, channel: string): BurstChain {
    const specs: ChainBlockSpec[] = [{ transactions: [{ kind: 'config' }] }];
    const eventsByBlock: (readonly LedgerEvent[])[] = [[]];
    for (let next = 0; next < burst.events.length; ) {
        const events = burst.events.slice(next, next + BLOCK_SIZES[specs.length % BLOCK_SIZES.length]!);
        specs.push({ transactions: events.map((event) => ledgerEventTransaction(event)) });
        eventsByBlock.push(events);
        next += events.length;
    }
    const blocks = buildChain(specs, { channel });
    const transactions = blocks.flatMap(({ txIds }, block) =>
        txIds.map((txId, txIndex): ChainedTransaction => {
            const event = eventsByBlock[block]![txIndex];
            return { blockNumber: BigInt(block), txIndex, txId, ...(event === undefined ? {} : { event }) };
        }),
    );
    return { channel, blocks, transactions };
}

/** The Nats-Msg-Id of every notification the chain must cause: one per party club of each event. */
export function expectedMessageIds(chain: BurstChain): string[] {
    return chain.transactions.flatMap(({ blockNumber, txIndex, event }) =>
        [...new Set(event?.parties ?? [])].map((club) => `${chain.channel}:${blockNumber.toString()}:${txIndex}:${club}`),
    );
}

/** Writes one block as `<dir>/<channel>/<n>.block`, whole (see writeBlockFiles). */
export async function writeBlockFile(dir: string, channel: string, block: BuiltBlock): Promise<void> {
    await writeBlockFiles(dir, channel, [block]);
}

/** A ledger being written block by block, as a peer commits them. */
export interface LiveLedger {
    /** Resolves when every block is written, or the writing was stopped. */
    readonly done: Promise<void>;
    stop(): void;
}

/** Writes blocks of a channel one after another, `intervalMs` apart: a live channel under a burst of transactions. */
export function writeProgressively(dir: string, channel: string, blocks: readonly BuiltBlock[], intervalMs: number): LiveLedger {
    const abort = new AbortController();
    const done = (async () => {
        for (const block of blocks) {
            if (abort.signal.aborted) {
                return;
            }
            await writeBlockFile(dir, channel, block);
            await sleep(intervalMs, undefined, { signal: abort.signal }).catch(() => undefined);
        }
    })();
    return {
        done,
        stop: () => {
            abort.abort();
        },
    };
}
