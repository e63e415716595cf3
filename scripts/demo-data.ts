// Loads the demo data of the local network through the GraphQL API (never by writing to PostgreSQL), then
// prints ready-to-paste tokens. Run by `./test-network.sh up`:
//   npx tsx scripts/demo-data.ts [--api http://127.0.0.1:17400/graphql]
// Each step is recorded in .network/demo-data.json once it committed, so a second run adds nothing twice.
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AgreementTerms } from '../chaincode/src/model/agreement.js';
import type { CallerClaims } from '../gateway-api/src/auth/claims.js';
import { LOCAL_ISSUER_DIRECTORY } from '../gateway-api/src/auth/issuer.js';
import { LocalIssuer } from '../gateway-api/src/auth/local-issuer.js';

const ROOT = join(__dirname, '..');
const STATE_FILE = join(ROOT, '.network/demo-data.json');
const PASS_KEYS_DIR = join(ROOT, '.network/passkeys');

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';

interface Club {
    readonly mspId: string;
    readonly key: string;
    readonly profile: { name: string; city: string; country: string; timezone: string; facilities: string[] };
    readonly memberPrefix: string;
}

const CLUBS: readonly Club[] = [
    { mspId: HARBOUR, key: 'harbour', memberPrefix: 'HAR', profile: { name: 'Harbour Club', city: 'Portsmouth', country: 'GB', timezone: 'Europe/London', facilities: ['DINING', 'BAR', 'ACCOMMODATION', 'SPA'] } },
    { mspId: ALPINE, key: 'alpine', memberPrefix: 'ALP', profile: { name: 'Alpine Club', city: 'Zermatt', country: 'CH', timezone: 'Europe/Zurich', facilities: ['DINING', 'ACCOMMODATION', 'FITNESS', 'SPA'] } },
    { mspId: METRO, key: 'metro', memberPrefix: 'MET', profile: { name: 'Metro Club', city: 'London', country: 'GB', timezone: 'Europe/London', facilities: ['DINING', 'BAR', 'FITNESS', 'LIBRARY', 'BUSINESS_CENTRE'] } },
];
const CHANNEL_CLUBS: Record<string, readonly string[]> = { atlantic: [HARBOUR, ALPINE, METRO], alps: [ALPINE, METRO] };

/** Two members of each club on atlantic (the first is the one whose token is printed), one more on alps. */
const PEOPLE: Record<string, { givenName: string; familyName: string; dateOfBirth: string; city: string }[]> = {
    [HARBOUR]: [
        { givenName: 'Hanna', familyName: 'Whitfield', dateOfBirth: '1979-04-12', city: 'Portsmouth' },
        { givenName: 'Oliver', familyName: 'Brennan', dateOfBirth: '1985-09-30', city: 'Southampton' },
    ],
    [ALPINE]: [
        { givenName: 'Anna', familyName: 'Zurbriggen', dateOfBirth: '1982-01-23', city: 'Zermatt' },
        { givenName: 'Luca', familyName: 'Imboden', dateOfBirth: '1990-06-05', city: 'Visp' },
        { givenName: 'Noemi', familyName: 'Perren', dateOfBirth: '1975-11-17', city: 'Brig' },
    ],
    [METRO]: [
        { givenName: 'Marcus', familyName: 'Adeyemi', dateOfBirth: '1988-03-08', city: 'London' },
        { givenName: 'Priya', familyName: 'Raman', dateOfBirth: '1993-12-02', city: 'London' },
        { givenName: 'Tom', familyName: 'Ellery', dateOfBirth: '1969-07-21', city: 'Richmond' },
    ],
};

function terms(overrides: Partial<AgreementTerms> = {}): AgreementTerms {
    const year = new Date().getUTCFullYear();
    return {
        validFrom: `${year}-01-01`,
        validUntil: `${year + 1}-12-31`,
        visitsPerMemberPerMonth: 4,
        visitsPerMemberPerYear: 30,
        nightsPerStay: 5,
        guestsPerVisit: 2,
        allowedWeekdays: ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'],
        // Half a year out: a fixed holiday would refuse the demo's own check-ins (and the tests') on those days.
        blackoutDates: [{ from: inDays(182), until: inDays(188), reason: 'Annual closure' }],
        facilities: ['DINING', 'ACCOMMODATION', 'FITNESS', 'BAR', 'SPA'],
        eligibleMembershipTypes: ['REGULAR', 'VIP', 'SENIOR'],
        letterOfIntroductionRequired: false,
        feePerVisit: { amountMinor: 3500, currency: 'EUR' },
        ...overrides,
    };
}

