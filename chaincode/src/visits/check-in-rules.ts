import { currentAgreementBetween } from '../agreements/agreements';
import { barInForce } from '../bars/bars';
import { requireActiveClub } from '../clubs/clubs';
import type { RecordContext } from '../context';
import { ChaincodeError, ErrorCode } from '../errors';
import { usableIntroduction } from '../introductions/introductions';
import { homeClubOf, requireMember } from '../members/members';
import type { Agreement, AgreementTerms } from '../model/agreement';
import { Weekday } from '../model/common';
import type { Introduction } from '../model/introduction';
import type { Member } from '../model/member';
import type { CheckInRequest } from '../model/visit';
import { type UsageCounters, readUsage } from './usage';

/** Everything a check-in was admitted on, read once. */
export interface Admission {
    readonly homeClub: string;
    readonly agreement: Agreement;
    readonly introduction?: Introduction;
    readonly usage: UsageCounters;
}

/**
 * Applies every check-in rule, in a fixed order so a visit refused for several reasons
 * always gets the same code. Reads a fixed set of keys: the cost does not depend on how
 * many visits the member made before.
 */
export async function admitCheckIn(ctx: RecordContext, hostClub: string, request: CheckInRequest, date: string): Promise<Admission> {
    const homeClub = await homeClubOf(ctx, request.memberNumber);
    if (homeClub === hostClub) {
        throw new ChaincodeError(
            ErrorCode.INVALID_ARGUMENT,
            `member ${request.memberNumber} belongs to ${hostClub}: that is no reciprocal visit`,
        );
    }
    await requireActiveClub(ctx, hostClub);
    await requireActiveClub(ctx, homeClub);
    const member = await requireMember(ctx, request.memberNumber);
    requireMemberInGoodStanding(member, date);
    const agreement = await requireActiveAgreement(ctx, homeClub, hostClub);
    requireTermsAdmit(agreement.terms, member, request, date);
    await requireNotBarred(ctx, hostClub, member.memberNumber, date);
    const introduction = await requireIntroductionWhenNamedOrRequired(ctx, agreement.terms, request, hostClub, date);
    const usage = await readUsage(ctx, agreement.agreementId, member.memberNumber, date);
    requireWithinLimits(usage, agreement.terms);
    return { homeClub, agreement, usage, ...(introduction ? { introduction } : {}) };
}

function requireMemberInGoodStanding(member: Member, date: string): void {
    if (member.status !== 'ACTIVE') {
        throw new ChaincodeError(ErrorCode.MEMBER_NOT_ACTIVE, `member ${member.memberNumber} is ${member.status}`);
    }
    if (member.validUntil < date) {
        throw new ChaincodeError(ErrorCode.MEMBERSHIP_EXPIRED, `the membership of ${member.memberNumber} ended on ${member.validUntil}`);
    }
}

async function requireActiveAgreement(ctx: RecordContext, homeClub: string, hostClub: string): Promise<Agreement> {
    const agreement = await currentAgreementBetween(ctx, homeClub, hostClub);
    if (agreement?.status !== 'ACTIVE') {
        throw new ChaincodeError(
            ErrorCode.AGREEMENT_NOT_ACTIVE,
            agreement === undefined
                ? `${homeClub} and ${hostClub} have no agreement`
                : `the agreement ${agreement.agreementId} between ${homeClub} and ${hostClub} is ${agreement.status}`,
        );
    }
    return agreement;
}

/** What the agreement's terms say about this visit, cheapest facts first. */
function requireTermsAdmit(terms: AgreementTerms, member: Member, request: CheckInRequest, date: string): void {
    if (date < terms.validFrom || terms.validUntil < date) {
        throw new ChaincodeError(
            ErrorCode.AGREEMENT_NOT_IN_EFFECT,
            `the agreement runs from ${terms.validFrom} to ${terms.validUntil}, not on ${date}`,
        );
    }
    if (!terms.eligibleMembershipTypes.includes(member.membershipType)) {
        throw new ChaincodeError(ErrorCode.MEMBERSHIP_TYPE_NOT_ELIGIBLE, `the agreement does not cover ${member.membershipType} members`);
    }
    if (!terms.facilities.includes(request.facility)) {
        throw new ChaincodeError(ErrorCode.FACILITY_NOT_INCLUDED, `${request.facility} is not included in the agreement`);
    }
    const blackout = terms.blackoutDates.find((range) => range.from <= date && date <= range.until);
    if (blackout !== undefined) {
        throw new ChaincodeError(ErrorCode.BLACKOUT_DATE, `${date} falls in the blackout ${blackout.from}..${blackout.until}`);
    }
    if (!terms.allowedWeekdays.some((weekday) => Weekday.options.indexOf(weekday) === weekdayIndexOf(date))) {
        throw new ChaincodeError(ErrorCode.WEEKDAY_NOT_ALLOWED, `${date} is none of ${terms.allowedWeekdays.join(', ')}`);
    }
    if (request.guests > terms.guestsPerVisit) {
        throw new ChaincodeError(ErrorCode.GUEST_LIMIT_EXCEEDED, `${request.guests} guests; the agreement allows ${terms.guestsPerVisit}`);
    }
    if (request.nights > terms.nightsPerStay) {
        throw new ChaincodeError(ErrorCode.STAY_TOO_LONG, `${request.nights} nights; the agreement allows ${terms.nightsPerStay}`);
    }
}

/** Monday is 0, as in `Weekday.options`. */
function weekdayIndexOf(date: string): number {
    return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

async function requireNotBarred(ctx: RecordContext, hostClub: string, memberNumber: string, date: string): Promise<void> {
    const bar = await barInForce(ctx, hostClub, memberNumber, date);
    if (bar !== undefined) {
        throw new ChaincodeError(ErrorCode.MEMBER_BARRED, `${hostClub} bars ${memberNumber} ${bar.window.from}..${bar.window.until}`);
    }
}

/**
 * The introduction the check-in names, which must be usable: required by the terms, or named
 * anyway (then it is used up just the same). Only the named one is read, never a search.
 */
async function requireIntroductionWhenNamedOrRequired(
    ctx: RecordContext,
    terms: AgreementTerms,
    request: CheckInRequest,
    hostClub: string,
    date: string,
): Promise<Introduction | undefined> {
    if (request.introductionId === undefined) {
        if (terms.letterOfIntroductionRequired) {
            throw new ChaincodeError(ErrorCode.INTRODUCTION_REQUIRED, `the agreement requires a letter of introduction to ${hostClub}`);
        }
        return undefined;
    }
    const introduction = await usableIntroduction(ctx, request.introductionId, request.memberNumber, hostClub, date);
    if (introduction === undefined) {
        throw new ChaincodeError(
            ErrorCode.INTRODUCTION_REQUIRED,
            `introduction ${request.introductionId} is no ISSUED letter for ${request.memberNumber} at ${hostClub} covering ${date}`,
        );
    }
    return introduction;
}

function requireWithinLimits(usage: UsageCounters, terms: AgreementTerms): void {
    for (const [counter, limit] of [
        [usage.month, terms.visitsPerMemberPerMonth],
        [usage.year, terms.visitsPerMemberPerYear],
    ] as const) {
        if (counter.visits >= limit) {
            throw new ChaincodeError(ErrorCode.VISIT_LIMIT_REACHED, `${counter.visits} of ${limit} visits used in ${counter.period}`);
        }
    }
}
