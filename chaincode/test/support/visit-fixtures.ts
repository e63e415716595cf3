import { ownersAndMajorityPolicy } from '../../src/ledger/endorsement';
import { agreementTerms } from './agreement-fixtures';
import { createHash } from 'node:crypto';
import type { Agreement, AgreementTerms } from '../../src/model/agreement';
import type { MemberBar } from '../../src/model/bar';
import type { Club, ClubStatus } from '../../src/model/club';
import type { ChangeStamp } from '../../src/model/common';
import type { Introduction } from '../../src/model/introduction';
import type { Member } from '../../src/model/member';
import type { CheckInRequest, Visit, VisitUsage } from '../../src/model/visit';
import { ALPINE, HARBOUR, METRO } from './fixtures';
import type { FakeLedger } from './ledger';

/** Records arranged straight into the ledger stand in for the Member, Agreement and Bar contracts. */

export const HARBOUR_MEMBER = 'HAR000001';

const homeClubByPrefix: Record<string, string> = { HAR: HARBOUR, ALP: ALPINE, MET: METRO };

/** A 64-hex ID derived from a label, like the transaction IDs the chaincode uses. */
export function idOf(label: string): string {
    return createHash('sha256').update(label).digest('hex');
}

export function arrangedStamp(club: string): ChangeStamp {
    return { by: `admin@${club}`, club, at: '2026-01-01T00:00:00.000Z', txId: idOf(`arranged by ${club}`) };
}

export function memberRecord(memberNumber: string, overrides: Partial<Member> = {}): Member {
    const homeClub = homeClubByPrefix[memberNumber.slice(0, 3)] ?? 'UnknownMSP';
    return {
        memberNumber,
        homeClub,
        membershipType: 'REGULAR',
        status: 'ACTIVE',
        validUntil: '2027-12-31',
        enrolled: arrangedStamp(homeClub),
        updated: arrangedStamp(homeClub),
        ...overrides,
    };
}

/** Terms that admit the default check-in on any day of 2026 and 2027 outside July. */
export function termsOf(overrides: Partial<AgreementTerms> = {}): AgreementTerms {
    return agreementTerms({
        validUntil: '2027-12-31',
        visitsPerMemberPerYear: 12,
        blackoutDates: [{ from: '2026-07-01', until: '2026-07-31', reason: 'Regatta' }],
        ...overrides,
    });
}

export function agreementRecord(proposer: string, counterparty: string, overrides: Partial<Agreement> = {}): Agreement {
    return {
        agreementId: idOf(`agreement ${[proposer, counterparty].sort().join(' ')}`),
        proposer,
        counterparty,
        status: 'ACTIVE',
        terms: termsOf(),
        version: 2,
        created: arrangedStamp(proposer),
        updated: arrangedStamp(counterparty),
        ...overrides,
    };
}

export function barRecord(hostClub: string, memberNumber: string, overrides: Partial<MemberBar> = {}): MemberBar {
    return {
        hostClub,
        memberNumber,
        homeClub: homeClubByPrefix[memberNumber.slice(0, 3)] ?? 'UnknownMSP',
        reason: 'Unpaid bar bill',
        window: { from: '2026-03-01', until: '2026-03-31' },
        lifted: false,
        created: arrangedStamp(hostClub),
        updated: arrangedStamp(hostClub),
        ...overrides,
    };
}

export function introductionRecord(overrides: Partial<Introduction> = {}): Introduction {
    return {
        introductionId: idOf('introduction'),
        memberNumber: HARBOUR_MEMBER,
        homeClub: HARBOUR,
        hostClub: ALPINE,
        stay: { from: '2026-03-01', until: '2026-03-07' },
        status: 'ISSUED',
        created: arrangedStamp(HARBOUR),
        updated: arrangedStamp(HARBOUR),
        ...overrides,
    };
}

export function checkInRequest(overrides: Partial<CheckInRequest> = {}): CheckInRequest {
    return { memberNumber: HARBOUR_MEMBER, facility: 'DINING', guests: 1, nights: 1, ...overrides };
}

