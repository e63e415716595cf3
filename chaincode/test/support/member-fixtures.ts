import { createHash } from 'node:crypto';
import { MemberContract } from '../../src/members/member-contract';
import type { Member, MemberEnrolment, MemberStatus, PersonalData, PersonalDataEnvelope } from '../../src/model/member';
import type { RecordContext } from '../../src/context';
import { admin, endorsersNamedFor } from './fixtures';
import type { FakeLedger, Submitter, TransactionOutcome } from './ledger';

export const members = new MemberContract();

export function memberEnrolment(overrides: Partial<MemberEnrolment> = {}): MemberEnrolment {
    return { membershipType: 'REGULAR', validUntil: '2027-12-31', ...overrides };
}

/** A plaintext personal record, as the home club's API validates it before sealing it. */
export function personalData(overrides: Partial<PersonalData> = {}): PersonalData {
    return {
        givenName: 'Ada',
        familyName: 'Lovelace',
        dateOfBirth: '1985-12-10',
        email: 'ada.lovelace@example.org',
        phone: '+41791234567',
        address: { line1: 'Seestrasse 1', city: 'Zurich', postalCode: '8002', country: 'CH' },
        emergencyContact: { name: 'Charles Babbage', phone: '+41797654321', relationship: 'friend' },
        notificationPreferences: { email: true, sms: false, push: true },
        ...overrides,
    };
}

/**
 * A sealed personal record as the home club's API passes it. The chaincode checks only the envelope's shape and
 * never decrypts, so bytes derived from `seed` stand in for a real sealing (the API's tests seal for real).
 */
export function personalDataEnvelope(seed = 'ada', overrides: Partial<PersonalDataEnvelope> = {}): PersonalDataEnvelope {
    const bytes = (label: string, length: number) => {
        const digest = createHash('sha256').update(`${seed} ${label}`).digest();
        return Buffer.concat(Array.from({ length: Math.ceil(length / digest.length) }, () => digest)).subarray(0, length);
    };
    return {
        v: 1,
        alg: 'A256GCM',
        iv: bytes('iv', 12).toString('base64url'),
        ciphertext: bytes('ciphertext', 320).toString('base64url'),
        tag: bytes('tag', 16).toString('base64url'),
        ...overrides,
    };
}

/** The home club's admin passing a sealed personal record in the transient map, as the API does. */
export function adminWithPersonalData(mspId: string, data: unknown = personalDataEnvelope()): Submitter {
    return { ...admin(mspId), transient: { personalData: JSON.stringify(data) } };
}

/** Enrols a PENDING member of `home` and returns its member number. */
export async function enrolMember(ledger: FakeLedger, home: string, enrolment: MemberEnrolment = memberEnrolment()): Promise<string> {
    const { result } = await ledger.submit(admin(home), (ctx) => members.enrol(ctx, JSON.stringify(enrolment)));
    return (JSON.parse(result) as Member).memberNumber;
}

/** A change of a member's public record as the API submits it: endorsed by the clubs it names for the home club. */
export async function changeMember(
    ledger: FakeLedger,
    submitter: Submitter,
    run: (ctx: RecordContext) => Promise<string>,
): Promise<TransactionOutcome<string>> {
    return ledger.submit(submitter, run, await endorsersNamedFor(ledger, submitter.mspId));
}

/** A transaction that touches only the home club's implicit collection, as the API submits it: the home club endorses alone. */
export function changePersonalData(
    ledger: FakeLedger,
    submitter: Submitter,
    run: (ctx: RecordContext) => Promise<string>,
): Promise<TransactionOutcome<string>> {
    return ledger.submit(submitter, run, [submitter.mspId]);
}

export async function recordPersonalData(ledger: FakeLedger, home: string, memberNumber: string, data: unknown = personalDataEnvelope()): Promise<void> {
    await changePersonalData(ledger, adminWithPersonalData(home, data), (ctx) => members.recordPersonalData(ctx, memberNumber));
}

/** Enrols a member, records its personal data and activates it, each as the API submits it. */
export async function activeMember(ledger: FakeLedger, home: string, enrolment?: MemberEnrolment): Promise<string> {
    const memberNumber = await enrolMember(ledger, home, enrolment);
    await recordPersonalData(ledger, home, memberNumber);
    await changeMember(ledger, admin(home), (ctx) => members.activate(ctx, memberNumber));
    return memberNumber;
}

/** An active member whose committed record is then set to `status` (and `overrides`), to arrange a test. */
export async function memberIn(ledger: FakeLedger, home: string, status: MemberStatus, overrides: Partial<Member> = {}): Promise<string> {
    const memberNumber = await activeMember(ledger, home);
    const member = readMember(ledger, home, memberNumber);
    ledger.write({ ...member, status, ...overrides }, 'member', home, memberNumber);
    return memberNumber;
}

export function readMember(ledger: FakeLedger, home: string, memberNumber: string): Member {
    const member = ledger.read<Member>('member', home, memberNumber);
    if (member === undefined) {
        throw new Error(`member ${memberNumber} is not on the ledger`);
    }
    return member;
}

/** A copy of everything a transaction could change, to show that a refusal or a private-only transaction left it alone. */
export function snapshot(ledger: FakeLedger) {
    const copy = (map: Map<string, Uint8Array>) => new Map([...map].map(([key, value]) => [key, Buffer.from(value).toString('hex')]));
    return {
        state: copy(ledger.state),
        privateData: new Map([...ledger.privateData].map(([collection, entries]) => [collection, copy(entries)])),
        endorsementPolicies: copy(ledger.endorsementPolicies),
        events: ledger.events.length,
    };
}