type Json = Record<string, unknown>;

class GraphqlClient {
    constructor(readonly url: string) {}

    async request<T>(token: string, query: string, variables: Json): Promise<T> {
        const response = await fetch(this.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
        if (body.errors !== undefined && body.errors.length > 0) {
            throw new Error(body.errors.map((error) => `${error.extensions?.code ?? 'ERROR'}: ${error.message}`).join('; '));
        }
        if (body.data === undefined) throw new Error(`no data from ${this.url} (HTTP ${response.status})`);
        return body.data;
    }
}

/** Steps already committed, by name, with what they returned. */
class DemoState {
    private constructor(private readonly steps: Record<string, Json>) {}

    static async load(): Promise<DemoState> {
        return new DemoState(existsSync(STATE_FILE) ? (JSON.parse(await readFile(STATE_FILE, 'utf8')) as Record<string, Json>) : {});
    }

    async once(name: string, step: () => Promise<Json>): Promise<Json> {
        const done = this.steps[name];
        if (done !== undefined) return done;
        const result = await step();
        this.steps[name] = result;
        await writeFile(STATE_FILE, `${JSON.stringify(this.steps, null, 2)}\n`);
        return result;
    }

    get added(): number {
        return Object.keys(this.steps).length;
    }

    /** A string a committed step returned. */
    text(name: string, field: string): string {
        const value = this.steps[name]?.[field];
        return typeof value === 'string' ? value : '';
    }
}

/** The club's visit-pass key: the API signs passes with the private half, the club publishes the public one. */
async function passPublicKey(mspId: string): Promise<string> {
    const file = join(PASS_KEYS_DIR, `${mspId}.pem`);
    if (!existsSync(file)) {
        await mkdir(PASS_KEYS_DIR, { recursive: true, mode: 0o700 });
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        await writeFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    }
    return createPublicKey(await readFile(file, 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
}

const today = (): string => new Date().toISOString().slice(0, 10);
const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function loadDemoData(api: GraphqlClient, tokens: Record<string, string>): Promise<DemoState> {
    const state = await DemoState.load();
    const as = (mspId: string, role: string): string => tokens[`${mspId}/${role}`] ?? '';

    for (const [channel, members] of Object.entries(CHANNEL_CLUBS)) {
        for (const mspId of members) {
            const club = CLUBS.find((c) => c.mspId === mspId);
            if (club === undefined) continue;
            await state.once(`${channel}/register/${mspId}`, async () =>
                api.request(as(mspId, 'admin'), 'mutation($channel: String!, $input: ClubRegistrationInput!) { registerClub(channel: $channel, input: $input) { transactionId } }', {
                    channel,
                    input: { memberPrefix: club.memberPrefix, profile: { ...club.profile, passPublicKey: await passPublicKey(mspId) } },
                }),
            );
        }
    }

    const agreement = async (channel: string, proposer: string, counterparty: string, accept: boolean, overrides: Partial<AgreementTerms> = {}): Promise<string> => {
        const proposed = await state.once(`${channel}/agreement/${proposer}-${counterparty}`, async () => {
            const data = await api.request<{ proposeAgreement: { agreement: { agreementId: string } } }>(
                as(proposer, 'admin'),
                'mutation($channel: String!, $counterparty: String!, $terms: AgreementTermsInput!) { proposeAgreement(channel: $channel, counterparty: $counterparty, terms: $terms) { agreement { agreementId } } }',
                { channel, counterparty, terms: terms(overrides) },
            );
            return { agreementId: data.proposeAgreement.agreement.agreementId };
        });
        const agreementId = String(proposed.agreementId);
        if (accept) {
            await state.once(`${channel}/agreement/${proposer}-${counterparty}/accept`, () =>
                api.request(as(counterparty, 'admin'), 'mutation($channel: String!, $id: String!) { changeAgreement(channel: $channel, agreementId: $id, change: ACCEPT) { transactionId } }', {
                    channel,
                    id: agreementId,
                }),
            );
        }
        return agreementId;
    };
    await agreement('atlantic', HARBOUR, ALPINE, true);
    await agreement('atlantic', ALPINE, METRO, true, { letterOfIntroductionRequired: true, feePerVisit: { amountMinor: 4000, currency: 'GBP' } });
    await agreement('atlantic', HARBOUR, METRO, false, { visitsPerMemberPerMonth: 2, feePerVisit: { amountMinor: 3000, currency: 'GBP' } });
    await agreement('alps', ALPINE, METRO, true, { feePerVisit: { amountMinor: 2000, currency: 'CHF' } });

    const memberNumbers: Record<string, string[]> = {};
    for (const { mspId } of CLUBS) {
        const people = PEOPLE[mspId] ?? [];
        for (const [n, person] of people.entries()) {
            const channel = n < 2 ? 'atlantic' : 'alps';
            const enrolled = await state.once(`${channel}/member/${mspId}/${n}`, async () => {
                const data = await api.request<{ enrolMember: { member: { memberNumber: string } } }>(
                    as(mspId, 'admin'),
                    'mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { member { memberNumber } } }',
                    {
                        channel,
                        input: {
                            membershipType: n === 0 ? 'VIP' : 'REGULAR',
                            validUntil: inDays(365),
                            personalData: {
                                givenName: person.givenName,
                                familyName: person.familyName,
                                dateOfBirth: person.dateOfBirth,
                                email: `${person.givenName}.${person.familyName}@example.org`.toLowerCase(),
                                phone: '+442079460000',
                                address: { line1: '1 Demo Street', city: person.city, postalCode: '0000', country: CLUBS.find((c) => c.mspId === mspId)?.profile.country ?? 'GB' },
                                notificationPreferences: { email: true, push: false, sms: false },
                            },
                        },
                    },
                );
                return { memberNumber: data.enrolMember.member.memberNumber };
            });
            (memberNumbers[mspId] ??= []).push(String(enrolled.memberNumber));
        }
    }
    const member = (mspId: string, n: number): string => memberNumbers[mspId]?.[n] ?? '';

    // Anna of Alpine asks for and gets a letter of introduction to Metro, which the agreement requires.
    const introduction = await state.once('atlantic/introduction/alpine-to-metro', async () => {
        const data = await api.request<{ requestIntroduction: { introduction: { introductionId: string } } }>(
            as(ALPINE, 'staff'),
            'mutation($channel: String!, $member: String!, $host: String!, $from: Date!, $until: Date!) { requestIntroduction(channel: $channel, memberNumber: $member, hostClub: $host, from: $from, until: $until, note: "Business trip to London") { introduction { introductionId } } }',
            { channel: 'atlantic', member: member(ALPINE, 0), host: METRO, from: today(), until: inDays(14) },
        );
        return { introductionId: data.requestIntroduction.introduction.introductionId };
    });
    await state.once('atlantic/introduction/alpine-to-metro/issue', () =>
        api.request(as(ALPINE, 'admin'), 'mutation($channel: String!, $id: String!) { changeIntroduction(channel: $channel, introductionId: $id, change: ISSUE) { transactionId } }', {
            channel: 'atlantic',
            id: introduction.introductionId,
        }),
    );

    const visit = async (channel: string, host: string, memberNumber: string, facility: string, introductionId?: string): Promise<void> => {
        const checkedIn = await state.once(`${channel}/visit/${memberNumber}@${host}`, async () => {
            const data = await api.request<{ checkIn: { visit: { visitId: string } } }>(
                as(host, 'staff'),
                'mutation($channel: String!, $member: String!, $input: CheckInInput!) { checkIn(channel: $channel, memberNumber: $member, input: $input) { visit { visitId } } }',
                { channel, member: memberNumber, input: { facility, guests: 1, nights: 0, ...(introductionId === undefined ? {} : { introductionId }) } },
            );
            return { visitId: data.checkIn.visit.visitId };
        });
        await state.once(`${channel}/visit/${memberNumber}@${host}/check-out`, () =>
            api.request(as(host, 'staff'), 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { transactionId } }', {
                channel,
                id: checkedIn.visitId,
            }),
        );
    };
    await visit('atlantic', ALPINE, member(HARBOUR, 0), 'DINING');
    await visit('atlantic', HARBOUR, member(ALPINE, 1), 'SPA');
    await visit('atlantic', METRO, member(ALPINE, 0), 'FITNESS', String(introduction.introductionId));
    await visit('alps', ALPINE, member(METRO, 2), 'ACCOMMODATION');

    await state.once('atlantic/bar/harbour-member-at-alpine', () =>
        api.request(as(ALPINE, 'admin'), 'mutation($channel: String!, $member: String!, $from: Date!, $until: Date!) { barMember(channel: $channel, memberNumber: $member, from: $from, until: $until, reason: "Unpaid bar account") { transactionId } }', {
            channel: 'atlantic',
            member: member(HARBOUR, 1),
            from: today(),
            until: inDays(90),
        }),
    );

    const proposal = await state.once('atlantic/proposal/opening-hours', async () => {
        const data = await api.request<{ openProposal: { proposal: { proposalId: string } } }>(
            as(HARBOUR, 'admin'),
            'mutation($channel: String!, $input: ProposalInput!) { openProposal(channel: $channel, input: $input) { proposal { proposalId } } }',
            {
                channel: 'atlantic',
                input: { type: 'GENERAL', title: 'Common guest hours', description: 'Reciprocal guests are welcome from 07:00 to 23:00 at every club.', votingDeadline: new Date(Date.now() + 14 * 86_400_000).toISOString() },
            },
        );
        return { proposalId: data.openProposal.proposal.proposalId };
    });
    for (const [mspId, choice] of [[HARBOUR, 'YES'], [ALPINE, 'YES'], [METRO, 'ABSTAIN']] as const) {
        await state.once(`atlantic/proposal/opening-hours/vote/${mspId}`, () =>
            api.request(as(mspId, 'admin'), 'mutation($channel: String!, $id: String!, $choice: VoteChoice!) { castVote(channel: $channel, proposalId: $id, choice: $choice) { transactionId } }', {
                channel: 'atlantic',
                id: proposal.proposalId,
                choice,
            }),
        );
    }
    return state;
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { api: { type: 'string', default: 'http://127.0.0.1:17400/graphql' } }, strict: true });
    const api = new GraphqlClient(values.api);
    const issuer = await LocalIssuer.open(join(ROOT, LOCAL_ISSUER_DIRECTORY));
    const tokens: Record<string, string> = {};
    const issue = async (claims: CallerClaims): Promise<string> => issuer.issue(claims, '12h');
    for (const { mspId, key } of CLUBS) {
        for (const role of ['admin', 'staff', 'auditor'] as const) {
            tokens[`${mspId}/${role}`] = await issue({ sub: `${role}@${key}`, club: mspId, role });
        }
    }
    const state = await loadDemoData(api, tokens);
    console.log(`demo data: ${state.added} steps on the ledger (recorded in ${STATE_FILE})`);
    console.log(`\nGraphiQL: ${values.api}\nTokens (12 h), as the Authorization header "Bearer <token>":`);
    for (const { mspId, key } of CLUBS) {
        const memberNumber = state.text(`atlantic/member/${mspId}/0`, 'memberNumber');
        tokens[`${mspId}/member`] = await issue({ sub: `member@${key}`, club: mspId, role: 'member', memberNumber });
        for (const role of ['admin', 'staff', 'auditor', 'member']) {
            console.log(`  ${mspId.padEnd(11)} ${(role === 'member' ? `member ${memberNumber}` : role).padEnd(17)} ${tokens[`${mspId}/${role}`] ?? ''}`);
        }
    }
}

main().catch((error: unknown) => {
    process.stderr.write(`demo data failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});
