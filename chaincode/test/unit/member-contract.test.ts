import { createHash } from 'node:crypto';
import { common, msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import type { RecordContext } from '../../src/context';
import { MemberContract } from '../../src/members/member-contract';
import { PURGE_PRIVATE_DATA_SETTING, purgesPrivateData } from '../../src/ledger/purge';
import type { Page } from '../../src/ledger/state';
import type { Club } from '../../src/model/club';
import type { Member, MemberStatus, PersonalDataEnvelope } from '../../src/model/member';
import { ALPINE, HARBOUR, METRO, admin, auditor, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';
import {
    activeMember,
    adminWithPersonalData,
    changeMember,
    changePersonalData,
    enrolMember,
    memberEnrolment,
    memberIn,
    members,
    personalData,
    personalDataEnvelope,
    readMember,
    recordPersonalData,
    snapshot,
} from '../support/member-fixtures';

const HARBOUR_COLLECTION = '_implicit_org_HarbourMSP';
const statuses: MemberStatus[] = ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED', 'TERMINATED'];
/** The sealed record's parts: not even these may reach public state or an event. */
const personalValues = Object.values(personalDataEnvelope()).filter((part) => typeof part === 'string' && part.length > 8);

/** Every write a home club's admin may submit about a member, with the arguments it needs. */
const writes: [string, (ctx: RecordContext, memberNumber: string) => Promise<string>][] = [
    ['recordPersonalData', (ctx, number) => members.recordPersonalData(ctx, number)],
    ['activate', (ctx, number) => members.activate(ctx, number)],
    ['attestPersonalData', (ctx, number) => members.attestPersonalData(ctx, number)],
    ['suspend', (ctx, number) => members.suspend(ctx, number)],
    ['reinstate', (ctx, number) => members.reinstate(ctx, number)],
    ['expire', (ctx, number) => members.expire(ctx, number)],
    ['renew', (ctx, number) => members.renew(ctx, number, JSON.stringify({ validUntil: '2028-12-31' }))],
    ['terminate', (ctx, number) => members.terminate(ctx, number)],
    ['erasePersonalData', (ctx, number) => members.erasePersonalData(ctx, number)],
];

interface Transition {
    readonly name: string;
    readonly run: (ctx: RecordContext, memberNumber: string) => Promise<string>;
    readonly from: readonly MemberStatus[];
    readonly to: MemberStatus;
    readonly event: string;
}

const transitions: Transition[] = [
    { name: 'activate', run: (ctx, n) => members.activate(ctx, n), from: ['PENDING'], to: 'ACTIVE', event: 'MemberStatusChanged' },
    { name: 'suspend', run: (ctx, n) => members.suspend(ctx, n), from: ['ACTIVE'], to: 'SUSPENDED', event: 'MemberStatusChanged' },
    { name: 'reinstate', run: (ctx, n) => members.reinstate(ctx, n), from: ['SUSPENDED'], to: 'ACTIVE', event: 'MemberStatusChanged' },
    {
        name: 'expire',
        run: (ctx, n) => members.expire(ctx, n),
        from: ['ACTIVE', 'SUSPENDED'],
        to: 'EXPIRED',
        event: 'MemberStatusChanged',
    },
    {
        name: 'renew',
        run: (ctx, n) => members.renew(ctx, n, JSON.stringify({ validUntil: '2028-12-31' })),
        from: ['ACTIVE', 'EXPIRED'],
        to: 'ACTIVE',
        event: '',
    },
    {
        name: 'terminate',
        run: (ctx, n) => members.terminate(ctx, n),
        from: ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED'],
        to: 'TERMINATED',
        event: 'MemberStatusChanged',
    },
];

function decodePolicy(bytes: Uint8Array) {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
    const clubs = envelope
        .getIdentitiesList()
        .map((principal) => msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8()).getMspIdentifier());
    const rule = envelope.getRule()?.getNOutOf();
    const [owner, others] = rule?.getRulesList() ?? [];
    return {
        clubs,
        required: rule?.getN(),
        owner: clubs[owner?.getSignedBy() ?? -1],
        othersNeeded: others?.getNOutOf()?.getN(),
        others: others?.getNOutOf()?.getRulesList().map((signer) => clubs[signer.getSignedBy()]),
    };
}

function expectNoPersonalData(value: unknown): void {
    const json = JSON.stringify(value);
    for (const personal of personalValues) {
        expect(json).not.to.contain(personal);
    }
}

describe('MemberContract', () => {
    let ledger: FakeLedger;

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger);
    });

    it('is the contract named Member', () => {
        expect(members.getName()).to.equal('Member');
    });

    describe('enrol', () => {
        it('enrols a PENDING member of the caller club, numbered from the club prefix, stamped with the acting person', async () => {
            const { event, txId, result } = await ledger.submit(admin(HARBOUR), (ctx) =>
                members.enrol(ctx, JSON.stringify(memberEnrolment({ membershipType: 'VIP' }))),
            );

            const member = readMember(ledger, HARBOUR, 'HAR000001');
            const stamp = { by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId };
            expect(member).to.deep.equal({
                memberNumber: 'HAR000001',
                homeClub: HARBOUR,
                membershipType: 'VIP',
                status: 'PENDING',
                validUntil: '2027-12-31',
                enrolled: stamp,
                updated: stamp,
            });
            expect(JSON.parse(result)).to.deep.equal(member);
            expect(ledger.read('memberSequence', HARBOUR)).to.deep.equal({ next: 2 });
            expect(event).to.deep.include({ name: 'MemberEnrolled', submitter: HARBOUR, parties: [HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'member', value: member }]);
        });

        it('numbers each club members in its own sequence', async () => {
            const numbers = [
                await enrolMember(ledger, HARBOUR),
                await enrolMember(ledger, HARBOUR),
                await enrolMember(ledger, ALPINE),
                await enrolMember(ledger, HARBOUR),
            ];
            expect(numbers).to.deep.equal(['HAR000001', 'HAR000002', 'ALP000001', 'HAR000003']);
            expect(ledger.read('memberSequence', ALPINE)).to.deep.equal({ next: 2 });
        });

        it('continues the stored sequence beyond six digits', async () => {
            ledger.write({ next: 1_234_567 }, 'memberSequence', HARBOUR);
            expect(await enrolMember(ledger, HARBOUR)).to.equal('HAR1234567');
        });

        it('requires the home club and one other club, a majority of the three, to endorse later changes of the member and of its open visit', async () => {
            await enrolMember(ledger, HARBOUR);

            for (const key of [ledger.key('member', HARBOUR, 'HAR000001'), ledger.key('openVisit', 'HAR000001')]) {
                const policy = ledger.endorsementPolicies.get(key);
                expect(policy, `key-level policy on ${key}`).not.to.equal(undefined);
                expect(decodePolicy(policy!)).to.deep.equal({
                    clubs: [ALPINE, HARBOUR, METRO],
                    required: 2,
                    owner: HARBOUR,
                    othersNeeded: 1,
                    others: [ALPINE, METRO],
                });
            }
            expect(ledger.endorsementPolicies.size).to.equal(2);
            expect(ledger.read('openVisit', 'HAR000001')).to.deep.equal({ visitId: null });
        });

        it('accepts a membership valid until today', async () => {
            await enrolMember(ledger, HARBOUR, memberEnrolment({ validUntil: '2026-03-02' }));
            expect(readMember(ledger, HARBOUR, 'HAR000001').validUntil).to.equal('2026-03-02');
        });

        it('refuses a membership that ended before today', async () => {
            const before = snapshot(ledger);
            const error = await refusal(
                ledger.submit(admin(HARBOUR), (ctx) => members.enrol(ctx, JSON.stringify(memberEnrolment({ validUntil: '2026-03-01' })))),
            );
            expect(error.message).to.equal('INVALID_ARGUMENT: enrolment.validUntil 2026-03-01 is before 2026-03-02');
            expect(snapshot(ledger)).to.deep.equal(before);
        });

        for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(submitter, (ctx) => members.enrol(ctx, JSON.stringify(memberEnrolment()))));
                expect(error.message).to.match(/^FORBIDDEN: /);
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }

        it('refuses a club that is not registered on the channel', async () => {
            const error = await refusal(
                ledger.submit(admin('StrangerMSP'), (ctx) => members.enrol(ctx, JSON.stringify(memberEnrolment()))),
            );
            expect(error.message).to.equal('NOT_FOUND: club StrangerMSP does not exist');
            expect(ledger.read('memberSequence', 'StrangerMSP')).to.equal(undefined);
        });

        it('refuses a club the consortium suspended', async () => {
            const club = ledger.read<Club>('club', HARBOUR);
            ledger.write({ ...club, status: 'SUSPENDED' }, 'club', HARBOUR);
            const before = snapshot(ledger);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.enrol(ctx, JSON.stringify(memberEnrolment()))));
            expect(error.message).to.match(/^CLUB_SUSPENDED: club HarbourMSP is SUSPENDED/);
            expect(snapshot(ledger)).to.deep.equal(before);
        });

        it('refuses a member number that is already taken', async () => {
            ledger.write({ memberNumber: 'HAR000001' }, 'member', HARBOUR, 'HAR000001');
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.enrol(ctx, JSON.stringify(memberEnrolment()))));
            expect(error.message).to.equal('ALREADY_EXISTS: member HAR000001 already exists');
            expect(ledger.read('memberSequence', HARBOUR)).to.equal(undefined);
        });

        const badInputs: [string, unknown][] = [
            ['not JSON', '{membershipType:'],
            ['a JSON array', '[]'],
            ['a missing membership type', { validUntil: '2027-12-31' }],
            ['an unknown membership type', memberEnrolment({ membershipType: 'LIFETIME' as never })],
            ['a missing validUntil', { membershipType: 'REGULAR' }],
            ['an unparseable validUntil', memberEnrolment({ validUntil: 'next year' })],
            ['a validUntil that does not exist', memberEnrolment({ validUntil: '2027-02-30' })],
            ['a validUntil with a time', memberEnrolment({ validUntil: '2027-12-31T00:00:00Z' })],
            ['a number for validUntil', { membershipType: 'REGULAR', validUntil: 20271231 }],
            ['personal data in the public arguments', { ...memberEnrolment(), givenName: 'Ada' }],
            ['a member number chosen by the caller', { ...memberEnrolment(), memberNumber: 'HAR999999' }],
            ['an oversize argument', { ...memberEnrolment(), padding: 'x'.repeat(70_000) }],
        ];
        for (const [what, input] of badInputs) {
            it(`refuses ${what} before writing anything`, async () => {
                const json = typeof input === 'string' ? input : JSON.stringify(input);
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.enrol(ctx, json)));
                expect(error.message).to.match(/^INVALID_ARGUMENT: /);
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }

        it('names the offending field', async () => {
            const input = JSON.stringify(memberEnrolment({ membershipType: 'GOLD' as never }));
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.enrol(ctx, input)));
            expect(error.message).to.contain('enrolment.membershipType');
        });
    });

    describe('recordPersonalData', () => {
        let memberNumber: string;

        beforeEach(async () => {
            memberNumber = await enrolMember(ledger, HARBOUR);
        });

        it('writes the personal record to the home club collection only and no public state', async () => {
            const before = snapshot(ledger);
            const { event, result } = await changePersonalData(ledger, adminWithPersonalData(HARBOUR), (ctx) =>
                members.recordPersonalData(ctx, memberNumber),
            );

            expect(ledger.readPrivate<PersonalDataEnvelope>(HARBOUR_COLLECTION, 'member', HARBOUR, memberNumber)).to.deep.equal(personalDataEnvelope());
            expect([...ledger.privateData.keys()]).to.deep.equal([HARBOUR_COLLECTION]);
            const after = snapshot(ledger);
            expect(after.state, 'public state').to.deep.equal(before.state);
            expect(after.endorsementPolicies).to.deep.equal(before.endorsementPolicies);
            expect(after.privateData).not.to.deep.equal(before.privateData);
            expect(JSON.parse(result)).to.deep.equal({ memberNumber });
            expect(event).to.deep.include({ name: 'PersonalDataRecorded', submitter: HARBOUR, parties: [HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'member', value: readMember(ledger, HARBOUR, memberNumber) }]);
            expectNoPersonalData(event);
        });

        it('calls no public write on the stub at all', async () => {
            const { ctx, stub } = ledger.context(adminWithPersonalData(HARBOUR));
            await members.recordPersonalData(ctx, memberNumber);
            expect(stub.putState.called).to.equal(false);
            expect(stub.deleteState.called).to.equal(false);
            expect(stub.setStateValidationParameter.called).to.equal(false);
            expect(stub.putPrivateData.calledOnceWith(HARBOUR_COLLECTION, ledger.key('member', HARBOUR, memberNumber))).to.equal(true);
        });

        it('writes deterministic JSON with sorted keys', async () => {
            await recordPersonalData(ledger, HARBOUR, memberNumber);
            const raw = Buffer.from(ledger.privateData.get(HARBOUR_COLLECTION)?.get(ledger.key('member', HARBOUR, memberNumber)) ?? []);
            const keys = Object.keys(JSON.parse(raw.toString()) as object);
            expect(keys).to.deep.equal([...keys].sort());
        });

        it('stores the envelope as the API sealed it, so the public hash is over exactly those bytes', async () => {
            const envelope = personalDataEnvelope('grace');
            await recordPersonalData(ledger, HARBOUR, memberNumber, envelope);
            const raw = ledger.privateData.get(HARBOUR_COLLECTION)?.get(ledger.key('member', HARBOUR, memberNumber));
            expect(Buffer.from(raw ?? []).toString('utf8')).to.equal(JSON.stringify(envelope, Object.keys(envelope).sort()));
        });

        for (const status of ['ACTIVE', 'SUSPENDED', 'EXPIRED'] as const) {
            it(`replaces the record of a ${status} member and leaves its public hash to attestation`, async () => {
                const number = await memberIn(ledger, HARBOUR, status);
                const before = snapshot(ledger);
                await recordPersonalData(ledger, HARBOUR, number, personalDataEnvelope('ada, moved'));
                expect(ledger.readPrivate<PersonalDataEnvelope>(HARBOUR_COLLECTION, 'member', HARBOUR, number)).to.deep.equal(personalDataEnvelope('ada, moved'));
                expect(snapshot(ledger).state).to.deep.equal(before.state);
            });
        }

        it('refuses a TERMINATED member', async () => {
            const number = await memberIn(ledger, HARBOUR, 'TERMINATED');
            const before = snapshot(ledger);
            const error = await refusal(ledger.submit(adminWithPersonalData(HARBOUR), (ctx) => members.recordPersonalData(ctx, number)));
            expect(error.message).to.equal(`INVALID_TRANSITION: member ${number} is TERMINATED and cannot have personal data recorded`);
            expect(snapshot(ledger)).to.deep.equal(before);
        });

        it('refuses a call without personal data in the transient map', async () => {
            const before = snapshot(ledger);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.recordPersonalData(ctx, memberNumber)));
            expect(error.message).to.equal('INVALID_ARGUMENT: the transient map carries no personalData');
            expect(snapshot(ledger)).to.deep.equal(before);
        });

        const envelope = personalDataEnvelope();
        const badRecords: [string, unknown][] = [
            ['an empty entry', ''],
            ['not JSON', '{iv:'],
            ['a plaintext personal record, which only the home club\'s API may ever hold', personalData()],
            ['a plaintext record beside the envelope', { ...envelope, givenName: 'Ada' }],
            ['a missing tag', { ...envelope, tag: undefined }],
            ['a missing ciphertext', { ...envelope, ciphertext: undefined }],
            ['an empty ciphertext', { ...envelope, ciphertext: '' }],
            ['another version', { ...envelope, v: 2 }],
            ['another algorithm', { ...envelope, alg: 'A128GCM' }],
            ['a nonce of 16 bytes', { ...envelope, iv: Buffer.alloc(16, 1).toString('base64url') }],
            ['a truncated tag', { ...envelope, tag: Buffer.alloc(8, 1).toString('base64url') }],
            ['standard base64 with padding', { ...envelope, ciphertext: Buffer.alloc(31, 255).toString('base64') }],
            ['a ciphertext larger than any personal record', { ...envelope, ciphertext: 'A'.repeat(16 * 1024 + 1) }],
            ['an oversize entry', { ...envelope, ciphertext: 'A'.repeat(70_000) }],
        ];
        for (const [what, record] of badRecords) {
            it(`refuses ${what} before writing anything`, async () => {
                const transient = { personalData: typeof record === 'string' ? record : JSON.stringify(record) };
                const submitter = { ...admin(HARBOUR), transient };
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(submitter, (ctx) => members.recordPersonalData(ctx, memberNumber)));
                expect(error.message).to.match(/^INVALID_ARGUMENT: /);
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }

        it('names the offending field of the envelope, and never quotes a value', async () => {
            const tag = 'not*base64url*at*all*!';
            const error = await refusal(
                ledger.submit(adminWithPersonalData(HARBOUR, personalDataEnvelope('ada', { tag })), (ctx) =>
                    members.recordPersonalData(ctx, memberNumber),
                ),
            );
            expect(error.message).to.match(/^INVALID_ARGUMENT: personalData\.tag/);
            expect(error.message).not.to.include(tag);
        });

        it('refuses an unknown member of a known club and a member number of an unknown prefix', async () => {
            for (const number of ['HAR000099', 'ZZZ000001']) {
                const error = await refusal(
                    ledger.submit(adminWithPersonalData(HARBOUR), (ctx) => members.recordPersonalData(ctx, number)),
                );
                expect(error.message).to.match(/^NOT_FOUND: member/);
            }
            expect(ledger.privateData.size).to.equal(0);
        });
    });

    describe('activate', () => {
        it('activates a PENDING member with personal data and publishes the hash of its record', async () => {
            const memberNumber = await enrolMember(ledger, HARBOUR);
            await recordPersonalData(ledger, HARBOUR, memberNumber);
            const enrolled = readMember(ledger, HARBOUR, memberNumber);

            const { event, txId } = await changeMember(ledger, admin(HARBOUR), (ctx) => members.activate(ctx, memberNumber));

            const member = readMember(ledger, HARBOUR, memberNumber);
            const stored = ledger.privateData.get(HARBOUR_COLLECTION)?.get(ledger.key('member', HARBOUR, memberNumber));
            expect(member.status).to.equal('ACTIVE');
            expect(member.personalDataHash).to.equal(createHash('sha256').update(stored!).digest('hex'));
            expect(member.enrolled).to.deep.equal(enrolled.enrolled);
            expect(member.updated).to.deep.equal({ by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId });
            expect(event).to.deep.include({ name: 'MemberStatusChanged', parties: [HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'member', value: member }]);
        });

        it('refuses a member without personal data', async () => {
            const memberNumber = await enrolMember(ledger, HARBOUR);
            const before = snapshot(ledger);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.activate(ctx, memberNumber)));
            expect(error.message).to.equal(`PERSONAL_DATA_MISSING: member ${memberNumber} has no personal record at ${HARBOUR}`);
            expect(snapshot(ledger)).to.deep.equal(before);
        });
    });

    describe('attestPersonalData', () => {
        for (const status of ['ACTIVE', 'SUSPENDED', 'EXPIRED'] as const) {
            it(`publishes the hash of the record recorded again for a ${status} member`, async () => {
                const memberNumber = await memberIn(ledger, HARBOUR, status);
                const oldHash = readMember(ledger, HARBOUR, memberNumber).personalDataHash;
                await recordPersonalData(ledger, HARBOUR, memberNumber, personalDataEnvelope('ada, moved'));

                const { event } = await changeMember(ledger, admin(HARBOUR), (ctx) => members.attestPersonalData(ctx, memberNumber));

                const member = readMember(ledger, HARBOUR, memberNumber);
                const stored = ledger.privateData.get(HARBOUR_COLLECTION)?.get(ledger.key('member', HARBOUR, memberNumber));
                expect(member.personalDataHash).to.equal(createHash('sha256').update(stored!).digest('hex'));
                expect(member.personalDataHash).not.to.equal(oldHash);
                expect(member.status).to.equal(status);
                expect(event).to.deep.include({ name: 'MemberUpdated', parties: [HARBOUR] });
                expect(event?.changes).to.deep.equal([{ kind: 'member', value: member }]);
            });
        }

        for (const status of ['PENDING', 'TERMINATED'] as const) {
            it(`refuses a ${status} member`, async () => {
                const memberNumber = await memberIn(ledger, HARBOUR, status);
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.attestPersonalData(ctx, memberNumber)));
                expect(error.message).to.equal(
                    `INVALID_TRANSITION: member ${memberNumber} is ${status} and cannot have personal data attested`,
                );
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }

        it('refuses a member whose personal record is gone', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            ledger.privateData.get(HARBOUR_COLLECTION)?.delete(ledger.key('member', HARBOUR, memberNumber));
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.attestPersonalData(ctx, memberNumber)));
            expect(error.message).to.match(/^PERSONAL_DATA_MISSING: /);
        });
    });

    describe('status transitions', () => {
        for (const transition of transitions) {
            for (const from of statuses) {
                const allowed = transition.from.includes(from);
                const outcome = allowed ? `takes a ${from} member to ${transition.to}` : `refuses a ${from} member`;
                it(`${transition.name} ${outcome}`, async () => {
                    const memberNumber = await memberIn(ledger, HARBOUR, from, { validUntil: '2026-03-01' });
                    const before = snapshot(ledger);

                    if (!allowed) {
                        const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => transition.run(ctx, memberNumber)));
                        expect(error.message).to.match(new RegExp(`^INVALID_TRANSITION: member ${memberNumber} is ${from} and cannot `));
                        expect(snapshot(ledger)).to.deep.equal(before);
                        return;
                    }
                    const { event, txId } = await changeMember(ledger, admin(HARBOUR), (ctx) => transition.run(ctx, memberNumber));
                    const member = readMember(ledger, HARBOUR, memberNumber);
                    expect(member.status).to.equal(transition.to);
                    expect(member.updated.txId).to.equal(txId);
                    expect(event?.name).to.equal(transition.event || (from === 'ACTIVE' ? 'MemberUpdated' : 'MemberStatusChanged'));
                    expect(event?.parties).to.deep.equal([HARBOUR]);
                    expect(event?.changes).to.deep.equal([{ kind: 'member', value: member }]);
                });
            }
        }

        it('names the status a refused transition aimed at', async () => {
            const memberNumber = await enrolMember(ledger, HARBOUR);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.suspend(ctx, memberNumber)));
            expect(error.message).to.equal(`INVALID_TRANSITION: member ${memberNumber} is PENDING and cannot become SUSPENDED`);
        });

        it('keeps the rest of the record through suspension and reinstatement', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            const active = readMember(ledger, HARBOUR, memberNumber);
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.suspend(ctx, memberNumber));
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.reinstate(ctx, memberNumber));
            const { updated: _updated, ...rest } = readMember(ledger, HARBOUR, memberNumber);
            const { updated: _before, ...expected } = active;
            expect(rest).to.deep.equal(expected);
        });
    });

    describe('expire', () => {
        it('refuses a membership valid until today', async () => {
            const memberNumber = await memberIn(ledger, HARBOUR, 'ACTIVE', { validUntil: '2026-03-02' });
            const before = snapshot(ledger);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.expire(ctx, memberNumber)));
            expect(error.message).to.equal(
                `INVALID_TRANSITION: member ${memberNumber} is valid until 2026-03-02 and cannot go from ACTIVE to EXPIRED before then`,
            );
            expect(snapshot(ledger)).to.deep.equal(before);
        });

        it('expires a membership from the day after validUntil, by transaction time', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR, memberEnrolment({ validUntil: '2026-03-02' }));
            const nextDay = { ...admin(HARBOUR), at: new Date('2026-03-03T00:00:00.000Z') };
            await changeMember(ledger, nextDay, (ctx) => members.expire(ctx, memberNumber));
            expect(readMember(ledger, HARBOUR, memberNumber).status).to.equal('EXPIRED');
        });
    });

    describe('renew', () => {
        it('extends an ACTIVE membership and changes its type', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            const { event } = await changeMember(ledger, admin(HARBOUR), (ctx) =>
                members.renew(ctx, memberNumber, JSON.stringify({ validUntil: '2029-06-30', membershipType: 'SENIOR' })),
            );
            const member = readMember(ledger, HARBOUR, memberNumber);
            expect(member).to.include({ status: 'ACTIVE', validUntil: '2029-06-30', membershipType: 'SENIOR' });
            expect(event?.name).to.equal('MemberUpdated');
        });

        it('reactivates an EXPIRED membership until today at the earliest and keeps its type', async () => {
            const memberNumber = await memberIn(ledger, HARBOUR, 'EXPIRED', { validUntil: '2026-01-31', membershipType: 'STUDENT' });
            const { event } = await changeMember(ledger, admin(HARBOUR), (ctx) =>
                members.renew(ctx, memberNumber, JSON.stringify({ validUntil: '2026-03-02' })),
            );
            expect(readMember(ledger, HARBOUR, memberNumber)).to.include({
                status: 'ACTIVE',
                validUntil: '2026-03-02',
                membershipType: 'STUDENT',
            });
            expect(event?.name).to.equal('MemberStatusChanged');
        });

        const badRenewals: [string, string][] = [
            ['a validUntil before today', JSON.stringify({ validUntil: '2026-03-01' })],
            ['a missing validUntil', JSON.stringify({ membershipType: 'VIP' })],
            ['an unparseable validUntil', JSON.stringify({ validUntil: 'soon' })],
            ['an unknown membership type', JSON.stringify({ validUntil: '2028-01-01', membershipType: 'GOLD' })],
            ['a status smuggled in', JSON.stringify({ validUntil: '2028-01-01', status: 'ACTIVE' })],
            ['not JSON', 'validUntil=2028-01-01'],
        ];
        for (const [what, renewal] of badRenewals) {
            it(`refuses ${what}`, async () => {
                const memberNumber = await activeMember(ledger, HARBOUR);
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.renew(ctx, memberNumber, renewal)));
                expect(error.message).to.match(/^INVALID_ARGUMENT: renewal/);
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }
    });

    describe('erasePersonalData', () => {
        it('erases the personal record of a TERMINATED member and keeps its public record untouched', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.terminate(ctx, memberNumber));
            const before = snapshot(ledger);

            const { event, result } = await changePersonalData(ledger, admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber));

            expect(ledger.readPrivate(HARBOUR_COLLECTION, 'member', HARBOUR, memberNumber)).to.equal(undefined);
            const after = snapshot(ledger);
            expect(after.state, 'public state').to.deep.equal(before.state);
            expect(after.endorsementPolicies).to.deep.equal(before.endorsementPolicies);
            expect(readMember(ledger, HARBOUR, memberNumber).status).to.equal('TERMINATED');
            expect(JSON.parse(result)).to.deep.equal({ memberNumber });
            expect(event).to.deep.include({ name: 'PersonalDataErased', submitter: HARBOUR, parties: [HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'member', value: readMember(ledger, HARBOUR, memberNumber) }]);
        });

        it('deletes the record and purges its history where the peer can purge, never with a public write', async () => {
            const memberNumber = await memberIn(ledger, HARBOUR, 'TERMINATED');
            const { ctx, stub } = ledger.context(admin(HARBOUR));
            await members.erasePersonalData(ctx, memberNumber);
            const key = ledger.key('member', HARBOUR, memberNumber);
            expect(stub.deletePrivateData.calledOnceWith(HARBOUR_COLLECTION, key)).to.equal(true);
            expect(stub.purgePrivateData.calledOnceWith(HARBOUR_COLLECTION, key)).to.equal(true);
            expect(stub.deletePrivateData.firstCall.calledBefore(stub.purgePrivateData.firstCall)).to.equal(true);
            expect(stub.putState.called || stub.deleteState.called || stub.putPrivateData.called).to.equal(false);
        });

        it('only deletes the record on a peer that cannot purge (Fabric 2.1, RCN_PURGE_PRIVATE_DATA=false)', async () => {
            const onFabric21 = new MemberContract(false);
            const memberNumber = await memberIn(ledger, HARBOUR, 'TERMINATED');
            const { ctx, stub, commit } = ledger.context(admin(HARBOUR));
            await onFabric21.erasePersonalData(ctx, memberNumber);
            commit([HARBOUR]);
            expect(stub.deletePrivateData.calledOnceWith(HARBOUR_COLLECTION, ledger.key('member', HARBOUR, memberNumber))).to.equal(true);
            expect(stub.purgePrivateData.called).to.equal(false);
            expect(ledger.readPrivate(HARBOUR_COLLECTION, 'member', HARBOUR, memberNumber)).to.equal(undefined);
        });

        it('erases again, so the API can retry an erasure whose data key it failed to destroy', async () => {
            const memberNumber = await memberIn(ledger, HARBOUR, 'TERMINATED');
            await changePersonalData(ledger, admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber));
            const { event } = await changePersonalData(ledger, admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber));
            expect(event?.name).to.equal('PersonalDataErased');
            expect(ledger.readPrivate(HARBOUR_COLLECTION, 'member', HARBOUR, memberNumber)).to.equal(undefined);
        });

        for (const status of ['PENDING', 'ACTIVE', 'SUSPENDED', 'EXPIRED'] as const) {
            it(`refuses a ${status} member`, async () => {
                const memberNumber = await memberIn(ledger, HARBOUR, status);
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber)));
                expect(error.message).to.equal(
                    `INVALID_TRANSITION: member ${memberNumber} is ${status} and cannot have personal data erased before it is TERMINATED`,
                );
                expect(snapshot(ledger)).to.deep.equal(before);
            });
        }
    });

    describe('who may write', () => {
        for (const [name, run] of writes) {
            it(`${name}: refuses another club's admin, whatever the member's status`, async () => {
                const memberNumber = await memberIn(ledger, HARBOUR, name === 'erasePersonalData' ? 'TERMINATED' : 'ACTIVE');
                const before = snapshot(ledger);
                const error = await refusal(ledger.submit(adminWithPersonalData(ALPINE), (ctx) => run(ctx, memberNumber)));
                expect(error.message).to.equal(`FORBIDDEN: member ${memberNumber} belongs to ${HARBOUR}; ${ALPINE} may not manage it`);
                expect(snapshot(ledger)).to.deep.equal(before);
            });

            for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
                it(`${name}: refuses the home club's ${submitter.role ?? 'role-less'} submitter`, async () => {
                    const memberNumber = await memberIn(ledger, HARBOUR, 'TERMINATED');
                    const before = snapshot(ledger);
                    const error = await refusal(
                        ledger.submit({ ...submitter, transient: { personalData: JSON.stringify(personalDataEnvelope()) } }, (ctx) =>
                            run(ctx, memberNumber),
                        ),
                    );
                    expect(error.message).to.match(/^FORBIDDEN: club\.role /);
                    expect(snapshot(ledger)).to.deep.equal(before);
                });
            }

            it(`${name}: refuses a malformed member number`, async () => {
                const error = await refusal(ledger.submit(adminWithPersonalData(HARBOUR), (ctx) => run(ctx, 'har-1')));
                expect(error.message).to.match(/^INVALID_ARGUMENT: memberNumber: must be a member number/);
            });

            it(`${name}: reports an unknown member`, async () => {
                const error = await refusal(ledger.submit(adminWithPersonalData(HARBOUR), (ctx) => run(ctx, 'HAR000404')));
                expect(error.message).to.equal('NOT_FOUND: member HAR000404 does not exist');
            });
        }
    });

    describe('get', () => {
        it('shows the public record to every role of every club, without personal data', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            for (const submitter of [admin(HARBOUR), staff(ALPINE), auditor(METRO)]) {
                const member = JSON.parse(await ledger.evaluate(submitter, (ctx) => members.get(ctx, memberNumber))) as Member;
                expect(member).to.deep.equal(readMember(ledger, HARBOUR, memberNumber));
            }
        });

        it('refuses a submitter without a club role', async () => {
            const memberNumber = await enrolMember(ledger, HARBOUR);
            const error = await refusal(ledger.evaluate({ mspId: ALPINE }, (ctx) => members.get(ctx, memberNumber)));
            expect(error.message).to.match(/^FORBIDDEN: /);
        });

        it('refuses a malformed member number and reports an unknown member', async () => {
            expect((await refusal(ledger.evaluate(auditor(ALPINE), (ctx) => members.get(ctx, 'HAR1')))).message).to.match(
                /^INVALID_ARGUMENT: memberNumber/,
            );
            expect((await refusal(ledger.evaluate(auditor(ALPINE), (ctx) => members.get(ctx, 'HAR000001')))).message).to.equal(
                'NOT_FOUND: member HAR000001 does not exist',
            );
        });
    });

    describe('listByClub', () => {
        const list = async (submitter: Submitter, mspId: string, pageSize: string, bookmark = '') =>
            JSON.parse(
                await ledger.evaluate(submitter, (ctx) => members.listByClub(ctx, mspId, pageSize, bookmark)),
            ) as Page<Member>;
        const numbersOf = (page: Page<Member>) => page.items.map((member) => member.memberNumber);

        beforeEach(async () => {
            for (let i = 0; i < 3; i += 1) {
                await enrolMember(ledger, HARBOUR);
            }
            await enrolMember(ledger, ALPINE);
        });

        it('pages through one club members in member-number order', async () => {
            const first = await list(auditor(METRO), HARBOUR, '2');
            expect(numbersOf(first)).to.deep.equal(['HAR000001', 'HAR000002']);
            expect(first.bookmark).not.to.equal('');
            const second = await list(auditor(METRO), HARBOUR, '2', first.bookmark);
            expect(numbersOf(second)).to.deep.equal(['HAR000003']);
            expect(second.bookmark).to.equal('');
        });

        it('accepts the largest page and lists an unknown club as empty', async () => {
            expect(numbersOf(await list(staff(ALPINE), ALPINE, '200'))).to.deep.equal(['ALP000001']);
            expect(await list(staff(ALPINE), 'NobodyMSP', '1')).to.deep.equal({ items: [], bookmark: '' });
        });

        it('returns an empty page for a bookmark past the last member, whose metadata a peer sends as no bytes', async () => {
            const pastTheEnd = ledger.key('member', HARBOUR, 'HAR999999');
            expect(await list(auditor(METRO), HARBOUR, '2', pastTheEnd)).to.deep.equal({ items: [], bookmark: '' });
        });

        for (const pageSize of ['0', '201', '-1', '1.5', 'ten', '', '1000']) {
            it(`refuses a page size of "${pageSize}"`, async () => {
                const error = await refusal(list(auditor(METRO), HARBOUR, pageSize));
                expect(error.message).to.match(/^INVALID_ARGUMENT: pageSize: /);
            });
        }

        it('refuses a malformed MSP ID, an oversize bookmark and a role-less submitter', async () => {
            expect((await refusal(list(auditor(METRO), '../x', '10'))).message).to.match(/^INVALID_ARGUMENT: mspId/);
            expect((await refusal(list(auditor(METRO), HARBOUR, '10', 'b'.repeat(1025)))).message).to.match(/^INVALID_ARGUMENT: bookmark/);
            expect((await refusal(list({ mspId: METRO }, HARBOUR, '10'))).message).to.match(/^FORBIDDEN: /);
        });
    });

    describe('readPersonalData', () => {
        let memberNumber: string;

        beforeEach(async () => {
            memberNumber = await activeMember(ledger, HARBOUR);
        });

        for (const submitter of [admin(HARBOUR), staff(HARBOUR)]) {
            it(`shows the sealed personal record to the home club's ${submitter.role}`, async () => {
                const json = await ledger.evaluate(submitter, (ctx) => members.readPersonalData(ctx, memberNumber));
                expect(JSON.parse(json) as PersonalDataEnvelope).to.deep.equal(personalDataEnvelope());
            });
        }

        for (const submitter of [auditor(HARBOUR), admin(ALPINE), staff(ALPINE), auditor(METRO), { mspId: HARBOUR } as Submitter]) {
            it(`refuses ${submitter.mspId} ${submitter.role ?? 'without a role'}`, async () => {
                const error = await refusal(ledger.evaluate(submitter, (ctx) => members.readPersonalData(ctx, memberNumber)));
                expect(error.message).to.match(/^FORBIDDEN: /);
            });
        }

        it('reports a record that was never recorded or was erased', async () => {
            const pending = await enrolMember(ledger, HARBOUR);
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.terminate(ctx, memberNumber));
            await changePersonalData(ledger, admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber));
            for (const number of [pending, memberNumber]) {
                const error = await refusal(ledger.evaluate(staff(HARBOUR), (ctx) => members.readPersonalData(ctx, number)));
                expect(error.message).to.equal(`NOT_FOUND: member ${number} has no personal record at ${HARBOUR}`);
            }
        });

        it('refuses a malformed member number', async () => {
            const error = await refusal(ledger.evaluate(admin(HARBOUR), (ctx) => members.readPersonalData(ctx, '')));
            expect(error.message).to.match(/^INVALID_ARGUMENT: memberNumber/);
        });
    });

    describe('personal data stays private', () => {
        it('never puts personal data in public state or events over a whole lifecycle', async () => {
            const memberNumber = await activeMember(ledger, HARBOUR);
            await recordPersonalData(ledger, HARBOUR, memberNumber, personalDataEnvelope('ada, moved'));
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.attestPersonalData(ctx, memberNumber));
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.suspend(ctx, memberNumber));
            await changeMember(ledger, admin(HARBOUR), (ctx) => members.terminate(ctx, memberNumber));
            await changePersonalData(ledger, admin(HARBOUR), (ctx) => members.erasePersonalData(ctx, memberNumber));

            const member = readMember(ledger, HARBOUR, memberNumber);
            expect(Object.keys(member)).to.have.members([
                'memberNumber',
                'homeClub',
                'membershipType',
                'status',
                'validUntil',
                'personalDataHash',
                'enrolled',
                'updated',
            ]);
            for (const value of ledger.state.values()) {
                expectNoPersonalData(Buffer.from(value).toString('utf8'));
            }
            for (const event of ledger.events) {
                expectNoPersonalData(event);
            }
            expect(ledger.events.map((event) => event.name)).to.include.members(['PersonalDataRecorded', 'PersonalDataErased']);
        });
    });
});

describe('purgesPrivateData (RCN_PURGE_PRIVATE_DATA)', () => {
    it('purges unless the chaincode server is told its peer cannot', () => {
        expect(purgesPrivateData({})).to.equal(true);
        expect(purgesPrivateData({ [PURGE_PRIVATE_DATA_SETTING]: '' })).to.equal(true);
        expect(purgesPrivateData({ [PURGE_PRIVATE_DATA_SETTING]: 'true' })).to.equal(true);
        expect(purgesPrivateData({ [PURGE_PRIVATE_DATA_SETTING]: 'false' })).to.equal(false);
    });

    it('refuses any other value rather than guess', () => {
        for (const value of ['no', '0', 'FALSE', 'off']) {
            expect(() => purgesPrivateData({ [PURGE_PRIVATE_DATA_SETTING]: value })).to.throw(`RCN_PURGE_PRIVATE_DATA must be true or false, not ${value}`);
        }
    });
});
