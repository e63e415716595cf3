import { expect } from 'chai';
import { ClubContract } from '../../src/clubs/club-contract';
import type { Club } from '../../src/model/club';
import { defaultConsortiumRules } from '../../src/model/governance';
import { ALPINE, HARBOUR, admin, auditor, clubRegistration, registerClubs, staff } from '../support/fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';

describe('ClubContract', () => {
    const clubs = new ClubContract();
    let ledger: FakeLedger;

    beforeEach(() => {
        ledger = new FakeLedger();
    });

    describe('register', () => {
        it('registers the submitting MSP as an ACTIVE club stamped with the acting person', async () => {
            const { event, txId } = await ledger.submit(admin(HARBOUR), (ctx) =>
                clubs.register(ctx, JSON.stringify(clubRegistration(HARBOUR))),
            );

            const club = ledger.read<Club>('club', HARBOUR);
            expect(club).to.include({ mspId: HARBOUR, status: 'ACTIVE', name: 'Harbour Club', memberPrefix: 'HAR' });
            expect(club?.registered).to.deep.equal({ by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId });
            expect(ledger.read<string>('memberPrefix', 'HAR')).to.equal(HARBOUR);
            expect(event).to.deep.include({ name: 'ClubRegistered', submitter: HARBOUR, parties: [HARBOUR], actor: `admin@${HARBOUR}` });
            expect(event?.changes).to.deep.equal([{ kind: 'club', value: club }]);
        });

        it('writes deterministic JSON with sorted keys', async () => {
            await registerClubs(ledger, HARBOUR);
            const raw = Buffer.from(ledger.state.get(ledger.key('club', HARBOUR)) ?? []).toString();
            const keys = Object.keys(JSON.parse(raw) as object);
            expect(keys).to.deep.equal([...keys].sort());
        });

        it('records the certificate ID as actor when the API names nobody', async () => {
            await ledger.submit({ mspId: HARBOUR, role: 'admin' }, (ctx) =>
                clubs.register(ctx, JSON.stringify(clubRegistration(HARBOUR))),
            );
            expect(ledger.read<Club>('club', HARBOUR)?.registered.by).to.match(/^x509::/);
        });

        for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const error = await refusal(
                    ledger.submit(submitter, (ctx) => clubs.register(ctx, JSON.stringify(clubRegistration(HARBOUR)))),
                );
                expect(error.message).to.match(/^FORBIDDEN: /);
                expect(ledger.state.size).to.equal(0);
            });
        }

        it('refuses a club registered twice', async () => {
            await registerClubs(ledger, HARBOUR);
            const error = await refusal(
                ledger.submit(admin(HARBOUR), (ctx) => clubs.register(ctx, JSON.stringify(clubRegistration(HARBOUR)))),
            );
            expect(error.message).to.match(/^ALREADY_EXISTS: club HarbourMSP/);
        });

        it('refuses a member prefix another club holds', async () => {
            await registerClubs(ledger, HARBOUR);
            const error = await refusal(
                ledger.submit(admin(ALPINE), (ctx) =>
                    clubs.register(ctx, JSON.stringify(clubRegistration(ALPINE, { memberPrefix: 'HAR' }))),
                ),
            );
            expect(error.message).to.equal('ALREADY_EXISTS: member prefix HAR belongs to HarbourMSP');
            expect(ledger.read('club', ALPINE)).to.equal(undefined);
        });

        const badInputs: [string, unknown][] = [
            ['not JSON', '{name:'],
            ['a missing name', { ...clubRegistration(HARBOUR), name: undefined }],
            ['an empty name', { ...clubRegistration(HARBOUR), name: '  ' }],
            ['a name over 200 characters', { ...clubRegistration(HARBOUR), name: 'x'.repeat(201) }],
            ['a lower-case country', { ...clubRegistration(HARBOUR), country: 'ch' }],
            ['an unknown facility', { ...clubRegistration(HARBOUR), facilities: ['CASINO'] }],
            ['no facilities', { ...clubRegistration(HARBOUR), facilities: [] }],
            ['a key that is not PEM', { ...clubRegistration(HARBOUR), passPublicKey: 'secret' }],
            ['a four-letter prefix', { ...clubRegistration(HARBOUR), memberPrefix: 'HARB' }],
            ['an unknown field', { ...clubRegistration(HARBOUR), owner: 'me' }],
            ['a number for the city', { ...clubRegistration(HARBOUR), city: 42 }],
        ];
        for (const [what, input] of badInputs) {
            it(`refuses ${what} before writing anything`, async () => {
                const json = typeof input === 'string' ? input : JSON.stringify(input);
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => clubs.register(ctx, json)));
                expect(error.message).to.match(/^INVALID_ARGUMENT: /);
                expect(ledger.state.size).to.equal(0);
            });
        }

        it('names the offending field', async () => {
            const input = JSON.stringify({ ...clubRegistration(HARBOUR), country: 'Switzerland' });
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => clubs.register(ctx, input)));
            expect(error.message).to.contain('registration.country');
        });

        it('uses up an admission even while admission is not required', async () => {
            ledger.write({ proposalId: 'p' }, 'admission', HARBOUR);
            await registerClubs(ledger, HARBOUR);
            expect(ledger.read('admission', HARBOUR)).to.equal(undefined);
        });

        describe('once the consortium requires admission', () => {
            beforeEach(() => {
                ledger.write({ ...defaultConsortiumRules, admissionRequired: true }, 'rules');
            });

            it('refuses a club that was not admitted', async () => {
                const error = await refusal(
                    ledger.submit(admin(HARBOUR), (ctx) => clubs.register(ctx, JSON.stringify(clubRegistration(HARBOUR)))),
                );
                expect(error.message).to.match(/^FORBIDDEN: club HarbourMSP has not been admitted/);
            });

            it('registers an admitted club and uses up its admission', async () => {
                ledger.write({ proposalId: 'p' }, 'admission', ALPINE);
                await registerClubs(ledger, ALPINE);
                expect(ledger.read('admission', ALPINE)).to.equal(undefined);
            });
        });
    });

    describe('updateProfile', () => {
        it('changes the profile of the submitting club only and keeps its status and prefix', async () => {
            await registerClubs(ledger, HARBOUR, ALPINE);
            const profile = { ...clubRegistration(HARBOUR), memberPrefix: undefined, city: 'Geneva' };
            const { event } = await ledger.submit(admin(HARBOUR), (ctx) => clubs.updateProfile(ctx, JSON.stringify(profile)));

            expect(ledger.read<Club>('club', HARBOUR)).to.include({ city: 'Geneva', memberPrefix: 'HAR', status: 'ACTIVE' });
            expect(ledger.read<Club>('club', ALPINE)?.city).to.equal('Zurich');
            expect(event?.name).to.equal('ClubUpdated');
        });

        it('refuses to change the member prefix', async () => {
            await registerClubs(ledger, HARBOUR);
            const error = await refusal(
                ledger.submit(admin(HARBOUR), (ctx) => clubs.updateProfile(ctx, JSON.stringify(clubRegistration(HARBOUR)))),
            );
            expect(error.message).to.match(/^INVALID_ARGUMENT: .*memberPrefix/);
        });

        it('refuses an unregistered club', async () => {
            const { memberPrefix: _prefix, ...profile } = clubRegistration(HARBOUR);
            const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => clubs.updateProfile(ctx, JSON.stringify(profile))));
            expect(error.message).to.equal('NOT_FOUND: club HarbourMSP does not exist');
        });
    });

    describe('reads', () => {
        it('lets any role read a club and the list of clubs', async () => {
            await registerClubs(ledger);
            const one = JSON.parse(await ledger.evaluate(auditor(ALPINE), (ctx) => clubs.get(ctx, HARBOUR))) as Club;
            const all = JSON.parse(await ledger.evaluate(auditor(ALPINE), (ctx) => clubs.list(ctx))) as Club[];
            expect(one.mspId).to.equal(HARBOUR);
            expect(all.map((club) => club.mspId)).to.deep.equal(['AlpineMSP', 'HarbourMSP', 'MetroMSP']);
        });

        it('needs a club role', async () => {
            await registerClubs(ledger);
            const error = await refusal(ledger.evaluate({ mspId: ALPINE }, (ctx) => clubs.get(ctx, HARBOUR)));
            expect(error.message).to.match(/^FORBIDDEN: /);
            expect((await refusal(ledger.evaluate({ mspId: ALPINE }, (ctx) => clubs.list(ctx)))).message).to.match(/^FORBIDDEN: /);
        });

        it('refuses a malformed MSP ID and reports an unknown club', async () => {
            expect((await refusal(ledger.evaluate(auditor(ALPINE), (ctx) => clubs.get(ctx, '../etc')))).message).to.match(
                /^INVALID_ARGUMENT: mspId/,
            );
            expect((await refusal(ledger.evaluate(auditor(ALPINE), (ctx) => clubs.get(ctx, 'NoSuchMSP')))).message).to.match(
                /^NOT_FOUND: /,
            );
        });
    });
});
