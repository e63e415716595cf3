import { common, msp } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { AgreementContract } from '../../src/agreements/agreement-contract';
import type { RecordContext } from '../../src/context';
import type { Agreement, AgreementStatus, AgreementTerms } from '../../src/model/agreement';
import type { Club } from '../../src/model/club';
import { activeAgreement, agreementTerms, changeAgreement, proposedAgreement } from '../support/agreement-fixtures';
import { ALPINE, HARBOUR, METRO, admin, auditor, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';
import { endorsementsBy, signaturePolicy } from '../support/signature-policies';

const UNKNOWN_ID = 'f'.repeat(64);
const AFTER_2026 = new Date('2027-01-01T09:00:00.000Z');

/** Decodes a key-level policy into the clubs it names and a check, as Fabric evaluates it, of whether a set of endorsing clubs satisfies it. */
function decodePolicy(bytes: Uint8Array): { clubs: string[]; satisfiedBy: (endorsers: string[]) => boolean } {
    const envelope = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
    const clubs = envelope.getIdentitiesList().map((principal) => {
        const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
        expect(role.getRole()).to.equal(msp.MSPRole.MSPRoleType.PEER);
        return role.getMspIdentifier();
    });
    return { clubs, satisfiedBy: (endorsers) => signaturePolicy(bytes)(endorsementsBy(endorsers)) };
}

describe('AgreementContract', () => {
    const agreements = new AgreementContract();
    let ledger: FakeLedger;

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger);
    });

    const stored = (agreementId: string) => ledger.read<Agreement>('agreement', agreementId);
    const pairPointer = (clubA: string, clubB: string) => ledger.read<string>('agreementByPair', ...[clubA, clubB].sort());

    /** Runs a transaction expected to be refused; checks that it wrote nothing and returns the message. */
    async function refused(submitter: Submitter, run: (ctx: RecordContext) => Promise<unknown>): Promise<string> {
        const state = new Map(ledger.state);
        const policies = new Map(ledger.endorsementPolicies);
        const events = ledger.events.length;
        const error = await refusal(ledger.submit(submitter, run));
        expect(ledger.state).to.deep.equal(state);
        expect(ledger.endorsementPolicies).to.deep.equal(policies);
        expect(ledger.events).to.have.length(events);
        return error.message;
    }

    function suspendClub(mspId: string): void {
        ledger.write({ ...ledger.read<Club>('club', mspId), status: 'SUSPENDED' }, 'club', mspId);
    }

    /** An agreement between Harbour (proposer) and Alpine, brought to `status` through the contract. */
    async function agreementIn(status: AgreementStatus, terms: AgreementTerms = agreementTerms()): Promise<Agreement> {
        if (status === 'PROPOSED' || status === 'REJECTED') {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE, terms);
            if (status === 'REJECTED') {
                await changeAgreement(ledger, admin(ALPINE), 'reject', proposed.agreementId);
            }
            return stored(proposed.agreementId)!;
        }
        const active = await activeAgreement(ledger, HARBOUR, ALPINE, terms);
        const id = active.agreementId;
        if (status === 'SUSPENDED') {
            await changeAgreement(ledger, admin(HARBOUR), 'suspend', id);
        } else if (status === 'TERMINATED') {
            await changeAgreement(ledger, admin(HARBOUR), 'terminate', id);
        } else if (status === 'EXPIRED') {
            await changeAgreement(ledger, { ...auditor(ALPINE), at: AFTER_2026 }, 'expire', id);
        }
        const agreement = stored(id)!;
        expect(agreement.status).to.equal(status);
        return agreement;
    }

    describe('propose', () => {
        it('creates a PROPOSED agreement with the transaction ID, the pair pointer and both clubs’ index entries', async () => {
            const terms = agreementTerms();
            const { result, event, txId } = await ledger.submit(admin(HARBOUR), (ctx) =>
                agreements.propose(ctx, ALPINE, JSON.stringify(terms)),
            );

            const agreement = stored(txId);
            expect(agreement).to.deep.include({
                agreementId: txId,
                proposer: HARBOUR,
                counterparty: ALPINE,
                status: 'PROPOSED',
                version: 1,
                terms,
            });
            expect(agreement?.created).to.deep.equal({ by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId });
            expect(agreement).to.not.have.property('pendingAmendment');
            expect(JSON.parse(result)).to.deep.equal(agreement);
            expect(pairPointer(HARBOUR, ALPINE)).to.equal(txId);
            expect(ledger.read('agreementByClub', HARBOUR, txId)).to.equal(txId);
            expect(ledger.read('agreementByClub', ALPINE, txId)).to.equal(txId);
            expect(ledger.read('agreementByClub', METRO, txId)).to.equal(undefined);
            expect(ledger.endorsementPolicies.size).to.equal(0);
            expect(event).to.deep.include({ name: 'AgreementProposed', submitter: HARBOUR, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'agreement', value: agreement }]);
        });

        it('accepts terms whose last day is today', async () => {
            const terms = agreementTerms({ validFrom: '2026-03-01', validUntil: '2026-03-02' });
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE, terms);
            expect(proposed.terms.validUntil).to.equal(ledger.clock.toISOString().slice(0, 10));
        });

        it('refuses terms that have already ended', async () => {
            const terms = agreementTerms({ validFrom: '2026-01-01', validUntil: '2026-03-01' });
            const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, ALPINE, JSON.stringify(terms)));
            expect(message).to.match(/^INVALID_ARGUMENT: terms\.validUntil: 2026-03-01 is before today/);
        });

        it('refuses an agreement with oneself', async () => {
            const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, HARBOUR, JSON.stringify(agreementTerms())));
            expect(message).to.match(/^INVALID_ARGUMENT: counterparty: /);
        });

        it('refuses a malformed counterparty MSP ID', async () => {
            const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, '../Alpine', JSON.stringify(agreementTerms())));
            expect(message).to.match(/^INVALID_ARGUMENT: counterparty/);
        });

        it('refuses an unregistered counterparty', async () => {
            const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, 'NowhereMSP', JSON.stringify(agreementTerms())));
            expect(message).to.equal('NOT_FOUND: club NowhereMSP does not exist');
        });

        it('refuses an unregistered proposer', async () => {
            const message = await refused(admin('NowhereMSP'), (ctx) => agreements.propose(ctx, ALPINE, JSON.stringify(agreementTerms())));
            expect(message).to.equal('NOT_FOUND: club NowhereMSP does not exist');
        });

        for (const suspended of [HARBOUR, ALPINE]) {
            it(`refuses when ${suspended} is suspended on the channel`, async () => {
                suspendClub(suspended);
                const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, ALPINE, JSON.stringify(agreementTerms())));
                expect(message).to.equal(`CLUB_SUSPENDED: club ${suspended} is SUSPENDED on this channel`);
            });
        }

        for (const status of ['PROPOSED', 'ACTIVE', 'SUSPENDED'] as const) {
            it(`refuses a second agreement while one is ${status}, whichever club proposes`, async () => {
                const current = await agreementIn(status);
                for (const [proposer, counterparty] of [
                    [HARBOUR, ALPINE],
                    [ALPINE, HARBOUR],
                ] as const) {
                    const message = await refused(admin(proposer), (ctx) =>
                        agreements.propose(ctx, counterparty, JSON.stringify(agreementTerms())),
                    );
                    expect(message).to.equal(`AGREEMENT_CONFLICT: ${proposer} and ${counterparty} already have agreement ${current.agreementId}`);
                }
            });
        }

        for (const status of ['REJECTED', 'TERMINATED', 'EXPIRED'] as const) {
            it(`allows a new agreement once the previous one is ${status}`, async () => {
                const previous = await agreementIn(status);
                const terms = agreementTerms({ validFrom: '2027-01-01', validUntil: '2027-12-31' });
                const next = await proposedAgreement(ledger, ALPINE, HARBOUR, terms);
                expect(next.agreementId).to.not.equal(previous.agreementId);
                expect(pairPointer(HARBOUR, ALPINE)).to.equal(next.agreementId);
            });
        }

        it('lets one club hold agreements with several clubs', async () => {
            await activeAgreement(ledger, HARBOUR, ALPINE);
            const withMetro = await proposedAgreement(ledger, METRO, HARBOUR);
            expect(pairPointer(HARBOUR, METRO)).to.equal(withMetro.agreementId);
        });

        for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const message = await refused(submitter, (ctx) => agreements.propose(ctx, ALPINE, JSON.stringify(agreementTerms())));
                expect(message).to.match(/^FORBIDDEN: /);
            });
        }

        const terms = agreementTerms();
        const badTerms: [string, unknown, string][] = [
            ['not JSON', '{validFrom:', 'terms is not valid JSON'],
            ['a JSON array', [terms], 'terms'],
            ['a missing fee', { ...terms, feePerVisit: undefined }, 'terms.feePerVisit'],
            ['an unknown field', { ...terms, discount: 10 }, 'terms'],
            ['a negative monthly limit', { ...terms, visitsPerMemberPerMonth: -1 }, 'terms.visitsPerMemberPerMonth'],
            ['a negative yearly limit', { ...terms, visitsPerMemberPerYear: -5 }, 'terms.visitsPerMemberPerYear'],
            ['negative guests', { ...terms, guestsPerVisit: -1 }, 'terms.guestsPerVisit'],
            ['negative nights', { ...terms, nightsPerStay: -1 }, 'terms.nightsPerStay'],
            ['a stay over 90 nights', { ...terms, nightsPerStay: 91 }, 'terms.nightsPerStay'],
            ['a fractional visit limit', { ...terms, visitsPerMemberPerMonth: 1.5 }, 'terms.visitsPerMemberPerMonth'],
            ['a limit given as a string', { ...terms, nightsPerStay: '3' }, 'terms.nightsPerStay'],
            ['a monthly limit above the yearly one', { ...terms, visitsPerMemberPerMonth: 10, visitsPerMemberPerYear: 5 }, 'monthly limit'],
            ['reversed validity dates', { ...terms, validFrom: '2026-12-31', validUntil: '2026-06-01' }, 'validFrom must not be after'],
            ['an impossible date', { ...terms, validUntil: '2026-02-30' }, 'terms.validUntil'],
            ['a date with a time', { ...terms, validFrom: '2026-01-01T00:00:00Z' }, 'terms.validFrom'],
            ['duplicate weekdays', { ...terms, allowedWeekdays: ['MON', 'MON'] }, 'weekdays must not repeat'],
            ['no weekdays', { ...terms, allowedWeekdays: [] }, 'terms.allowedWeekdays'],
            ['eight weekdays', { ...terms, allowedWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN', 'MON'] }, 'terms.allowedWeekdays'],
            ['an unknown weekday', { ...terms, allowedWeekdays: ['FUNDAY'] }, 'terms.allowedWeekdays.0'],
            ['a lower-case weekday', { ...terms, allowedWeekdays: ['mon'] }, 'terms.allowedWeekdays.0'],
            ['an unknown facility', { ...terms, facilities: ['CASINO'] }, 'terms.facilities.0'],
            ['duplicate facilities', { ...terms, facilities: ['DINING', 'DINING'] }, 'facilities must not repeat'],
            ['no facilities', { ...terms, facilities: [] }, 'terms.facilities'],
            ['more facilities than exist', { ...terms, facilities: Array<string>(13).fill('DINING') }, 'terms.facilities'],
            ['an unknown membership type', { ...terms, eligibleMembershipTypes: ['GOLD'] }, 'terms.eligibleMembershipTypes.0'],
            ['duplicate membership types', { ...terms, eligibleMembershipTypes: ['VIP', 'VIP'] }, 'membership types must not repeat'],
            ['no membership types', { ...terms, eligibleMembershipTypes: [] }, 'terms.eligibleMembershipTypes'],
            ['the currency euro', { ...terms, feePerVisit: { amountMinor: 2500, currency: 'euro' } }, 'terms.feePerVisit.currency'],
            ['a fee that is not an integer', { ...terms, feePerVisit: { amountMinor: 25.5, currency: 'EUR' } }, 'terms.feePerVisit.amountMinor'],
            ['a negative fee', { ...terms, feePerVisit: { amountMinor: -1, currency: 'EUR' } }, 'terms.feePerVisit.amountMinor'],
            ['a fee without currency', { ...terms, feePerVisit: { amountMinor: 100 } }, 'terms.feePerVisit.currency'],
            ['a letter requirement as a string', { ...terms, letterOfIntroductionRequired: 'yes' }, 'terms.letterOfIntroductionRequired'],
            [
                'a blackout whose from is after its until',
                { ...terms, blackoutDates: [{ from: '2026-08-10', until: '2026-08-01' }] },
                'terms.blackoutDates.0',
            ],
            ['a blackout with an impossible date', { ...terms, blackoutDates: [{ from: '2026-13-01', until: '2026-13-02' }] }, 'terms.blackoutDates.0'],
            [
                'a blackout reason over 200 characters',
                { ...terms, blackoutDates: [{ from: '2026-08-01', until: '2026-08-02', reason: 'x'.repeat(201) }] },
                'terms.blackoutDates.0.reason',
            ],
            [
                'over 100 blackout ranges',
                { ...terms, blackoutDates: Array.from({ length: 101 }, () => ({ from: '2026-08-01', until: '2026-08-02' })) },
                'terms.blackoutDates',
            ],
            ['an argument over 64 KiB', { ...terms, padding: 'x'.repeat(70_000) }, 'terms must be a JSON string'],
        ];
        for (const [what, input, naming] of badTerms) {
            it(`refuses ${what} and writes nothing`, async () => {
                const json = typeof input === 'string' ? input : JSON.stringify(input);
                const message = await refused(admin(HARBOUR), (ctx) => agreements.propose(ctx, ALPINE, json));
                expect(message).to.match(/^INVALID_ARGUMENT: /);
                expect(message).to.contain(naming);
            });
        }
    });

    describe('accept', () => {
        it('activates the agreement and binds its key to both clubs and a majority', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            const { result, event, txId } = await changeAgreement(ledger, admin(ALPINE), 'accept', proposed.agreementId);

            const agreement = stored(proposed.agreementId);
            expect(agreement).to.deep.include({ status: 'ACTIVE', version: 1, created: proposed.created });
            expect(agreement?.updated).to.deep.include({ club: ALPINE, by: `admin@${ALPINE}`, txId });
            expect(JSON.parse(result)).to.deep.equal(agreement);
            expect(pairPointer(HARBOUR, ALPINE)).to.equal(proposed.agreementId);
            expect(event).to.deep.include({ name: 'AgreementAccepted', submitter: ALPINE, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'agreement', value: agreement }]);

            expect([...ledger.endorsementPolicies.keys()]).to.deep.equal([ledger.key('agreement', proposed.agreementId)]);
            const policy = decodePolicy(ledger.endorsementPolicies.get(ledger.key('agreement', proposed.agreementId))!);
            expect(policy.clubs).to.deep.equal([ALPINE, HARBOUR, METRO]);
            expect(policy.satisfiedBy([HARBOUR, ALPINE])).to.equal(true);
            expect(policy.satisfiedBy([HARBOUR, ALPINE, METRO])).to.equal(true);
            expect(policy.satisfiedBy([HARBOUR, METRO]), 'a majority without Alpine').to.equal(false);
            expect(policy.satisfiedBy([ALPINE, METRO]), 'a majority without Harbour').to.equal(false);
            expect(policy.satisfiedBy([HARBOUR])).to.equal(false);
        });

        it('leaves the key-level policy in place through later changes', async () => {
            const active = await activeAgreement(ledger, HARBOUR, ALPINE);
            const key = ledger.key('agreement', active.agreementId);
            const policy = ledger.endorsementPolicies.get(key);
            await changeAgreement(ledger, admin(HARBOUR), 'suspend', active.agreementId);
            expect(ledger.endorsementPolicies.get(key)).to.deep.equal(policy);
        });

        it('refuses the proposer', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            const message = await refused(admin(HARBOUR), (ctx) => agreements.accept(ctx, proposed.agreementId));
            expect(message).to.equal(`FORBIDDEN: only ${ALPINE} may accept agreement ${proposed.agreementId}`);
        });

        it('refuses a third club', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            const message = await refused(admin(METRO), (ctx) => agreements.accept(ctx, proposed.agreementId));
            expect(message).to.equal(`FORBIDDEN: ${METRO} is not a party to agreement ${proposed.agreementId}`);
        });

        for (const submitter of [staff(ALPINE), auditor(ALPINE), { mspId: ALPINE } as Submitter]) {
            it(`refuses the counterparty's ${submitter.role ?? 'role-less'} certificate`, async () => {
                const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
                const message = await refused(submitter, (ctx) => agreements.accept(ctx, proposed.agreementId));
                expect(message).to.match(/^FORBIDDEN: club\.role/);
            });
        }

        it('refuses terms that ended before acceptance', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            const message = await refused({ ...admin(ALPINE), at: AFTER_2026 }, (ctx) => agreements.accept(ctx, proposed.agreementId));
            expect(message).to.equal(
                `INVALID_TRANSITION: agreement ${proposed.agreementId} cannot go from PROPOSED to ACTIVE: its terms ended on 2026-12-31`,
            );
        });

        for (const suspended of [HARBOUR, ALPINE]) {
            it(`refuses while ${suspended} is suspended on the channel`, async () => {
                const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
                suspendClub(suspended);
                const message = await refused(admin(ALPINE), (ctx) => agreements.accept(ctx, proposed.agreementId));
                expect(message).to.match(/^CLUB_SUSPENDED: /);
            });
        }

        it('reports an unknown agreement and refuses a malformed ID', async () => {
            expect(await refused(admin(ALPINE), (ctx) => agreements.accept(ctx, UNKNOWN_ID))).to.equal(
                `NOT_FOUND: agreement ${UNKNOWN_ID} does not exist`,
            );
            expect(await refused(admin(ALPINE), (ctx) => agreements.accept(ctx, 'abc'))).to.match(/^INVALID_ARGUMENT: agreementId/);
        });
    });

    describe('reject', () => {
        it('lets the counterparty reject a proposal and frees the pair, keeping the index entries', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            const { event } = await changeAgreement(ledger, admin(ALPINE), 'reject', proposed.agreementId);

            const agreement = stored(proposed.agreementId);
            expect(agreement?.status).to.equal('REJECTED');
            expect(pairPointer(HARBOUR, ALPINE)).to.equal(undefined);
            expect(ledger.read('agreementByClub', HARBOUR, proposed.agreementId)).to.equal(proposed.agreementId);
            expect(ledger.read('agreementByClub', ALPINE, proposed.agreementId)).to.equal(proposed.agreementId);
            expect(ledger.endorsementPolicies.size).to.equal(0);
            expect(event).to.deep.include({ name: 'AgreementRejected', submitter: ALPINE, parties: [ALPINE, HARBOUR] });
            expect(event?.changes).to.deep.equal([{ kind: 'agreement', value: agreement }]);
        });

        it('lets the proposer withdraw its proposal', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            await changeAgreement(ledger, admin(HARBOUR), 'reject', proposed.agreementId);
            expect(stored(proposed.agreementId)?.status).to.equal('REJECTED');
            expect(stored(proposed.agreementId)?.updated.club).to.equal(HARBOUR);
        });

        it('refuses a third club and a staff certificate', async () => {
            const proposed = await proposedAgreement(ledger, HARBOUR, ALPINE);
            expect(await refused(admin(METRO), (ctx) => agreements.reject(ctx, proposed.agreementId))).to.match(/^FORBIDDEN: MetroMSP is not a party/);
            expect(await refused(staff(ALPINE), (ctx) => agreements.reject(ctx, proposed.agreementId))).to.match(/^FORBIDDEN: club\.role/);
        });
    });

    describe('lifecycle', () => {
        type Move = 'accept' | 'reject' | 'suspend' | 'resume' | 'terminate' | 'expire';
        const moves: Record<Move, { to: AgreementStatus; from: AgreementStatus[]; event: string; by: Submitter }> = {
            accept: { to: 'ACTIVE', from: ['PROPOSED'], event: 'AgreementAccepted', by: admin(ALPINE) },
            reject: { to: 'REJECTED', from: ['PROPOSED'], event: 'AgreementRejected', by: admin(ALPINE) },
            suspend: { to: 'SUSPENDED', from: ['ACTIVE'], event: 'AgreementStatusChanged', by: admin(ALPINE) },
            resume: { to: 'ACTIVE', from: ['SUSPENDED'], event: 'AgreementStatusChanged', by: admin(HARBOUR) },
            terminate: { to: 'TERMINATED', from: ['PROPOSED', 'ACTIVE', 'SUSPENDED'], event: 'AgreementStatusChanged', by: admin(ALPINE) },
            expire: { to: 'EXPIRED', from: ['ACTIVE', 'SUSPENDED'], event: 'AgreementStatusChanged', by: { ...staff(HARBOUR), at: AFTER_2026 } },
        };
        const statuses: AgreementStatus[] = ['PROPOSED', 'ACTIVE', 'SUSPENDED', 'REJECTED', 'TERMINATED', 'EXPIRED'];
        const finalStatuses: AgreementStatus[] = ['REJECTED', 'TERMINATED', 'EXPIRED'];

        for (const [name, move] of Object.entries(moves) as [Move, (typeof moves)[Move]][]) {
            for (const from of statuses) {
                if (move.from.includes(from)) {
                    it(`${name}: ${from} → ${move.to}`, async () => {
                        const agreement = await agreementIn(from);
                        const { event } = await changeAgreement(ledger, move.by, name, agreement.agreementId);

                        const after = stored(agreement.agreementId);
                        expect(after).to.deep.include({ status: move.to, version: 1, terms: agreement.terms, created: agreement.created });
                        expect(after?.updated.club).to.equal(move.by.mspId);
                        expect(pairPointer(HARBOUR, ALPINE)).to.equal(finalStatuses.includes(move.to) ? undefined : agreement.agreementId);
                        expect(event).to.deep.include({ name: move.event, submitter: move.by.mspId, parties: [ALPINE, HARBOUR] });
                        expect(event?.changes).to.deep.equal([{ kind: 'agreement', value: after }]);
                    });
                } else {
                    it(`${name}: refuses ${from} → ${move.to}`, async () => {
                        const agreement = await agreementIn(from);
                        const message = await refused(move.by, (ctx) => agreements[name](ctx, agreement.agreementId));
                        expect(message).to.match(/^INVALID_TRANSITION: /);
                        expect(message).to.contain(`from ${from} to ${move.to}`);
                    });
                }
            }
        }

        for (const name of ['suspend', 'terminate'] as const) {
            it(`${name}: either party may, the proposer included`, async () => {
                const active = await activeAgreement(ledger, HARBOUR, ALPINE);
                await changeAgreement(ledger, admin(HARBOUR), name, active.agreementId);
                expect(stored(active.agreementId)?.status).to.equal(moves[name].to);
            });
        }

        for (const name of ['suspend', 'resume', 'terminate'] as const) {
            it(`${name}: refuses a third club, and a party's staff or auditor`, async () => {
                const agreement = await agreementIn(name === 'resume' ? 'SUSPENDED' : 'ACTIVE');
                const third = await refused(admin(METRO), (ctx) => agreements[name](ctx, agreement.agreementId));
                expect(third).to.equal(`FORBIDDEN: ${METRO} is not a party to agreement ${agreement.agreementId}`);
                for (const submitter of [staff(HARBOUR), auditor(ALPINE)]) {
                    expect(await refused(submitter, (ctx) => agreements[name](ctx, agreement.agreementId))).to.match(/^FORBIDDEN: club\.role/);
                }
            });

            it(`${name}: reports an unknown agreement`, async () => {
                expect(await refused(admin(HARBOUR), (ctx) => agreements[name](ctx, UNKNOWN_ID))).to.match(/^NOT_FOUND: /);
            });
        }

        describe('expire', () => {
            it('refuses while the terms still run, their last day included', async () => {
                const active = await activeAgreement(ledger, HARBOUR, ALPINE);
                const lastDay = new Date('2026-12-31T23:59:59.000Z');
                const message = await refused({ ...admin(ALPINE), at: lastDay }, (ctx) => agreements.expire(ctx, active.agreementId));
                expect(message).to.equal(
                    `INVALID_TRANSITION: agreement ${active.agreementId} cannot go from ACTIVE to EXPIRED: it runs until 2026-12-31`,
                );
            });

            for (const submitter of [admin(HARBOUR), staff(ALPINE), auditor(ALPINE)]) {
                it(`lets a ${submitter.role} of ${submitter.mspId} expire it`, async () => {
                    const active = await activeAgreement(ledger, HARBOUR, ALPINE);
                    await changeAgreement(ledger, { ...submitter, at: AFTER_2026 }, 'expire', active.agreementId);
                    expect(stored(active.agreementId)?.status).to.equal('EXPIRED');
                });
            }

            it('refuses a third club and a role-less certificate', async () => {
                const active = await activeAgreement(ledger, HARBOUR, ALPINE);
                expect(await refused({ ...auditor(METRO), at: AFTER_2026 }, (ctx) => agreements.expire(ctx, active.agreementId))).to.match(
                    /^FORBIDDEN: MetroMSP is not a party/,
                );
                expect(await refused({ mspId: HARBOUR, at: AFTER_2026 }, (ctx) => agreements.expire(ctx, active.agreementId))).to.match(
                    /^FORBIDDEN: club\.role/,
                );
            });
        });
    });

    describe('amendments', () => {
        const amendedTerms = agreementTerms({ visitsPerMemberPerMonth: 6, facilities: ['DINING', 'SPA'], validUntil: '2027-06-30' });

        async function proposeAmendment(agreement: Agreement, by: string, terms: AgreementTerms = amendedTerms): Promise<Agreement> {
            const { result } = await changeAgreement(ledger, admin(by), 'proposeAmendment', agreement.agreementId, terms);
            return JSON.parse(result) as Agreement;
        }

        for (const status of ['ACTIVE', 'SUSPENDED'] as const) {
            for (const proposer of [HARBOUR, ALPINE]) {
                it(`lets ${proposer} propose an amendment to a ${status} agreement, which the other party accepts`, async () => {
                    const agreement = await agreementIn(status);
                    const other = proposer === HARBOUR ? ALPINE : HARBOUR;

                    const proposal = await changeAgreement(ledger, admin(proposer), 'proposeAmendment', agreement.agreementId, amendedTerms);
                    const pending = stored(agreement.agreementId);
                    expect(pending).to.deep.include({ status, version: 1, terms: agreement.terms });
                    expect(pending?.pendingAmendment).to.deep.equal({
                        terms: amendedTerms,
                        proposedBy: proposer,
                        proposed: { by: `admin@${proposer}`, club: proposer, at: ledger.clock.toISOString(), txId: proposal.txId },
                    });
                    expect(proposal.event).to.deep.include({ name: 'AgreementAmendmentProposed', parties: [ALPINE, HARBOUR] });
                    expect(proposal.event?.changes).to.deep.equal([{ kind: 'agreement', value: pending }]);

                    const acceptance = await changeAgreement(ledger, admin(other), 'acceptAmendment', agreement.agreementId);
                    const amended = stored(agreement.agreementId);
                    expect(amended).to.deep.include({ status, version: 2, terms: amendedTerms, created: agreement.created });
                    expect(amended).to.not.have.property('pendingAmendment');
                    expect(amended?.updated).to.deep.include({ club: other, txId: acceptance.txId });
                    expect(acceptance.event).to.deep.include({ name: 'AgreementAmended', submitter: other, parties: [ALPINE, HARBOUR] });
                    expect(acceptance.event?.changes).to.deep.equal([{ kind: 'agreement', value: amended }]);
                    expect(pairPointer(HARBOUR, ALPINE)).to.equal(agreement.agreementId);
                });
            }
        }

        it('counts versions across successive amendments', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, HARBOUR);
            await changeAgreement(ledger, admin(ALPINE), 'acceptAmendment', agreement.agreementId);
            await proposeAmendment(agreement, ALPINE, agreementTerms({ guestsPerVisit: 0 }));
            await changeAgreement(ledger, admin(HARBOUR), 'acceptAmendment', agreement.agreementId);
            expect(stored(agreement.agreementId)).to.deep.include({ version: 3, terms: agreementTerms({ guestsPerVisit: 0 }) });
        });

        for (const status of ['PROPOSED', 'REJECTED', 'TERMINATED', 'EXPIRED'] as const) {
            it(`refuses to amend a ${status} agreement`, async () => {
                const agreement = await agreementIn(status);
                const message = await refused(admin(HARBOUR), (ctx) =>
                    agreements.proposeAmendment(ctx, agreement.agreementId, JSON.stringify(amendedTerms)),
                );
                expect(message).to.equal(
                    `INVALID_TRANSITION: agreement ${agreement.agreementId} is ${status}; only ACTIVE or SUSPENDED agreements are amended`,
                );
            });
        }

        it('refuses a second pending amendment, from either party', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, HARBOUR);
            for (const by of [HARBOUR, ALPINE]) {
                const message = await refused(admin(by), (ctx) =>
                    agreements.proposeAmendment(ctx, agreement.agreementId, JSON.stringify(amendedTerms)),
                );
                expect(message).to.equal(
                    `AGREEMENT_CONFLICT: agreement ${agreement.agreementId} already has an amendment proposed by ${HARBOUR}`,
                );
            }
        });

        it('refuses bad or ended amendment terms', async () => {
            const agreement = await agreementIn('ACTIVE');
            const reversed = JSON.stringify({ ...amendedTerms, visitsPerMemberPerMonth: 30, visitsPerMemberPerYear: 12 });
            expect(await refused(admin(HARBOUR), (ctx) => agreements.proposeAmendment(ctx, agreement.agreementId, reversed))).to.match(
                /^INVALID_ARGUMENT: terms\.visitsPerMemberPerMonth/,
            );
            const ended = JSON.stringify(agreementTerms({ validUntil: '2026-02-28' }));
            expect(await refused(admin(HARBOUR), (ctx) => agreements.proposeAmendment(ctx, agreement.agreementId, ended))).to.match(
                /^INVALID_ARGUMENT: terms\.validUntil: 2026-02-28 is before today/,
            );
        });

        it('refuses amendments from a third club or a staff certificate, and for an unknown agreement', async () => {
            const agreement = await agreementIn('ACTIVE');
            const json = JSON.stringify(amendedTerms);
            expect(await refused(admin(METRO), (ctx) => agreements.proposeAmendment(ctx, agreement.agreementId, json))).to.match(
                /^FORBIDDEN: MetroMSP is not a party/,
            );
            expect(await refused(staff(HARBOUR), (ctx) => agreements.proposeAmendment(ctx, agreement.agreementId, json))).to.match(
                /^FORBIDDEN: club\.role/,
            );
            expect(await refused(admin(HARBOUR), (ctx) => agreements.proposeAmendment(ctx, UNKNOWN_ID, json))).to.match(/^NOT_FOUND: /);
        });

        it('refuses acceptance by the party that proposed the amendment, or by a third club', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, ALPINE);
            expect(await refused(admin(ALPINE), (ctx) => agreements.acceptAmendment(ctx, agreement.agreementId))).to.equal(
                `FORBIDDEN: only ${HARBOUR} may accept the amendment ${ALPINE} proposed to agreement ${agreement.agreementId}`,
            );
            expect(await refused(admin(METRO), (ctx) => agreements.acceptAmendment(ctx, agreement.agreementId))).to.match(
                /^FORBIDDEN: MetroMSP is not a party/,
            );
            expect(await refused(auditor(HARBOUR), (ctx) => agreements.acceptAmendment(ctx, agreement.agreementId))).to.match(
                /^FORBIDDEN: club\.role/,
            );
        });

        it('refuses to accept amended terms that ended before acceptance', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, HARBOUR, agreementTerms({ validUntil: '2026-06-30' }));
            const message = await refused({ ...admin(ALPINE), at: new Date('2026-07-01T00:00:00Z') }, (ctx) =>
                agreements.acceptAmendment(ctx, agreement.agreementId),
            );
            expect(message).to.match(/^INVALID_TRANSITION: the amendment .* ended on 2026-06-30/);
        });

        it('reports accepting or rejecting when no amendment is pending', async () => {
            const agreement = await agreementIn('ACTIVE');
            const none = `NOT_FOUND: agreement ${agreement.agreementId} has no pending amendment`;
            expect(await refused(admin(ALPINE), (ctx) => agreements.acceptAmendment(ctx, agreement.agreementId))).to.equal(none);
            expect(await refused(admin(ALPINE), (ctx) => agreements.rejectAmendment(ctx, agreement.agreementId))).to.equal(none);
        });

        for (const [who, by] of [
            ['the other party rejects', ALPINE],
            ['its proposer withdraws', HARBOUR],
        ] as const) {
            it(`drops the amendment when ${who} it, leaving terms, version and status`, async () => {
                const agreement = await agreementIn('SUSPENDED');
                await proposeAmendment(agreement, HARBOUR);
                const { event } = await changeAgreement(ledger, admin(by), 'rejectAmendment', agreement.agreementId);
                const after = stored(agreement.agreementId);
                expect(after).to.deep.include({ status: 'SUSPENDED', version: 1, terms: agreement.terms });
                expect(after).to.not.have.property('pendingAmendment');
                expect(event).to.deep.include({ name: 'AgreementAmendmentRejected', submitter: by, parties: [ALPINE, HARBOUR] });
                expect(event?.changes).to.deep.equal([{ kind: 'agreement', value: after }]);
                await proposeAmendment(agreement, ALPINE);
                expect(stored(agreement.agreementId)?.pendingAmendment?.proposedBy).to.equal(ALPINE);
            });
        }

        it('refuses a rejection by a third club', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, HARBOUR);
            expect(await refused(admin(METRO), (ctx) => agreements.rejectAmendment(ctx, agreement.agreementId))).to.match(
                /^FORBIDDEN: MetroMSP is not a party/,
            );
        });

        for (const [end, submitter] of [
            ['terminate', admin(ALPINE)],
            ['expire', { ...auditor(HARBOUR), at: AFTER_2026 }],
        ] as const) {
            it(`drops a pending amendment when the agreement ends (${end}) and refuses to accept it afterwards`, async () => {
                const agreement = await agreementIn('ACTIVE');
                await proposeAmendment(agreement, HARBOUR);
                await changeAgreement(ledger, submitter, end, agreement.agreementId);
                expect(stored(agreement.agreementId)).to.not.have.property('pendingAmendment');
                expect(await refused(admin(ALPINE), (ctx) => agreements.acceptAmendment(ctx, agreement.agreementId))).to.match(
                    /^INVALID_TRANSITION: /,
                );
            });
        }

        it('keeps a pending amendment through suspension', async () => {
            const agreement = await agreementIn('ACTIVE');
            await proposeAmendment(agreement, HARBOUR);
            await changeAgreement(ledger, admin(ALPINE), 'suspend', agreement.agreementId);
            expect(stored(agreement.agreementId)?.pendingAmendment?.terms).to.deep.equal(amendedTerms);
        });
    });

    describe('reads', () => {
        it('gets an agreement for any role of any club, and lists each club’s agreements through its index', async () => {
            const withAlpine = await agreementIn('TERMINATED');
            const withMetro = await activeAgreement(ledger, METRO, HARBOUR);

            const one = JSON.parse(await ledger.evaluate(auditor(METRO), (ctx) => agreements.get(ctx, withAlpine.agreementId))) as Agreement;
            expect(one).to.deep.equal(stored(withAlpine.agreementId));

            const listed = async (mspId: string) =>
                (JSON.parse(await ledger.evaluate(staff(ALPINE), (ctx) => agreements.listByClub(ctx, mspId))) as Agreement[])
                    .map((agreement) => agreement.agreementId)
                    .sort();
            expect(await listed(HARBOUR)).to.deep.equal([withAlpine.agreementId, withMetro.agreementId].sort());
            expect(await listed(ALPINE)).to.deep.equal([withAlpine.agreementId]);
            expect(await listed(METRO)).to.deep.equal([withMetro.agreementId]);
            expect(await listed('NowhereMSP')).to.deep.equal([]);
        });

        it('finds the current agreement of a pair in either order, and none once it is final', async () => {
            const active = await activeAgreement(ledger, HARBOUR, ALPINE);
            for (const [a, b] of [
                [HARBOUR, ALPINE],
                [ALPINE, HARBOUR],
            ] as const) {
                const current = JSON.parse(await ledger.evaluate(auditor(METRO), (ctx) => agreements.current(ctx, a, b))) as Agreement;
                expect(current.agreementId).to.equal(active.agreementId);
            }
            await changeAgreement(ledger, admin(ALPINE), 'terminate', active.agreementId);
            expect((await refusal(ledger.evaluate(auditor(METRO), (ctx) => agreements.current(ctx, HARBOUR, ALPINE)))).message).to.equal(
                `NOT_FOUND: ${HARBOUR} and ${ALPINE} have no current agreement`,
            );
        });

        it('refuses malformed arguments, reports unknown agreements and needs a role', async () => {
            const read = (submitter: Submitter, run: (ctx: RecordContext) => Promise<string>) =>
                refusal(ledger.evaluate(submitter, run)).then((error) => error.message);
            expect(await read(auditor(HARBOUR), (ctx) => agreements.get(ctx, UNKNOWN_ID))).to.match(/^NOT_FOUND: /);
            expect(await read(auditor(HARBOUR), (ctx) => agreements.get(ctx, 'x'))).to.match(/^INVALID_ARGUMENT: agreementId/);
            expect(await read(auditor(HARBOUR), (ctx) => agreements.listByClub(ctx, '*'))).to.match(/^INVALID_ARGUMENT: mspId/);
            expect(await read(auditor(HARBOUR), (ctx) => agreements.current(ctx, HARBOUR, ''))).to.match(/^INVALID_ARGUMENT: clubB/);
            expect(await read(auditor(HARBOUR), (ctx) => agreements.current(ctx, '1', ALPINE))).to.match(/^INVALID_ARGUMENT: clubA/);
            expect(await read({ mspId: HARBOUR }, (ctx) => agreements.get(ctx, UNKNOWN_ID))).to.match(/^FORBIDDEN: /);
            expect(await read({ mspId: HARBOUR }, (ctx) => agreements.listByClub(ctx, HARBOUR))).to.match(/^FORBIDDEN: /);
            expect(await read({ mspId: HARBOUR }, (ctx) => agreements.current(ctx, HARBOUR, ALPINE))).to.match(/^FORBIDDEN: /);
        });
    });
});
