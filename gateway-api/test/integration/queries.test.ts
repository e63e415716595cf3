import type { Agreement } from '@reciprocal-clubs/chaincode/model';
import { agreementTerms } from '../../../chaincode/test/support/agreement-fixtures.js';
import { expect } from 'chai';
import pg from 'pg';
import { quoteIdentifier } from '../../../event-indexer/src/store/database.js';
import { postgresUrl } from '../../../event-indexer/test/support/database.js';
import type { TokenVerifier } from '../../src/auth/token-verifier.js';
import type { Caller } from '../../src/caller.js';
import { ApiError } from '../../src/errors.js';
import { ALPINE, CHANNEL, HARBOUR, METRO, type ReadModelFixture, readModelFixture } from '../support/read-model-fixture.js';
import { type ApiYoga, type GraphqlResponse, errorCodes, postGraphql, unreachableServices, testYoga } from '../support/tokens.js';

type Variables = Record<string, unknown>;
type Node = Record<string, unknown>;

interface Page {
    readonly edges: readonly { readonly cursor: string; readonly node: Node }[];
    readonly pageInfo: {
        readonly hasNextPage: boolean;
        readonly hasPreviousPage: boolean;
        readonly startCursor: string;
        readonly endCursor: string;
    };
}

describe('read-side queries over the read model', function () {
    this.timeout(60_000);
    let fixture: ReadModelFixture;
    let yoga: ApiYoga;
    let callers: Record<string, Caller>;

    before(async () => {
        fixture = await readModelFixture();
        const { members } = fixture.facts;
        const clubRole = (club: string, role: Caller['role']): Caller => ({ subject: `${role}@${club}`, club, role });
        callers = {
            harbourStaff: clubRole(HARBOUR, 'staff'),
            harbourAdmin: clubRole(HARBOUR, 'admin'),
            harbourAuditor: clubRole(HARBOUR, 'auditor'),
            alpineStaff: clubRole(ALPINE, 'staff'),
            alpineAdmin: clubRole(ALPINE, 'admin'),
            metroStaff: clubRole(METRO, 'staff'),
            traveller: { subject: 'ada', club: HARBOUR, role: 'member', memberNumber: members.traveller },
            alpineVisitor: { subject: 'carl', club: ALPINE, role: 'member', memberNumber: members.alpineVisitor },
            memberWithoutNumber: { subject: 'nobody', club: HARBOUR, role: 'member' },
        };
        const tokens: TokenVerifier = {
            verify: (token) => {
                const caller = callers[token];
                return caller === undefined ? Promise.reject(new ApiError('UNAUTHENTICATED', 'unknown test token')) : Promise.resolve(caller);
            },
        };
        yoga = testYoga(tokens, { services: { ...unreachableServices(), readModel: fixture.readModel, personalDataKeys: fixture.personalDataKeys } });
    });

    after(async () => {
        await fixture.close();
    });

    const ask = (token: string | undefined, query: string, variables: Variables = {}) =>
        postGraphql(yoga, query, { ...(token === undefined ? {} : { token }), variables: { channel: CHANNEL, ...variables } });

    /** The data of a response that must have no errors. */
    function dataOf(response: GraphqlResponse): Record<string, unknown> {
        expect(response.body.errors, JSON.stringify(response.body.errors)).to.equal(undefined);
        return response.body.data ?? {};
    }

    async function field(token: string, query: string, name: string, variables: Variables = {}): Promise<unknown> {
        return dataOf(await ask(token, query, variables))[name];
    }

    /** The one error code of a response, with no data for the refused field. */
    async function refusal(token: string | undefined, query: string, variables: Variables = {}): Promise<unknown> {
        const response = await ask(token, query, variables);
        expect(response.body.errors, JSON.stringify(response.body)).to.have.lengthOf(1);
        return errorCodes(response)[0];
    }

    /**
     * A connection query: `field(channel, <args>, first, after, last, before) { edges { cursor node { selection } } pageInfo }`;
     * `args` maps each argument to its GraphQL type and value.
     */
    function connectionQuery(name: string, args: Record<string, readonly [string, unknown]>, selection: string) {
        const declarations = Object.entries(args).map(([arg, [type]]) => `, $${arg}: ${type}`).join('');
        const uses = Object.keys(args).map((arg) => `, ${arg}: $${arg}`).join('');
        const values = Object.fromEntries(Object.entries(args).map(([arg, [, value]]) => [arg, value]));
        const query = `query($channel: String!, $first: Int, $after: String, $last: Int, $before: String${declarations}) {
            ${name}(channel: $channel, first: $first, after: $after, last: $last, before: $before${uses}) {
                edges { cursor node { ${selection} } }
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            }
        }`;
        return { query, values };
    }

    async function page(token: string, name: string, args: Record<string, readonly [string, unknown]>, selection: string, paging: Variables) {
        const { query, values } = connectionQuery(name, args, selection);
        return (await field(token, query, name, { ...values, ...paging })) as Page;
    }

    /** Every node of a listing, walked forward `size` at a time; checks each page's size and pageInfo. */
    async function walk(token: string, name: string, args: Record<string, readonly [string, unknown]>, selection: string, size = 2) {
        const nodes: Node[] = [];
        let after: string | undefined;
        for (;;) {
            const { edges, pageInfo } = await page(token, name, args, selection, { first: size, after });
            expect(pageInfo.hasPreviousPage).to.equal(after !== undefined);
            nodes.push(...edges.map((edge) => edge.node));
            if (!pageInfo.hasNextPage) {
                expect(edges.length).to.be.at.most(size);
                return nodes;
            }
            expect(edges).to.have.lengthOf(size);
            expect(pageInfo.endCursor).to.equal(edges.at(-1)?.cursor);
            after = pageInfo.endCursor;
        }
    }

    /** The nodes of one page of at most 100: the whole listing in the tests' small world. */
    async function all(token: string, name: string, args: Record<string, readonly [string, unknown]>, selection: string) {
        const { edges, pageInfo } = await page(token, name, args, selection, { first: 100 });
        expect(pageInfo.hasNextPage).to.equal(false);
        return edges.map((edge) => edge.node);
    }

    const ids = (nodes: readonly Node[], key: string) => nodes.map((node) => node[key]);

    describe('me', () => {
        const me = '{ me { subject club role memberNumber } }';

        it('names the caller, their club, role and member number', async () => {
            expect(await field('traveller', me, 'me')).to.deep.equal({
                subject: 'ada',
                club: HARBOUR,
                role: 'member',
                memberNumber: fixture.facts.members.traveller,
            });
            expect(await field('harbourAuditor', me, 'me')).to.deep.equal({
                subject: `auditor@${HARBOUR}`,
                club: HARBOUR,
                role: 'auditor',
                memberNumber: null,
            });
        });

        it('is refused without a token, and with a token that does not verify', async () => {
            expect(await refusal(undefined, me)).to.equal('UNAUTHENTICATED');
            expect(await refusal('forged', me)).to.equal('UNAUTHENTICATED');
        });
    });

    describe('clubs', () => {
        const club = `query($channel: String!, $mspId: String!) {
            club(channel: $channel, mspId: $mspId) { mspId name city country timezone facilities memberPrefix status registered { club txId } }
        }`;

        it('lists the clubs on the channel by MSP ID, filtered by status', async () => {
            const statusArg = (status: string) => ({ status: ['ClubStatus', status] as const });
            expect(ids(await walk('harbourStaff', 'clubs', {}, 'mspId'), 'mspId')).to.deep.equal([ALPINE, HARBOUR, METRO]);
            expect(ids(await all('harbourStaff', 'clubs', statusArg('ACTIVE'), 'mspId'), 'mspId')).to.have.lengthOf(3);
            expect(await all('harbourStaff', 'clubs', statusArg('SUSPENDED'), 'mspId')).to.be.empty;
        });

        it('looks a club up by MSP ID, and finds none by an unknown one', async () => {
            expect(await field('harbourStaff', club, 'club', { mspId: ALPINE })).to.deep.include({
                mspId: ALPINE,
                name: 'Alpine Club',
                country: 'CH',
                memberPrefix: 'ALP',
                status: 'ACTIVE',
                facilities: ['DINING', 'ACCOMMODATION', 'FITNESS'],
            });
            expect(await field('harbourStaff', club, 'club', { mspId: 'NowhereMSP' })).to.equal(null);
        });

        it('refuses members, a malformed MSP ID and a malformed channel', async () => {
            expect(await refusal('traveller', club, { mspId: ALPINE })).to.equal('FORBIDDEN');
            expect(await refusal('harbourStaff', club, { mspId: 'not an msp' })).to.equal('BAD_USER_INPUT');
            expect(await refusal('harbourStaff', club, { mspId: ALPINE, channel: 'Atlantic Ocean' })).to.equal('BAD_USER_INPUT');
        });
    });

    describe('members', () => {
        const member = `query($channel: String!, $memberNumber: String!) {
            member(channel: $channel, memberNumber: $memberNumber) { memberNumber homeClub membershipType status validUntil personalDataHash }
        }`;
        const personalData = `query($channel: String!, $memberNumber: String!) {
            personalData(channel: $channel, memberNumber: $memberNumber) {
                givenName familyName dateOfBirth email phone address { line1 city postalCode country }
                emergencyContact { name phone relationship } notificationPreferences { email sms push }
            }
        }`;

        it('pages through the own club’s members only, forward and backward, without gaps or repeats', async () => {
            const { members } = fixture.facts;
            const expected = [members.traveller, members.vip, members.pending, members.student, members.erased];
            expect(ids(await walk('harbourStaff', 'members', {}, 'memberNumber'), 'memberNumber')).to.deep.equal(expected);

            const last = await page('harbourStaff', 'members', {}, 'memberNumber', { last: 2 });
            expect(ids(last.edges.map((edge) => edge.node), 'memberNumber')).to.deep.equal(expected.slice(3));
            expect(last.pageInfo).to.include({ hasPreviousPage: true, hasNextPage: false });
            const before = await page('harbourStaff', 'members', {}, 'memberNumber', { last: 2, before: last.pageInfo.startCursor });
            expect(ids(before.edges.map((edge) => edge.node), 'memberNumber')).to.deep.equal(expected.slice(1, 3));
            expect(before.pageInfo).to.include({ hasPreviousPage: true, hasNextPage: true });

            expect(ids(await walk('alpineStaff', 'members', {}, 'memberNumber'), 'memberNumber')).to.deep.equal([
                members.alpineVisitor,
                members.alpineStranger,
            ]);
        });

        it('filters members by status and by membership type', async () => {
            const { members } = fixture.facts;
            const filtered = async (status?: string, membershipType?: string) =>
                ids(
                    await all(
                        'harbourStaff',
                        'members',
                        {
                            ...(status ? { status: ['MemberStatus', status] as const } : {}),
                            ...(membershipType ? { membershipType: ['MembershipType', membershipType] as const } : {}),
                        },
                        'memberNumber',
                    ),
                    'memberNumber',
                );
            expect(await filtered('ACTIVE')).to.deep.equal([members.traveller, members.vip, members.student]);
            expect(await filtered('PENDING')).to.deep.equal([members.pending]);
            expect(await filtered('TERMINATED')).to.deep.equal([members.erased]);
            expect(await filtered(undefined, 'VIP')).to.deep.equal([members.vip]);
            expect(await filtered('ACTIVE', 'REGULAR')).to.deep.equal([members.traveller]);
            expect(await filtered('SUSPENDED')).to.be.empty;
        });

        it('shows a member of another club only once they visited the caller’s club', async () => {
            const { members } = fixture.facts;
            expect(await field('harbourStaff', member, 'member', { memberNumber: members.traveller })).to.deep.include({
                homeClub: HARBOUR,
                membershipType: 'REGULAR',
                status: 'ACTIVE',
                validUntil: '2027-12-31',
            });
            expect(await field('harbourStaff', member, 'member', { memberNumber: members.alpineVisitor })).to.deep.include({
                memberNumber: members.alpineVisitor,
                homeClub: ALPINE,
            });
            // Introduced to Harbour, barred by it, and checked in by a transaction that was invalidated: never a visit.
            expect(await field('harbourStaff', member, 'member', { memberNumber: members.alpineStranger })).to.equal(null);
            expect(await field('alpineStaff', member, 'member', { memberNumber: members.traveller })).to.deep.include({ homeClub: HARBOUR });
            expect(await field('alpineStaff', member, 'member', { memberNumber: members.student })).to.equal(null);
            expect(await field('harbourStaff', member, 'member', { memberNumber: 'HAR000099' })).to.equal(null);
        });

        it('lets a member read their own record and nobody else’s', async () => {
            const { members } = fixture.facts;
            expect(await field('traveller', member, 'member', { memberNumber: members.traveller })).to.deep.include({
                memberNumber: members.traveller,
            });
            expect(await refusal('traveller', member, { memberNumber: members.vip })).to.equal('FORBIDDEN');
            expect(await refusal('traveller', member, { memberNumber: members.alpineVisitor })).to.equal('FORBIDDEN');
            expect(await refusal('memberWithoutNumber', member, { memberNumber: members.traveller })).to.equal('FORBIDDEN');
            expect(await refusal('traveller', '{ members(channel: "atlantic") { edges { cursor } } }')).to.equal('FORBIDDEN');
        });

        it('refuses a malformed member number', async () => {
            expect(await refusal('harbourStaff', member, { memberNumber: 'har-1' })).to.equal('BAD_USER_INPUT');
        });

        it('shows personal data to the home club’s staff and admins, and null once erased', async () => {
            const { members } = fixture.facts;
            expect(await field('harbourStaff', personalData, 'personalData', { memberNumber: members.traveller })).to.deep.equal({
                givenName: 'Ada',
                familyName: 'Lovelace',
                dateOfBirth: '1985-12-10',
                email: 'ada.lovelace@example.org',
                phone: '+41791234567',
                address: { line1: 'Seestrasse 1', city: 'Zurich', postalCode: '8002', country: 'CH' },
                emergencyContact: { name: 'Charles Babbage', phone: '+41797654321', relationship: 'friend' },
                notificationPreferences: { email: true, sms: false, push: true },
            });
            expect(await field('harbourAdmin', personalData, 'personalData', { memberNumber: members.vip })).to.deep.include({
                givenName: 'Grace',
                familyName: 'Hopper',
            });
            expect(await field('harbourStaff', personalData, 'personalData', { memberNumber: members.erased })).to.equal(null);
            expect(await field('harbourStaff', personalData, 'personalData', { memberNumber: 'HAR000099' })).to.equal(null);
            expect(await field('alpineAdmin', personalData, 'personalData', { memberNumber: members.alpineVisitor })).to.deep.include({
                email: 'ada.lovelace@example.org',
            });
        });

        it('keeps another club’s personal records from the API’s database role by row-level security as well', async () => {
            const { members } = fixture.facts;
            const harbourSchema = fixture.schemas[HARBOUR]!;
            const superuser = new pg.Client({ connectionString: postgresUrl() });
            await superuser.connect();
            try {
                // Harbour's indexer never writes Alpine's records; put one there to show the database would not tell.
                await superuser.query(
                    `INSERT INTO ${quoteIdentifier(harbourSchema)}.member_personal_data
                        (channel, member_number, home_club, data, block_number, tx_index, tx_id)
                     VALUES ($1, $2, $3, '{}', 999, 0, 'planted')`,
                    [CHANNEL, members.alpineVisitor, ALPINE],
                );
                const visible = await fixture.readModel.query<{ member_number: string }>(
                    HARBOUR,
                    'SELECT member_number FROM member_personal_data ORDER BY member_number',
                );
                expect(visible.map((row) => row.member_number)).to.deep.equal([members.traveller, members.vip, members.pending, members.student]);
            } finally {
                await superuser.query(`DELETE FROM ${quoteIdentifier(harbourSchema)}.member_personal_data WHERE tx_id = 'planted'`);
                await superuser.end();
            }
        });

        it('refuses personal data to another club, to auditors and to members', async () => {
            const { members } = fixture.facts;
            expect(await refusal('harbourStaff', personalData, { memberNumber: members.alpineVisitor })).to.equal('FORBIDDEN');
            expect(await refusal('alpineStaff', personalData, { memberNumber: members.traveller })).to.equal('FORBIDDEN');
            expect(await refusal('harbourAuditor', personalData, { memberNumber: members.traveller })).to.equal('FORBIDDEN');
            expect(await refusal('traveller', personalData, { memberNumber: members.traveller })).to.equal('FORBIDDEN');
        });
    });

    describe('agreements and bars', () => {
        const agreement = `query($channel: String!, $agreementId: String!) {
            agreement(channel: $channel, agreementId: $agreementId) {
                agreementId proposer counterparty status version
                terms { validFrom validUntil visitsPerMemberPerMonth visitsPerMemberPerYear nightsPerStay guestsPerVisit allowedWeekdays
                        blackoutDates { from until reason } facilities eligibleMembershipTypes letterOfIntroductionRequired
                        feePerVisit { amountMinor currency } }
                pendingAmendment { proposedBy }
                created { club } updated { club }
            }
        }`;

        it('lists the agreements the caller’s club is party to, by partner and status', async () => {
            const { alpine, metro, alpineMetro } = fixture.facts.agreements;
            const listed = async (token: string, args: Record<string, readonly [string, unknown]> = {}) =>
                ids(await all(token, 'agreements', args, 'agreementId'), 'agreementId');
            const byId = (...agreements: { agreementId: string }[]) => agreements.map((a) => a.agreementId).sort();
            expect(await listed('harbourStaff')).to.deep.equal(byId(alpine, metro));
            expect(ids(await walk('harbourStaff', 'agreements', {}, 'agreementId', 1), 'agreementId')).to.deep.equal(byId(alpine, metro));
            expect(await listed('harbourStaff', { status: ['AgreementStatus', 'ACTIVE'] })).to.deep.equal([alpine.agreementId]);
            expect(await listed('harbourStaff', { status: ['AgreementStatus', 'SUSPENDED'] })).to.deep.equal([metro.agreementId]);
            expect(await listed('harbourStaff', { partner: ['String', METRO] })).to.deep.equal([metro.agreementId]);
            expect(await listed('metroStaff')).to.deep.equal(byId(metro, alpineMetro));
            expect(await listed('metroStaff', { partner: ['String', ALPINE], status: ['AgreementStatus', 'ACTIVE'] })).to.deep.equal([
                alpineMetro.agreementId,
            ]);
        });

        it('looks up an agreement of the caller’s club with its terms, and not another pair’s', async () => {
            const { alpine, alpineMetro } = fixture.facts.agreements;
            expect(await field('harbourAuditor', agreement, 'agreement', { agreementId: alpine.agreementId })).to.deep.equal({
                agreementId: alpine.agreementId,
                proposer: HARBOUR,
                counterparty: ALPINE,
                status: 'ACTIVE',
                version: alpine.version,
                // The fixture's Harbour–Alpine agreement runs on the default terms.
                terms: agreementTerms(),
                pendingAmendment: null,
                created: { club: HARBOUR },
                updated: { club: ALPINE },
            });
            expect(await field('harbourStaff', agreement, 'agreement', { agreementId: alpineMetro.agreementId })).to.equal(null);
            expect(await field('harbourStaff', agreement, 'agreement', { agreementId: '0'.repeat(64) })).to.equal(null);
            expect(await refusal('harbourStaff', agreement, { agreementId: 'not-an-id' })).to.equal('BAD_USER_INPUT');
            expect(await refusal('traveller', agreement, { agreementId: alpine.agreementId })).to.equal('FORBIDDEN');
        });

        it('lists the bars the caller’s club imposed and those on its members, filtered by member and lifting', async () => {
            const { traveller, alpineStranger } = fixture.facts.members;
            const selection = 'hostClub memberNumber homeClub reason lifted window { from until }';
            expect(await walk('harbourStaff', 'bars', {}, selection, 1)).to.deep.equal([
                {
                    hostClub: HARBOUR,
                    memberNumber: alpineStranger,
                    homeClub: ALPINE,
                    reason: 'Unpaid bar bill',
                    lifted: true,
                    window: { from: '2026-06-01', until: '2026-06-30' },
                },
                {
                    hostClub: METRO,
                    memberNumber: traveller,
                    homeClub: HARBOUR,
                    reason: 'Unpaid bar bill',
                    lifted: false,
                    window: { from: '2026-05-01', until: '2026-05-30' },
                },
            ]);
            expect(ids(await all('harbourStaff', 'bars', { lifted: ['Boolean', false] }, 'memberNumber'), 'memberNumber')).to.deep.equal([
                traveller,
            ]);
            expect(ids(await all('harbourStaff', 'bars', { memberNumber: ['String', alpineStranger] }, 'hostClub'), 'hostClub')).to.deep.equal([
                HARBOUR,
            ]);
            expect(await all('alpineStaff', 'bars', { lifted: ['Boolean', false] }, 'memberNumber')).to.be.empty;
        });
    });

    describe('expected introductions', () => {
        const expectedOn = async (token: string, date: string) =>
            ids(await all(token, 'expectedIntroductions', { date: ['Date!', date] }, 'introductionId'), 'introductionId');

        it('lists the issued introductions to the caller’s club whose stay covers the date, by start of stay', async () => {
            const { visitorExpected, strangerExpected } = fixture.facts.introductions;
            expect(await expectedOn('harbourStaff', '2026-04-21')).to.deep.equal([strangerExpected, visitorExpected]);
            expect(await expectedOn('harbourStaff', '2026-04-19')).to.deep.equal([strangerExpected]);
            expect(await expectedOn('harbourStaff', '2026-04-22')).to.deep.equal([visitorExpected]);
            const selection = 'memberNumber homeClub status stay { from until }';
            const [first] = await walk('harbourStaff', 'expectedIntroductions', { date: ['Date!', '2026-04-21'] }, selection, 1);
            expect(first).to.deep.equal({
                memberNumber: fixture.facts.members.alpineStranger,
                homeClub: ALPINE,
                status: 'ISSUED',
                stay: { from: '2026-04-19', until: '2026-04-21' },
            });
        });

        it('leaves out requested, used and other hosts’ introductions', async () => {
            expect(await expectedOn('harbourStaff', '2026-05-02')).to.be.empty;
            expect(await expectedOn('metroStaff', '2026-03-15')).to.be.empty;
            expect(await expectedOn('alpineStaff', '2026-04-21')).to.be.empty;
        });

        it('refuses a date that does not exist', async () => {
            const { query, values } = connectionQuery('expectedIntroductions', { date: ['Date!', '2026-02-30'] }, 'introductionId');
            expect(await refusal('harbourStaff', query, values)).to.equal('BAD_USER_INPUT');
        });
    });

    describe('visits', () => {
        const visit = `query($channel: String!, $visitId: String!) {
            visit(channel: $channel, visitId: $visitId) {
                visitId memberNumber homeClub hostClub agreementId agreementVersion visitDate facility guests nights introductionId
                fee { amountMinor currency } status closure checkedIn { club at } closed { club }
            }
        }`;
        type Filters = Record<string, readonly [string, unknown]>;
        const visitIds = async (token: string, filters: Filters = {}) => ids(await all(token, 'visits', filters, 'visitId'), 'visitId');

        it('pages through the visits the caller’s club hosted or its members made, by date, without gaps or repeats', async () => {
            const { visits } = fixture.facts;
            const harbours = [
                visits.travellerAtAlpine1,
                visits.visitorAtHarbour1,
                visits.travellerAtAlpine2,
                visits.travellerAtMetro,
                visits.vipAtAlpine,
                visits.travellerCancelled,
                visits.travellerAtAlpine3,
                visits.visitorAtHarbour2,
            ];
            const walked = await walk('harbourStaff', 'visits', {}, 'visitId visitDate', 3);
            expect(ids(walked, 'visitId')).to.deep.equal(harbours);
            expect(ids(walked, 'visitDate')).to.deep.equal([...ids(walked, 'visitDate')].sort());
            expect(await visitIds('metroStaff')).to.deep.equal([visits.travellerAtMetro, visits.strangerAtMetro]);
        });

        it('reads each visit of a page as the visit itself reads, whichever fields and fragments ask for it', async () => {
            const whole = `visitId memberNumber homeClub hostClub agreementId agreementVersion visitDate facility guests nights introductionId
                fee { amountMinor currency } status closure checkedIn { by club at txId } closed { by club at txId }`;
            const page = (selection: string, fragments = '') => `query($channel: String!) {
                visits(channel: $channel, first: 20) { edges { node { ${selection} } } }
            } ${fragments}`;
            const nodes = async (query: string) => ((await field('harbourStaff', query, 'visits')) as { edges: { node: Record<string, unknown> }[] }).edges.map((edge) => edge.node);
            const documents = await Promise.all(
                (await nodes(page('visitId'))).map(async ({ visitId }) => field('harbourStaff', `query($channel: String!, $visitId: String!) { visit(channel: $channel, visitId: $visitId) { ${whole} } }`, 'visit', { visitId })),
            );
            expect(documents).to.have.lengthOf(8);
            expect(await nodes(page('...Whole', `fragment Whole on Visit { ${whole} }`))).to.deep.equal(documents);
            const some = await nodes(page('__typename status ... on Visit { fee { currency } visitDate } ...Stamp', 'fragment Stamp on Visit { closed { club } }'));
            expect(some).to.deep.equal(
                documents.map((visit) => {
                    const { status, fee, visitDate, closed } = visit as { status: string; fee: { currency: string }; visitDate: string; closed: { club: string } | null };
                    return { __typename: 'Visit', status, fee: { currency: fee.currency }, visitDate, closed: closed === null ? null : { club: closed.club } };
                }),
            );
        });

        it('filters by member, host, home club, date range and status', async () => {
            const { visits, members } = fixture.facts;
            expect(await visitIds('harbourStaff', { memberNumber: ['String', members.traveller] })).to.deep.equal([
                visits.travellerAtAlpine1,
                visits.travellerAtAlpine2,
                visits.travellerAtMetro,
                visits.travellerCancelled,
                visits.travellerAtAlpine3,
            ]);
            expect(await visitIds('harbourStaff', { hostClub: ['String', METRO] })).to.deep.equal([visits.travellerAtMetro]);
            expect(await visitIds('harbourStaff', { homeClub: ['String', ALPINE] })).to.deep.equal([
                visits.visitorAtHarbour1,
                visits.visitorAtHarbour2,
            ]);
            expect(await visitIds('harbourStaff', { from: ['Date', '2026-03-15'], until: ['Date', '2026-04-02'] })).to.deep.equal([
                visits.travellerAtMetro,
                visits.vipAtAlpine,
                visits.travellerCancelled,
                visits.travellerAtAlpine3,
            ]);
            expect(await visitIds('harbourStaff', { from: ['Date', '2026-04-03'] })).to.deep.equal([visits.visitorAtHarbour2]);
            expect(await visitIds('harbourStaff', { until: ['Date', '2026-03-10'] })).to.deep.equal([visits.travellerAtAlpine1]);
            expect(await visitIds('harbourStaff', { status: ['VisitStatus', 'CANCELLED'] })).to.deep.equal([visits.travellerCancelled]);
            expect(await visitIds('harbourStaff', { status: ['VisitStatus', 'CHECKED_IN'] })).to.deep.equal([visits.visitorAtHarbour2]);
            expect(
                await visitIds('harbourStaff', {
                    hostClub: ['String', ALPINE],
                    status: ['VisitStatus', 'CHECKED_OUT'],
                    from: ['Date', '2026-03-11'],
                }),
            ).to.deep.equal([visits.travellerAtAlpine2, visits.vipAtAlpine, visits.travellerAtAlpine3]);
            expect(await visitIds('harbourStaff', { hostClub: ['String', METRO], homeClub: ['String', ALPINE] })).to.be.empty;
        });

        it('shows a member their own visits only', async () => {
            const { visits, members } = fixture.facts;
            expect(await visitIds('alpineVisitor')).to.deep.equal([visits.visitorAtHarbour1, visits.visitorAtHarbour2]);
            expect(await visitIds('traveller', { hostClub: ['String', METRO] })).to.deep.equal([visits.travellerAtMetro]);
            expect(await visitIds('traveller', { memberNumber: ['String', members.traveller] })).to.have.lengthOf(5);
            const { query, values } = connectionQuery('visits', { memberNumber: ['String', members.vip] }, 'visitId');
            expect(await refusal('traveller', query, values)).to.equal('FORBIDDEN');
        });

        it('looks up a visit the caller may see, with its fee and introduction', async () => {
            const { visits, agreements, introductions, members } = fixture.facts;
            expect(await field('harbourStaff', visit, 'visit', { visitId: visits.travellerAtMetro })).to.deep.equal({
                visitId: visits.travellerAtMetro,
                memberNumber: members.traveller,
                homeClub: HARBOUR,
                hostClub: METRO,
                agreementId: agreements.metro.agreementId,
                agreementVersion: agreements.metro.version,
                visitDate: '2026-03-15',
                facility: 'DINING',
                guests: 1,
                nights: 0,
                introductionId: introductions.toMetro,
                fee: { amountMinor: 4000, currency: 'CHF' },
                status: 'CHECKED_OUT',
                closure: 'CHECKED_OUT_BY_HOST',
                checkedIn: { club: METRO, at: '2026-03-15T10:00:00.000Z' },
                closed: { club: METRO },
            });
            expect(await field('harbourStaff', visit, 'visit', { visitId: visits.travellerCancelled })).to.deep.include({
                status: 'CANCELLED',
                fee: { amountMinor: 0, currency: 'EUR' },
            });
            expect(await field('traveller', visit, 'visit', { visitId: visits.travellerAtAlpine1 })).to.deep.include({
                closure: 'CLOSED_BY_NEXT_CHECK_IN',
            });
        });

        it('finds no visit between other clubs, none from an invalidated transaction, and refuses a member another’s', async () => {
            const { visits, invalidCheckIn } = fixture.facts;
            expect(await field('harbourStaff', visit, 'visit', { visitId: visits.strangerAtMetro })).to.equal(null);
            expect(await field('harbourStaff', visit, 'visit', { visitId: invalidCheckIn })).to.equal(null);
            expect(await field('traveller', visit, 'visit', { visitId: '0'.repeat(64) })).to.equal(null);
            expect(await refusal('traveller', visit, { visitId: visits.vipAtAlpine })).to.equal('FORBIDDEN');
            expect(await refusal('traveller', visit, { visitId: visits.visitorAtHarbour1 })).to.equal('FORBIDDEN');
        });

        it('refuses bad input: reversed dates, malformed clubs and members, page sizes out of range, foreign cursors', async () => {
            const bad = async (args: Filters, paging: Variables = {}) => {
                const { query, values } = connectionQuery('visits', args, 'visitId');
                return refusal('harbourStaff', query, { ...values, ...paging });
            };
            expect(await bad({ from: ['Date', '2026-04-01'], until: ['Date', '2026-03-31'] })).to.equal('BAD_USER_INPUT');
            expect(await bad({ from: ['Date', '2026-13-01'] })).to.equal('BAD_USER_INPUT');
            expect(await bad({ hostClub: ['String', 'Alpine Club'] })).to.equal('BAD_USER_INPUT');
            expect(await bad({ memberNumber: ['String', '42'] })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { first: 101 })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { first: -1 })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { last: 1000 })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { after: 'not a cursor' })).to.equal('BAD_USER_INPUT');
            const forged = (content: unknown) => Buffer.from(JSON.stringify(content)).toString('base64url');
            expect(await bad({}, { after: forged(['visits', '2026-02-30', 'x']) })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { before: forged(['visits', '2026-03-10']) })).to.equal('BAD_USER_INPUT');
            expect(await bad({}, { after: forged({ visitDate: '2026-03-10' }) })).to.equal('BAD_USER_INPUT');
            const members = await page('harbourStaff', 'members', {}, 'memberNumber', { first: 1 });
            expect(await bad({}, { after: members.pageInfo.endCursor })).to.equal('BAD_USER_INPUT');
        });

        it('reads a member’s usage counters under the agreements of the caller’s club', async () => {
            const { agreements, members } = fixture.facts;
            const usage = async (token: string, memberNumber: string) =>
                all(token, 'visitUsage', { memberNumber: ['String!', memberNumber] }, 'agreementId period visits');
            const row = (agreement: { agreementId: string }, period: string, visits: number) => ({
                agreementId: agreement.agreementId,
                period,
                visits,
            });
            const harbourView = [
                row(agreements.alpine, '2026', 3),
                row(agreements.metro, '2026', 1),
                row(agreements.alpine, '2026-03', 2),
                row(agreements.metro, '2026-03', 1),
                row(agreements.alpine, '2026-04', 1),
            ].sort((a, b) => (a.period === b.period ? a.agreementId.localeCompare(b.agreementId) : a.period.localeCompare(b.period)));
            expect(await usage('harbourStaff', members.traveller)).to.deep.equal(harbourView);
            const ownNumber = { memberNumber: ['String!', members.traveller] as const };
            const ownUsage = await walk('traveller', 'visitUsage', ownNumber, 'agreementId period visits', 2);
            expect(ownUsage).to.deep.equal(harbourView);
            expect(await usage('alpineStaff', members.traveller)).to.deep.equal(
                harbourView.filter((usageRow) => usageRow.agreementId === agreements.alpine.agreementId),
            );
            expect(await usage('metroStaff', members.traveller)).to.deep.equal(
                harbourView.filter((usageRow) => usageRow.agreementId === agreements.metro.agreementId),
            );
            const { query, values } = connectionQuery('visitUsage', { memberNumber: ['String!', members.vip] }, 'period');
            expect(await refusal('traveller', query, values)).to.equal('FORBIDDEN');
        });
    });

    describe('governance', () => {
        const proposal = `query($channel: String!, $proposalId: String!) {
            proposal(channel: $channel, proposalId: $proposalId) {
                proposalId type title proposer status passRule quorumPercent eligibleVoters targetClub
                rules { quorumPercent admissionRequired passRules { admitClub suspendClub amendRules general } }
                tally { yes no abstain eligible quorumReached passed }
                votes { club choice cast { club } }
                closed { club }
            }
        }`;
        const rules = `query($channel: String!) {
            consortiumRules(channel: $channel) { quorumPercent minVotingHours maxVotingHours admissionRequired
                passRules { admitClub suspendClub amendRules general } }
        }`;

        it('lists the open proposals, soonest deadline first, with the votes cast so far', async () => {
            const { open, sooner } = fixture.facts.proposals;
            const listed = await walk('alpineStaff', 'openProposals', {}, 'proposalId proposer status votingDeadline votes { club choice }', 1);
            expect(listed).to.deep.equal([
                { proposalId: sooner.proposalId, proposer: ALPINE, status: 'OPEN', votingDeadline: sooner.votingDeadline, votes: [] },
                {
                    proposalId: open.proposalId,
                    proposer: HARBOUR,
                    status: 'OPEN',
                    votingDeadline: open.votingDeadline,
                    votes: [
                        { club: ALPINE, choice: 'NO' },
                        { club: METRO, choice: 'YES' },
                    ],
                },
            ]);
        });

        it('looks up a closed proposal with its tally and the rules it put in force', async () => {
            const { amendment } = fixture.facts.proposals;
            const stricter = {
                quorumPercent: 75,
                admissionRequired: true,
                passRules: { admitClub: 'THREE_QUARTERS', suspendClub: 'UNANIMOUS', amendRules: 'THREE_QUARTERS', general: 'TWO_THIRDS' },
            };
            expect(await field('metroStaff', proposal, 'proposal', { proposalId: amendment.proposalId })).to.deep.equal({
                proposalId: amendment.proposalId,
                type: 'AMEND_RULES',
                title: amendment.title,
                proposer: HARBOUR,
                status: 'PASSED',
                passRule: amendment.passRule,
                quorumPercent: amendment.quorumPercent,
                eligibleVoters: [...amendment.eligibleVoters],
                targetClub: null,
                rules: stricter,
                tally: { yes: 3, no: 0, abstain: 0, eligible: 3, quorumReached: true, passed: true },
                votes: [ALPINE, HARBOUR, METRO].map((club) => ({ club, choice: 'YES', cast: { club } })),
                closed: { club: HARBOUR },
            });
            expect(await field('metroStaff', proposal, 'proposal', { proposalId: '0'.repeat(64) })).to.equal(null);
            expect(await field('harbourAuditor', rules, 'consortiumRules')).to.deep.equal({
                ...stricter,
                minVotingHours: 24,
                maxVotingHours: 336,
            });
        });

        it('has no rules for a channel without clubs, and refuses members', async () => {
            expect(await field('harbourStaff', rules, 'consortiumRules', { channel: 'alps' })).to.equal(null);
            expect(await refusal('traveller', rules)).to.equal('FORBIDDEN');
            expect(await refusal('traveller', '{ openProposals(channel: "atlantic") { edges { cursor } } }')).to.equal('FORBIDDEN');
        });
    });

    describe('settlement and analytics', () => {
        const months = (fromMonth: string, untilMonth: string) => ({
            fromMonth: ['String!', fromMonth] as const,
            untilMonth: ['String!', untilMonth] as const,
        });
        const settlementFields = 'month homeClub hostClub currency visits amountMinor direction counterpart';
        type Clubs = readonly [string, string];
        const line = (month: string, [homeClub, hostClub]: Clubs, currency: string, visits: number, amountMinor: string, direction: string) => ({
            month,
            homeClub,
            hostClub,
            currency,
            visits,
            amountMinor,
            direction,
            counterpart: direction === 'PAYABLE' ? hostClub : homeClub,
        });

        it('settles the fees the caller’s club owes and is owed, per month, counterpart and currency', async () => {
            const harbour = [
                line('2026-03', [ALPINE, HARBOUR], 'EUR', 1, '2500', 'RECEIVABLE'),
                line('2026-03', [HARBOUR, ALPINE], 'EUR', 3, '7500', 'PAYABLE'),
                line('2026-03', [HARBOUR, METRO], 'CHF', 1, '4000', 'PAYABLE'),
                line('2026-04', [ALPINE, HARBOUR], 'EUR', 1, '2500', 'RECEIVABLE'),
                line('2026-04', [HARBOUR, ALPINE], 'EUR', 1, '2500', 'PAYABLE'),
            ];
            expect(await walk('harbourAdmin', 'settlement', months('2026-03', '2026-04'), settlementFields, 2)).to.deep.equal(harbour);
            expect(await all('harbourAuditor', 'settlement', months('2026-01', '2026-12'), settlementFields)).to.deep.equal(harbour);
            expect(await all('harbourAdmin', 'settlement', months('2026-04', '2026-04'), settlementFields)).to.deep.equal(harbour.slice(3));
            const withMetro = { ...months('2026-03', '2026-04'), counterpart: ['String', METRO] as const };
            expect(await all('harbourAdmin', 'settlement', withMetro, settlementFields)).to.deep.equal([harbour[2]]);
            expect(await all('harbourAdmin', 'settlement', months('2026-05', '2026-12'), settlementFields)).to.be.empty;
        });

        it('shows each side of the same fees from the other club', async () => {
            expect(await all('alpineAdmin', 'settlement', months('2026-03', '2026-03'), settlementFields)).to.deep.equal([
                line('2026-03', [ALPINE, HARBOUR], 'EUR', 1, '2500', 'PAYABLE'),
                line('2026-03', [ALPINE, METRO], 'EUR', 1, '2500', 'PAYABLE'),
                line('2026-03', [HARBOUR, ALPINE], 'EUR', 3, '7500', 'RECEIVABLE'),
            ]);
        });

        it('counts the caller’s club’s visits per month, as host and as home club', async () => {
            const selection = 'month side visits cancelledVisits visitingMembers guests';
            const row = (month: string, side: string, visits: number, cancelledVisits: number, visitingMembers: number) => ({
                month,
                side,
                visits,
                cancelledVisits,
                visitingMembers,
                guests: visits,
            });
            expect(await walk('harbourAuditor', 'visitsByMonth', months('2026-03', '2026-04'), selection, 3)).to.deep.equal([
                row('2026-03', 'HOME', 4, 1, 2),
                row('2026-03', 'HOST', 1, 0, 1),
                row('2026-04', 'HOME', 1, 0, 1),
                row('2026-04', 'HOST', 1, 0, 1),
            ]);
            const hosted = await all('harbourAdmin', 'visitsByMonth', { ...months('2026-03', '2026-04'), side: ['VisitSide', 'HOST'] }, 'side month');
            expect(hosted).to.deep.equal([
                { side: 'HOST', month: '2026-03' },
                { side: 'HOST', month: '2026-04' },
            ]);
        });

        it('shows how much of each agreement the partners used per month, and who reached the limit', async () => {
            const { alpine, metro } = fixture.facts.agreements;
            const selection = 'agreementId homeClub hostClub month visits visitingMembers membersAtLimit monthlyLimit';
            const row = (agreement: Agreement, [homeClub, hostClub]: Clubs, month: string, visits: number, members: number, atLimit: number) => ({
                agreementId: agreement.agreementId,
                homeClub,
                hostClub,
                month,
                visits,
                visitingMembers: members,
                membersAtLimit: atLimit,
                monthlyLimit: agreement.terms.visitsPerMemberPerMonth,
            });
            const expected = [
                row(alpine, [ALPINE, HARBOUR], '2026-03', 1, 1, 0),
                row(alpine, [HARBOUR, ALPINE], '2026-03', 3, 2, 0),
                row(metro, [HARBOUR, METRO], '2026-03', 1, 1, 1),
                row(alpine, [ALPINE, HARBOUR], '2026-04', 1, 1, 0),
                row(alpine, [HARBOUR, ALPINE], '2026-04', 1, 1, 0),
            ].sort((a, b) => `${a.month} ${a.agreementId} ${a.homeClub}`.localeCompare(`${b.month} ${b.agreementId} ${b.homeClub}`));
            expect(await walk('harbourAdmin', 'partnerUsage', months('2026-03', '2026-04'), selection, 2)).to.deep.equal(expected);
            const withMetro = { ...months('2026-03', '2026-04'), partner: ['String', METRO] as const };
            expect(await all('harbourAdmin', 'partnerUsage', withMetro, selection)).to.deep.equal([
                row(metro, [HARBOUR, METRO], '2026-03', 1, 1, 1),
            ]);
        });

        it('is for admins and auditors only', async () => {
            for (const [name, selection] of [
                ['settlement', 'month'],
                ['visitsByMonth', 'month'],
                ['partnerUsage', 'month'],
            ] as const) {
                const { query, values } = connectionQuery(name, months('2026-03', '2026-04'), selection);
                expect(await refusal('harbourStaff', query, values), name).to.equal('FORBIDDEN');
                expect(await refusal('traveller', query, values), name).to.equal('FORBIDDEN');
            }
        });

        it('refuses malformed and reversed month ranges', async () => {
            for (const [fromMonth, untilMonth] of [
                ['2026-04', '2026-03'],
                ['2026-13', '2026-12'],
                ['2026-3', '2026-04'],
                ['2026-03-01', '2026-04'],
            ] as const) {
                const { query, values } = connectionQuery('settlement', months(fromMonth, untilMonth), 'month');
                expect(await refusal('harbourAdmin', query, values), `${fromMonth}..${untilMonth}`).to.equal('BAD_USER_INPUT');
            }
        });
    });

    describe('transaction', () => {
        const transaction = `query($channel: String!, $txId: String!) {
            transaction(channel: $channel, txId: $txId) {
                txId channel blockNumber txIndex type creatorMsp createdAt validationCode isValid chaincode function eventName event
            }
        }`;

        it('shows an invalidated transaction with its validation code', async () => {
            const { invalidCheckIn, members } = fixture.facts;
            const found = (await field('harbourAuditor', transaction, 'transaction', { txId: invalidCheckIn })) as Record<string, unknown>;
            expect(found).to.deep.include({
                txId: invalidCheckIn,
                channel: CHANNEL,
                type: 'ENDORSER_TRANSACTION',
                creatorMsp: HARBOUR,
                createdAt: '2026-04-10T10:00:00.000Z',
                validationCode: 'MVCC_READ_CONFLICT',
                isValid: false,
                chaincode: 'reciprocal',
                function: 'Visit:checkIn',
                eventName: 'VisitCheckedIn',
            });
            expect(found.event).to.deep.include({ txId: invalidCheckIn, name: 'VisitCheckedIn' });
            expect(JSON.stringify(found.event)).to.contain(members.alpineStranger);
        });

        it('shows a valid transaction at its place in the chain', async () => {
            const { visits, txIds } = fixture.facts;
            const position = txIds.indexOf(visits.travellerAtMetro);
            expect(await field('harbourAdmin', transaction, 'transaction', { txId: visits.travellerAtMetro })).to.deep.include({
                blockNumber: String(1 + Math.floor(position / 3)),
                txIndex: position % 3,
                creatorMsp: METRO,
                createdAt: '2026-03-15T10:00:00.000Z',
                validationCode: 'VALID',
                isValid: true,
                function: 'Visit:checkIn',
            });
        });

        it('finds none by an unknown ID, refuses a malformed one, and is for admins and auditors only', async () => {
            expect(await field('harbourAuditor', transaction, 'transaction', { txId: 'f'.repeat(64) })).to.equal(null);
            expect(await refusal('harbourAuditor', transaction, { txId: 'tx-1' })).to.equal('BAD_USER_INPUT');
            expect(await refusal('harbourStaff', transaction, { txId: fixture.facts.invalidCheckIn })).to.equal('FORBIDDEN');
            expect(await refusal('traveller', transaction, { txId: fixture.facts.invalidCheckIn })).to.equal('FORBIDDEN');
        });
    });
});