/** A member as Member:enrol leaves one: its record and its open-visit pointer, both under the home club's policy. */
export function arrangeMember(ledger: FakeLedger, member: Member): void {
    ledger.write(member, 'member', member.homeClub, member.memberNumber);
    ledger.write({ visitId: null }, 'openVisit', member.memberNumber);
    const policy = ownersAndMajorityPolicy([member.homeClub], ledger.channel.clubs);
    for (const key of [ledger.key('member', member.homeClub, member.memberNumber), ledger.key('openVisit', member.memberNumber)]) {
        ledger.endorsementPolicies.set(key, policy);
    }
}

export function arrangeAgreement(ledger: FakeLedger, agreement: Agreement): void {
    ledger.write(agreement, 'agreement', agreement.agreementId);
    ledger.write(agreement.agreementId, 'agreementByPair', ...[agreement.proposer, agreement.counterparty].sort());
}

export function arrangeBar(ledger: FakeLedger, bar: MemberBar): void {
    ledger.write(bar, 'bar', bar.hostClub, bar.memberNumber);
}

export function arrangeIntroduction(ledger: FakeLedger, introduction: Introduction): void {
    ledger.write(introduction, 'introduction', introduction.introductionId);
    ledger.write(introduction.introductionId, 'introductionByHost', introduction.hostClub, introduction.introductionId);
    ledger.write(introduction.introductionId, 'introductionByMember', introduction.memberNumber, introduction.introductionId);
}

export function arrangeUsage(ledger: FakeLedger, usage: VisitUsage): void {
    ledger.write(usage, 'usage', usage.agreementId, usage.memberNumber, usage.period);
}

/** Sets a registered club's status, as a passed SUSPEND_CLUB proposal would. */
export function arrangeClubStatus(ledger: FakeLedger, mspId: string, status: ClubStatus): void {
    const club = ledger.read<Club>('club', mspId);
    if (club === undefined) {
        throw new Error(`arrange ${mspId} before changing its status`);
    }
    ledger.write({ ...club, status }, 'club', mspId);
}

/**
 * Writes `count` checked-out visits of the member at the agreement's counterparty, one a day up to
 * the day before `until`, with their index entries and the usage counters they add up to.
 */
export function arrangePriorVisits(ledger: FakeLedger, agreement: Agreement, member: Member, count: number, until: string): void {
    const hostClub = agreement.proposer === member.homeClub ? agreement.counterparty : agreement.proposer;
    const counters = new Map<string, number>();
    for (let daysBefore = 1; daysBefore <= count; daysBefore += 1) {
        const visitDate = new Date(Date.parse(`${until}T00:00:00Z`) - daysBefore * 86_400_000).toISOString().slice(0, 10);
        const visitId = idOf(`prior visit ${daysBefore}`);
        const visit: Visit = {
            visitId,
            memberNumber: member.memberNumber,
            homeClub: member.homeClub,
            hostClub,
            agreementId: agreement.agreementId,
            agreementVersion: agreement.version,
            visitDate,
            facility: 'DINING',
            guests: 0,
            nights: 0,
            fee: agreement.terms.feePerVisit,
            status: 'CHECKED_OUT',
            closure: 'CHECKED_OUT_BY_HOST',
            checkedIn: arrangedStamp(hostClub),
            closed: arrangedStamp(hostClub),
        };
        ledger.write(visit, 'visit', visitId);
        ledger.write(visitId, 'visitByMember', member.memberNumber, visitId);
        for (const period of [visitDate.slice(0, 7), visitDate.slice(0, 4)]) {
            counters.set(period, (counters.get(period) ?? 0) + 1);
        }
    }
    for (const [period, visits] of counters) {
        arrangeUsage(ledger, { agreementId: agreement.agreementId, memberNumber: member.memberNumber, period, visits });
    }
}

/** Everything committed, to prove a refused transaction wrote nothing. */
export function snapshot(ledger: FakeLedger): string {
    const entries = (map: Map<string, Uint8Array>) =>
        [...map.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => [key, Buffer.from(value).toString('hex')]);
    return JSON.stringify({
        state: entries(ledger.state),
        policies: entries(ledger.endorsementPolicies),
        privateData: [...ledger.privateData.entries()].map(([collection, data]) => [collection, entries(data)]),
        events: ledger.events.length,
    });
}
