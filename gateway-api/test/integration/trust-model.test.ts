import { CommitError, type Contract } from '@hyperledger/fabric-gateway';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { LiveNetwork } from '../support/live-network.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';
const CHANNEL = 'atlantic';
const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

/**
 * State-based endorsement on the real peers: a club (or two) submitting with endorsements that leave an
 * owner out gets its transaction invalidated by every peer's validator, and nothing changes. The setup
 * goes through the API, which names the right endorsers, so it doubles as proof that those succeed.
 */
describe('the trust model on the real peers: key-level policies', function () {
    this.timeout(180_000);
    let live: LiveNetwork;
    let harbourMember: string;
    let unvisitedMember: string;
    let alpineMember: string;
    let agreementId: string;
    const contracts: Record<string, Contract> = {};

    /** Submits with exactly these endorsers; the commit must fail as ENDORSEMENT_POLICY_FAILURE, changing nothing. */
    async function expectInvalidated(submitter: string, endorsers: string[], name: string, args: string[], key: () => Promise<string>): Promise<void> {
        const before = await key();
        const failure = await contracts[submitter]?.submit(name, { arguments: args, endorsingOrganizations: endorsers }).catch((error: unknown) => error);
        expect(failure, `${name} endorsed by ${endorsers.join(', ')}`).to.be.instanceOf(CommitError);
        expect((failure as CommitError).code).to.equal(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
        expect(await key()).to.equal(before);
    }

    before(async () => {
        live = await LiveNetwork.open();
        const token = (club: string, role: 'admin' | 'staff') => live.token({ sub: `trust-${role}`, club, role });
        for (const club of [HARBOUR, ALPINE, METRO]) {
            contracts[club] = (await live.gateway(club)).as(club === ALPINE ? 'staff' : 'admin').getNetwork(CHANNEL).getContract('reciprocal');
        }
        const enrol = (club: string): Promise<string> => live.enrolMember(club, CHANNEL);
        harbourMember = await enrol(HARBOUR);
        unvisitedMember = await enrol(HARBOUR);
        alpineMember = await enrol(ALPINE);
        // The demo data's active agreement between Harbour and Alpine; one visit through the API creates the
        // member's usage counters, which from then on need both parties.
        const { agreements } = await live.data<{ agreements: { edges: { node: { agreementId: string; status: string } }[] } }>(
            await token(HARBOUR, 'admin'),
            `query($channel: String!) { agreements(channel: $channel, partner: "${ALPINE}") { edges { node { agreementId status } } } }`,
            { channel: CHANNEL },
        );
        agreementId = agreements.edges.map((edge) => edge.node).find((node) => node.status === 'ACTIVE')?.agreementId ?? '';
        expect(agreementId, 'an active Harbour–Alpine agreement (demo data)').not.to.equal('');
        const staff = await token(ALPINE, 'staff');
        const visit = await live.data<{ checkIn: { visit: { visitId: string } } }>(
            staff,
            'mutation($channel: String!, $member: String!) { checkIn(channel: $channel, memberNumber: $member, input: { facility: DINING, guests: 0, nights: 0 }) { visit { visitId } } }',
            { channel: CHANNEL, member: harbourMember },
        );
        await live.data(staff, 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }', { channel: CHANNEL, id: visit.checkIn.visit.visitId });
    });
    after(() => live.close());

    const onPeer = (name: string, ...args: string[]) => async (): Promise<string> => utf8((await contracts[METRO]?.evaluateTransaction(name, ...args)) ?? new Uint8Array());

    it('an active agreement changed by a majority that leaves one party out (Harbour and Metro suspend Harbour–Alpine)', async () => {
        await expectInvalidated(HARBOUR, [HARBOUR, METRO], 'Agreement:suspend', [agreementId], onPeer('Agreement:get', agreementId));
    });

    it('a member record changed without its home club (Alpine’s member suspended on Harbour’s and Metro’s endorsement)', async () => {
        const alpineAdmin = (await live.gateway(ALPINE)).as('admin').getNetwork(CHANNEL).getContract('reciprocal');
        contracts.alpineAdmin = alpineAdmin;
        await expectInvalidated('alpineAdmin', [HARBOUR, METRO], 'Member:suspend', [alpineMember], onPeer('Member:get', alpineMember));
    });

    it('usage counters changed without both parties (a second check-in endorsed by the host and the third club)', async () => {
        const request = JSON.stringify({ memberNumber: harbourMember, facility: 'DINING', guests: 0, nights: 0 });
        await expectInvalidated(ALPINE, [ALPINE, METRO], 'Visit:checkIn', [request], onPeer('Visit:ofMember', harbourMember, '10', ''));
    });

    it('a member’s first check-in, whose visit and usage keys are new, endorsed by the host and the third club', async () => {
        const request = JSON.stringify({ memberNumber: unvisitedMember, facility: 'DINING', guests: 0, nights: 0 });
        await expectInvalidated(ALPINE, [ALPINE, METRO], 'Visit:checkIn', [request], onPeer('Visit:ofMember', unvisitedMember, '10', ''));
    });

    it('a check-in endorsed by the host alone', async () => {
        const request = JSON.stringify({ memberNumber: harbourMember, facility: 'SPA', guests: 0, nights: 0 });
        await expectInvalidated(ALPINE, [ALPINE], 'Visit:checkIn', [request], onPeer('Visit:ofMember', harbourMember, '10', ''));
    });

    it('the endorsers the chaincode names for a check-in succeed', async () => {
        // The host asks: the chaincode names the clubs a check-in at the caller's club needs.
        const endorsers = JSON.parse(utf8((await contracts[ALPINE]?.evaluateTransaction('Visit:endorsersForCheckIn', harbourMember)) ?? new Uint8Array())) as string[];
        expect(endorsers).to.include.members([HARBOUR, ALPINE]);
        const request = JSON.stringify({ memberNumber: harbourMember, facility: 'FITNESS', guests: 0, nights: 0 });
        const result = await contracts[ALPINE]?.submit('Visit:checkIn', { arguments: [request], endorsingOrganizations: endorsers });
        expect(JSON.parse(utf8(result ?? new Uint8Array()))).to.deep.include({ memberNumber: harbourMember, hostClub: ALPINE, status: 'CHECKED_IN' });
    });
});
