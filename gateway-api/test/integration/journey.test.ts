import { type KeyPairKeyObjectResult, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyIndexIntegrity } from '@reciprocal-clubs/event-indexer';
import { expect } from 'chai';
import type { ExecutionResult } from 'graphql';
import { agreementTerms } from '../../../chaincode/test/support/agreement-fixtures.js';
import { personalData } from '../../../chaincode/test/support/member-fixtures.js';
import { connectNats } from '../../../event-indexer/test/support/nats.js';
import type { CallerClaims } from '../../src/auth/claims.js';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../src/auth/issuer.js';
import { JwtVerifier } from '../../src/auth/jwt-verifier.js';
import { LOCAL_JWKS_FILE, LocalIssuer } from '../../src/auth/local-issuer.js';
import { localTokenKeys } from '../../src/auth/token-keys.js';
import type { ApiServices } from '../../src/context.js';
import { NatsNotificationFeed } from '../../src/notification-feed.js';
import { UsedVisitPasses } from '../../src/passes/used-passes.js';
import { createApiYoga } from '../../src/yoga.js';
import { type ClubDatabases, clubDatabases } from '../support/club-databases.js';
import { type EventStream, openEventStream } from '../support/event-stream.js';
import { InProcessLedger } from '../support/in-process-ledger.js';
import { SubscriptionWatch } from '../support/subscription-watch.js';
import { type ApiYoga, type GraphqlResponse, dataOf, onlyError, postGraphql } from '../support/tokens.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';
const CLUBS = [HARBOUR, ALPINE, METRO] as const;
const CLIENT = { req: { ip: '192.0.2.7' } };

type Json = Record<string, unknown>;

const VISIT = 'visitId memberNumber homeClub hostClub visitDate facility guests status closure fee { amountMinor currency } checkedIn { by club txId }';
const CHECK_IN_BY_PASS = `mutation($channel: String!, $pass: String!) {
    checkInByPass(channel: $channel, pass: $pass, input: { facility: DINING, guests: 1, nights: 0 }) { visit { ${VISIT} } transactionId blockNumber }
}`;

/**
 * The journey of DESIGN §6 through GraphQL only, with everything real except Fabric itself (whose peer and
 * orderer cannot run here): the built chaincode dispatched by fabric-shim's contract runtime with the
 * certificates the network's Fabric CAs issued, blocks indexed by the real event-indexer into each club's
 * PostgreSQL schema, notifications through its outbox to NATS JetStream and back through the API's
 * NatsNotificationFeed, real JWTs from the local issuer. See InProcessLedger for what it does not model.
 */
