import { expect } from 'chai';
import { AuditContract } from '../../src/audit/audit-contract';
import { ClubContract } from '../../src/clubs/club-contract';
import type { KeyRevision } from '../../src/ledger/state';
import type { Club } from '../../src/model/club';
import type { Member } from '../../src/model/member';
import { ALPINE, HARBOUR, admin, auditor, clubRegistration, registerClubs } from '../support/fixtures';
import { FakeLedger, refusal } from '../support/ledger';

describe('AuditContract', () => {
    const audit = new AuditContract();
    const clubs = new ClubContract();
    let ledger: FakeLedger;

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger, HARBOUR, ALPINE);
    });

    const history = <T>(entity: string, id: string) =>
        ledger.evaluate(auditor(ALPINE), async (ctx) => JSON.parse(await audit.history(ctx, entity, id)) as KeyRevision<T>[]);

    it('returns every revision of a club, oldest first, with its transaction and time', async () => {
        const later = new Date('2026-04-01T08:00:00.000Z');
        const { txId } = await ledger.submit({ ...admin(HARBOUR), at: later }, (ctx) =>
            clubs.updateProfile(ctx, JSON.stringify({ ...clubRegistration(HARBOUR), memberPrefix: undefined, city: 'Geneva' })),
        );

        const revisions = await history<Club>('club', HARBOUR);
        expect(revisions.map((revision) => revision.value?.city)).to.deep.equal(['Zurich', 'Geneva']);
        expect(revisions[1]).to.include({ txId, timestamp: later.toISOString(), isDelete: false });
    });

    it('finds a member by number through its club prefix', async () => {
        const member = { memberNumber: 'HAR000001', homeClub: HARBOUR, status: 'ACTIVE' } as Member;
        ledger.write(member, 'member', HARBOUR, 'HAR000001');
        const { ctx, commit } = ledger.context(admin(HARBOUR));
        await ctx.state.put({ objectType: 'member', attributes: [HARBOUR, 'HAR000001'] }, { ...member, status: 'SUSPENDED' });
        commit();

        const revisions = await history<Member>('member', 'HAR000001');
        expect(revisions.map((revision) => revision.value?.status)).to.deep.equal(['SUSPENDED']);
    });

    it('takes multi-part IDs joined with /', async () => {
        const { ctx, commit } = ledger.context(admin(HARBOUR));
        await ctx.state.put({ objectType: 'vote', attributes: ['p1', HARBOUR] }, { choice: 'YES' });
        commit();
        expect(await history('vote', `p1/${HARBOUR}`)).to.have.length(1);
    });

    it('reports an entity without history as NOT_FOUND', async () => {
        const error = await refusal(history('agreement', 'f'.repeat(64)));
        expect(error.message).to.match(/^NOT_FOUND: agreement f+ has no history/);
    });

    const badRequests: [string, string, RegExp][] = [
        ['ledger', 'x', /^INVALID_ARGUMENT: entity/],
        ['vote', 'only-one-part', /^INVALID_ARGUMENT: id of a vote has 2 part/],
        ['club', 'Harbour MSP', /^INVALID_ARGUMENT: id part 1/],
        ['club', '', /^INVALID_ARGUMENT: id of a club has 1 part/],
        ['member', 'harbour', /^INVALID_ARGUMENT: memberNumber/],
    ];
    for (const [entity, id, expected] of badRequests) {
        it(`refuses entity "${entity}" with id "${id}"`, async () => {
            expect((await refusal(history(entity, id))).message).to.match(expected);
        });
    }

    it('needs a club role', async () => {
        const error = await refusal(ledger.evaluate({ mspId: ALPINE }, (ctx) => audit.history(ctx, 'club', HARBOUR)));
        expect(error.message).to.match(/^FORBIDDEN: /);
    });
});