describe('the whole journey through GraphQL, on an in-process ledger (everything real but Fabric)', function () {
    this.timeout(60_000);
    const channel = `journey-${randomBytes(4).toString('hex')}`;
    /** Each club's visit-pass key pair: the API holds the private half, the club publishes the public one on the ledger. */
    const passKeys = new Map<string, KeyPairKeyObjectResult>(CLUBS.map((club) => [club, generateKeyPairSync('ec', { namedCurve: 'P-256' })]));
    const passPublicKey = (club: string) => passKeys.get(club)!.publicKey.export({ type: 'spki', format: 'pem' }).toString();

    let issuer: LocalIssuer;
    let databases: ClubDatabases;
    let watch: SubscriptionWatch;
    let ledger: InProcessLedger;
    let yoga: ApiYoga;
    const tokens: Record<string, string> = {};

    const people: Record<string, CallerClaims> = {
        harbourAdmin: { sub: 'hanna', club: HARBOUR, role: 'admin' },
        alpineAdmin: { sub: 'albert', club: ALPINE, role: 'admin' },
        alpineStaff: { sub: 'alice', club: ALPINE, role: 'staff' },
        metroAdmin: { sub: 'marta', club: METRO, role: 'admin' },
        metroStaff: { sub: 'max', club: METRO, role: 'staff' },
        metroAuditor: { sub: 'mira', club: METRO, role: 'auditor' },
    };
    const adminOf: Record<string, string> = { [HARBOUR]: 'harbourAdmin', [ALPINE]: 'alpineAdmin', [METRO]: 'metroAdmin' };

    /** Undoes what `before` and the subscription made, last first. */
    const teardown: (() => Promise<unknown>)[] = [];

    before(async () => {
        const issuerDirectory = await mkdtemp(path.join(tmpdir(), 'rcn-journey-issuer-'));
        teardown.push(() => rm(issuerDirectory, { recursive: true, force: true }));
        issuer = await LocalIssuer.open(issuerDirectory);
        const verifier = new JwtVerifier({
            keys: localTokenKeys(await readFile(path.join(issuerDirectory, LOCAL_JWKS_FILE), 'utf8')),
            issuer: LOCAL_TOKEN_ISSUER,
            audience: API_TOKEN_AUDIENCE,
        });
        for (const [name, claims] of Object.entries(people)) {
            tokens[name] = await issuer.issue(claims, '10m');
        }
        databases = await clubDatabases(CLUBS);
        teardown.push(() => databases.close());
        const publishing = await connectNats();
        teardown.push(() => publishing.drain());
        const listening = await connectNats();
        teardown.push(() => listening.drain());
        watch = new SubscriptionWatch(listening);
        ledger = await InProcessLedger.open({ channel, indexes: databases.indexes, nats: publishing });
        const services: ApiServices = {
            readModel: databases.readModel,
            ledger,
            notifications: new NatsNotificationFeed(watch.connection),
            usedVisitPasses: new UsedVisitPasses(databases.api),
            passSigningKeys: (club) => Promise.resolve(passKeys.get(club)?.privateKey),
            verifyIndex: (club, indexed) => verifyIndexIntegrity(databases.readModel.poolOf(club), ledger, indexed),
        };
        yoga = createApiYoga({ services, tokens: verifier, logging: false });
    });

    after(async () => {
        for (const undo of teardown.reverse()) {
            await undo();
        }
    });

    /** What Metro's subscribers listen to. */
    const metroSubject = () => `clubs.${channel}.${METRO}.*`;

    const ask = (token: string, query: string, variables: Json = {}) => postGraphql(yoga, query, { token, variables: { channel, ...variables }, server: CLIENT });

    /** The one error of a refused request: its message, code and reason. */
    function refusalOf(response: GraphqlResponse): { message: string; code: unknown; reason: unknown } {
        const { message, extensions } = onlyError(response);
        return { message, code: extensions?.code, reason: extensions?.reason };
    }

    async function issueMemberToken(name: string, memberNumber: string): Promise<void> {
        tokens[name] = await issuer.issue({ sub: name, club: ALPINE, role: 'member', memberNumber }, '10m');
    }

    let agreementId: string;
    const members: Record<string, string> = {};
    let visitEvents: EventStream;
    let firstVisitEvent: Promise<IteratorResult<ExecutionResult, void>>;
    let checkIn: { visit: Json; transactionId: string; blockNumber: string };
    let checkOut: { transactionId: string };
    let firstPass: string;

    it('each club registers itself, one block per transaction after the genesis block', async () => {
        const register = `mutation($channel: String!, $input: ClubRegistrationInput!) {
            registerClub(channel: $channel, input: $input) { club { mspId name status passPublicKey registered { by club } } transactionId blockNumber }
        }`;
        for (const [n, club] of CLUBS.entries()) {
            const input = {
                profile: { name: `${club} Club`, city: 'Zurich', country: 'CH', timezone: 'Europe/Zurich', facilities: ['DINING', 'FITNESS'], passPublicKey: passPublicKey(club) },
                memberPrefix: club.slice(0, 3).toUpperCase(),
            };
            const admin = adminOf[club]!;
            const { registerClub } = dataOf(await ask(tokens[admin]!, register, { input })) as { registerClub: Json };
            expect(registerClub.club).to.deep.equal({
                mspId: club,
                name: `${club} Club`,
                status: 'ACTIVE',
                passPublicKey: passPublicKey(club),
                registered: { by: people[admin]!.sub, club },
            });
            expect(registerClub.blockNumber).to.equal(String(n + 1));
            expect(registerClub.transactionId).to.match(/^[0-9a-f]{64}$/);
        }
        const { clubs } = dataOf(await ask(tokens.metroStaff!, 'query($channel: String!) { clubs(channel: $channel) { edges { node { mspId } } } }')) as {
            clubs: { edges: { node: Json }[] };
        };
        expect(clubs.edges.map((edge) => edge.node.mspId)).to.deep.equal([ALPINE, HARBOUR, METRO]);
    });

    it('Alpine proposes an agreement of one visit a month to Metro, which only Metro may accept', async () => {
        const { proposeAgreement } = dataOf(
            await ask(
                tokens.alpineAdmin!,
                `mutation($channel: String!, $terms: AgreementTermsInput!) {
                    proposeAgreement(channel: $channel, counterparty: "${METRO}", terms: $terms) { agreement { agreementId proposer counterparty status } }
                }`,
                { terms: agreementTerms({ visitsPerMemberPerMonth: 1, feePerVisit: { amountMinor: 2500, currency: 'EUR' } }) },
            ),
        ) as { proposeAgreement: { agreement: Json } };
        expect(proposeAgreement.agreement).to.deep.include({ proposer: ALPINE, counterparty: METRO, status: 'PROPOSED' });
        agreementId = String(proposeAgreement.agreement.agreementId);

        const accept = `mutation($channel: String!, $id: String!) {
            changeAgreement(channel: $channel, agreementId: $id, change: ACCEPT) { agreement { status terms { visitsPerMemberPerMonth } } blockNumber }
        }`;
        const height = ledger.height;
        const refused = refusalOf(await ask(tokens.alpineAdmin!, accept, { id: agreementId }));
        expect(refused).to.deep.include({ code: 'FORBIDDEN', reason: 'FORBIDDEN' });
        expect(refused.message).to.equal(`FORBIDDEN: only ${METRO} may accept agreement ${agreementId}`);
        expect(ledger.height, 'a refused transaction makes no block').to.equal(height);

        const { changeAgreement } = dataOf(await ask(tokens.metroAdmin!, accept, { id: agreementId })) as { changeAgreement: Json };
        expect(changeAgreement).to.deep.equal({ agreement: { status: 'ACTIVE', terms: { visitsPerMemberPerMonth: 1 } }, blockNumber: String(height) });
    });

    it('Alpine enrols two members with personal data, which Alpine’s staff read back', async () => {
        const enrol = `mutation($channel: String!, $input: MemberEnrolmentInput!) {
            enrolMember(channel: $channel, input: $input) { member { memberNumber homeClub status personalDataHash enrolled { by } } }
        }`;
        const records = { ada: personalData(), grace: personalData({ givenName: 'Grace', familyName: 'Hopper', email: 'grace.hopper@example.org' }) };
        // The API salts the record itself.
        for (const [name, { salt: _salt, ...person }] of Object.entries(records)) {
            const { enrolMember } = dataOf(await ask(tokens.alpineAdmin!, enrol, { input: { membershipType: 'REGULAR', validUntil: '2027-12-31', personalData: person } })) as {
                enrolMember: { member: Json };
            };
            expect(enrolMember.member).to.deep.include({ homeClub: ALPINE, status: 'ACTIVE', enrolled: { by: 'albert' } });
            expect(enrolMember.member.personalDataHash).to.match(/^[0-9a-f]{64}$/);
            members[name] = String(enrolMember.member.memberNumber);
            await issueMemberToken(name, members[name]);
        }
        expect(members.ada).to.match(/^ALP\d+$/);

        const { personalData: record } = dataOf(
            await ask(tokens.alpineStaff!, 'query($channel: String!, $member: String!) { personalData(channel: $channel, memberNumber: $member) { givenName familyName email dateOfBirth address { city } } }', {
                member: members.ada,
            }),
        );
        expect(record).to.deep.equal({ givenName: 'Ada', familyName: 'Lovelace', email: 'ada.lovelace@example.org', dateOfBirth: '1985-12-10', address: { city: 'Zurich' } });
    });

    it('a subscriber at Metro listens to visit events over SSE', async () => {
        const response = await yoga.fetch(
            'http://api.test/graphql',
            {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tokens.metroStaff!}` },
                body: JSON.stringify({
                    query: 'subscription($channel: String!) { visitEvents(channel: $channel) { channel blockNumber transactionId event actor submitter parties changes } }',
                    variables: { channel },
                }),
            },
            CLIENT,
        );
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
        visitEvents = openEventStream(response);
        teardown.push(() => visitEvents.close());
        firstVisitEvent = visitEvents.results.next();
        await watch.subscribed(metroSubject());
    });

    it('the member shows a visit pass and Metro’s staff check them in by it', async () => {
        const { visitPass } = dataOf(await ask(tokens.ada!, 'query($channel: String!) { visitPass(channel: $channel) { pass expiresAt } }')) as { visitPass: Json };
        firstPass = String(visitPass.pass);
        const { checkInByPass } = dataOf(await ask(tokens.metroStaff!, CHECK_IN_BY_PASS, { pass: firstPass })) as { checkInByPass: typeof checkIn };
        checkIn = checkInByPass;
        expect(checkIn.visit).to.deep.include({
            memberNumber: members.ada,
            homeClub: ALPINE,
            hostClub: METRO,
            visitDate: '2026-03-02',
            facility: 'DINING',
            guests: 1,
            status: 'CHECKED_IN',
            closure: null,
            fee: { amountMinor: 2500, currency: 'EUR' },
        });
        expect(checkIn.visit.checkedIn).to.deep.equal({ by: 'max', club: METRO, txId: checkIn.transactionId });
        expect(checkIn.blockNumber).to.equal(String(ledger.height - 1));
    });

    it('the same pass shown again is refused before any transaction: CONFLICT, VISIT_PASS_REUSED', async () => {
        const height = ledger.height;
        expect(refusalOf(await ask(tokens.metroStaff!, CHECK_IN_BY_PASS, { pass: firstPass }))).to.deep.include({ code: 'CONFLICT', reason: 'VISIT_PASS_REUSED' });
        expect(ledger.height).to.equal(height);
    });

    it('a second check-in in the month is refused by the chaincode: RULE_VIOLATION, VISIT_LIMIT_REACHED; the pass is given back', async () => {
        const height = ledger.height;
        const { visitPass } = dataOf(await ask(tokens.ada!, 'query($channel: String!) { visitPass(channel: $channel) { pass } }')) as { visitPass: Json };
        const refused = refusalOf(await ask(tokens.metroStaff!, CHECK_IN_BY_PASS, { pass: visitPass.pass }));
        expect(refused).to.deep.equal({ code: 'RULE_VIOLATION', reason: 'VISIT_LIMIT_REACHED', message: 'VISIT_LIMIT_REACHED: 1 of 1 visits used in 2026-03' });
        // The check-in did not happen, so the pass was not used up: shown again, the ledger refuses it again.
        expect(refusalOf(await ask(tokens.metroStaff!, CHECK_IN_BY_PASS, { pass: visitPass.pass }))).to.deep.include({ reason: 'VISIT_LIMIT_REACHED' });
        expect(ledger.height, 'a refused transaction makes no block').to.equal(height);
    });

    it('Metro’s staff check the member out', async () => {
        const { checkOut: checkedOut } = dataOf(
            await ask(tokens.metroStaff!, `mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { visit { status closure } transactionId } }`, {
                id: checkIn.visit.visitId,
            }),
        ) as { checkOut: { visit: Json; transactionId: string } };
        expect(checkedOut.visit).to.deep.equal({ status: 'CHECKED_OUT', closure: 'CHECKED_OUT_BY_HOST' });
        checkOut = checkedOut;
    });

    it('the visit is in Metro’s visits, checked out', async () => {
        const { visits } = dataOf(await ask(tokens.metroStaff!, `query($channel: String!) { visits(channel: $channel, hostClub: "${METRO}") { edges { node { ${VISIT} } } } }`)) as {
            visits: { edges: { node: Json }[] };
        };
        expect(visits.edges.map((edge) => edge.node)).to.deep.equal([{ ...checkIn.visit, status: 'CHECKED_OUT', closure: 'CHECKED_OUT_BY_HOST' }]);
    });

    it('the settlement shows the fee Alpine owes Metro, from both sides', async () => {
        const settlement = `query($channel: String!) {
            settlement(channel: $channel, fromMonth: "2026-03", untilMonth: "2026-03") { edges { node { homeClub hostClub month currency visits amountMinor counterpart direction } } }
        }`;
        const line = { homeClub: ALPINE, hostClub: METRO, month: '2026-03', currency: 'EUR', visits: 1, amountMinor: '2500' };
        const linesOf = async (token: string) => ((dataOf(await ask(token, settlement)) as { settlement: { edges: { node: Json }[] } }).settlement.edges.map((edge) => edge.node));
        expect(await linesOf(tokens.alpineAdmin!)).to.deep.equal([{ ...line, counterpart: METRO, direction: 'PAYABLE' }]);
        expect(await linesOf(tokens.metroAuditor!)).to.deep.equal([{ ...line, counterpart: ALPINE, direction: 'RECEIVABLE' }]);
    });

    it('the subscriber at Metro received the check-in from NATS', async () => {
        const next = await firstVisitEvent;
        expect(next.done).to.equal(false);
        const { errors, data } = next.value as ExecutionResult;
        expect(errors).to.equal(undefined);
        const notification = (data as { visitEvents: Json } | undefined)?.visitEvents;
        expect(notification).to.deep.include({
            channel,
            blockNumber: checkIn.blockNumber,
            transactionId: checkIn.transactionId,
            event: 'VisitCheckedIn',
            actor: 'max',
            submitter: METRO,
            parties: [ALPINE, METRO],
        });
        const visit = (notification?.changes as { kind: string; value: Json }[]).find((change) => change.kind === 'visit')?.value;
        expect(visit).to.deep.include({ visitId: checkIn.visit.visitId, memberNumber: members.ada, status: 'CHECKED_IN' });
    });

    it('the subscription ends on the server when the subscriber goes away', async function () {
        this.timeout(5_000);
        await visitEvents.close();
        await watch.unsubscribed(metroSubject());
    });

    it('an auditor follows the visit through its audit trail (ledger truth) and finds its transaction in the index', async () => {
        const { auditTrail } = dataOf(
            await ask(tokens.metroAuditor!, 'query($channel: String!, $id: String!) { auditTrail(channel: $channel, entity: visit, id: $id) { transactionId isDelete value } }', {
                id: checkIn.visit.visitId,
            }),
        ) as { auditTrail: Json[] };
        expect(auditTrail.map((revision) => [revision.transactionId, revision.isDelete, (revision.value as Json).status])).to.deep.equal([
            [checkIn.transactionId, false, 'CHECKED_IN'],
            [checkOut.transactionId, false, 'CHECKED_OUT'],
        ]);

        const { transaction } = dataOf(
            await ask(
                tokens.metroAuditor!,
                'query($channel: String!, $id: String!) { transaction(channel: $channel, txId: $id) { txId blockNumber txIndex creatorMsp isValid validationCode chaincode function eventName } }',
                { id: checkIn.transactionId },
            ),
        );
        expect(transaction).to.deep.equal({
            txId: checkIn.transactionId,
            blockNumber: checkIn.blockNumber,
            txIndex: 0,
            creatorMsp: METRO,
            isValid: true,
            validationCode: 'VALID',
            chaincode: 'reciprocal',
            function: 'Visit:checkIn',
            eventName: 'VisitCheckedIn',
        });
    });

    it('every club’s index verifies against the chain block by block', async () => {
        const verify = 'query($channel: String!) { verifyIndexIntegrity(channel: $channel) { ok channel blocks problem } }';
        for (const token of [tokens.metroAuditor!, tokens.alpineAdmin!, tokens.harbourAdmin!]) {
            const { verifyIndexIntegrity: report } = dataOf(await ask(token, verify));
            expect(report).to.deep.equal({ ok: true, channel, blocks: ledger.height, problem: null });
        }
    });

    it('personal data stays with the home club, and a member reads only themselves', async () => {
        const personal = 'query($channel: String!, $member: String!) { personalData(channel: $channel, memberNumber: $member) { givenName } }';
        expect(refusalOf(await ask(tokens.metroStaff!, personal, { member: members.ada }))).to.deep.include({ code: 'FORBIDDEN' });
        const { rows } = await databases.indexes[METRO]!.query<{ records: number }>('SELECT count(*)::int AS records FROM member_personal_data');
        expect(rows[0]?.records, 'Metro’s index never received Alpine’s personal data').to.equal(0);

        const member = 'query($channel: String!, $member: String!) { member(channel: $channel, memberNumber: $member) { memberNumber } }';
        expect(dataOf(await ask(tokens.ada!, member, { member: members.ada }))).to.deep.equal({ member: { memberNumber: members.ada } });
        expect(refusalOf(await ask(tokens.ada!, member, { member: members.grace }))).to.deep.include({ code: 'FORBIDDEN' });
    });
});
