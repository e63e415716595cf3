import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { agreementTerms } from '../../../chaincode/test/support/agreement-fixtures.js';
import { personalData } from '../../../chaincode/test/support/member-fixtures.js';
import { NOTIFICATION_STREAM } from '../../../event-indexer/src/outbox/publisher.js';
import { type EventStream, openEventStream } from '../support/event-stream.js';
import { LiveNetwork } from '../support/live-network.js';

const HARBOUR = 'HarbourMSP';
const ALPINE = 'AlpineMSP';
const METRO = 'MetroMSP';
const CHANNEL = 'atlantic';

type Json = Record<string, unknown>;
const VISIT = 'visitId memberNumber homeClub hostClub visitDate facility guests status closure fee { amountMinor currency } checkedIn { by club txId }';
const CHECK_IN_BY_PASS = `mutation($channel: String!, $pass: String!, $input: CheckInInput!) {
    checkInByPass(channel: $channel, pass: $pass, input: $input) { visit { ${VISIT} } transactionId blockNumber }
}`;

/**
 * The journey through the API that `./test-network.sh up` runs, on the real Fabric network: every
 * mutation endorsed by real peers, ordered and committed, then seen in the response, in each party's
 * PostgreSQL read model (written by its indexer from its own peer), as a NATS message, and on the peers.
 * The ledger outlives test runs, so the journey makes its own member and agreement.
 */
describe('the whole journey through GraphQL on the real network', function () {
    this.timeout(180_000);
    let live: LiveNetwork;
    const tokens: Record<string, string> = {};
    const ask = (who: string, query: string, variables: Json = {}) => live.data<Json>(tokens[who] ?? '', query, { channel: CHANNEL, ...variables });
    const month = new Date().toISOString().slice(0, 7);

    let agreementId: string;
    let memberNumber: string;
    let introductionId: string;
    let checkIn: { visit: Json; transactionId: string; blockNumber: string };
    let visitEvents: EventStream | undefined;
    let pass: string;

    before(async () => {
        live = await LiveNetwork.open();
        for (const [name, claims] of Object.entries({
            harbourAdmin: { sub: 'hanna', club: HARBOUR, role: 'admin' },
            harbourStaff: { sub: 'henry', club: HARBOUR, role: 'staff' },
            alpineAdmin: { sub: 'albert', club: ALPINE, role: 'admin' },
            metroAdmin: { sub: 'marta', club: METRO, role: 'admin' },
            metroStaff: { sub: 'max', club: METRO, role: 'staff' },
            metroAuditor: { sub: 'mira', club: METRO, role: 'auditor' },
        } as const)) {
            tokens[name] = await live.token(claims);
        }
    });
    after(async () => {
        await visitEvents?.close();
        await live.close();
    });

    it('the clubs are registered (by the demo data, through this API) and a second registration is a CONFLICT', async () => {
        const { clubs } = (await ask('metroStaff', 'query($channel: String!) { clubs(channel: $channel) { edges { node { mspId status } } } }')) as {
            clubs: { edges: { node: Json }[] };
        };
        expect(clubs.edges.map((edge) => edge.node)).to.deep.include.members([HARBOUR, ALPINE, METRO].map((mspId) => ({ mspId, status: 'ACTIVE' })));
        const again = await live.graphql(tokens.harbourAdmin ?? '', 'mutation($channel: String!, $input: ClubRegistrationInput!) { registerClub(channel: $channel, input: $input) { transactionId } }', {
            channel: CHANNEL,
            input: { memberPrefix: 'HAR', profile: { name: 'Harbour Club', city: 'Portsmouth', country: 'GB', timezone: 'Europe/London', facilities: ['DINING'], passPublicKey: '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n' } },
        });
        expect(again.errors?.[0]?.extensions?.code).to.equal('CONFLICT');
    });

    it('Harbour and Metro agree on one visit a month with a letter of introduction; the agreement needs both from now on', async () => {
        // An earlier run's agreement between the two ends first.
        const { agreements } = (await ask('harbourAdmin', `query($channel: String!) { agreements(channel: $channel, partner: "${METRO}") { edges { node { agreementId status proposer } } } }`)) as {
            agreements: { edges: { node: { agreementId: string; status: string; proposer: string } }[] };
        };
        for (const { agreementId: id, status, proposer } of agreements.edges.map((edge) => edge.node)) {
            if (status === 'PROPOSED') await ask(proposer === HARBOUR ? 'metroAdmin' : 'harbourAdmin', 'mutation($channel: String!, $id: String!) { changeAgreement(channel: $channel, agreementId: $id, change: REJECT) { transactionId } }', { id });
            if (status === 'ACTIVE' || status === 'SUSPENDED') await ask('harbourAdmin', 'mutation($channel: String!, $id: String!) { changeAgreement(channel: $channel, agreementId: $id, change: TERMINATE) { transactionId } }', { id });
        }
        const year = new Date().getUTCFullYear();
        const terms = agreementTerms({
            validFrom: `${year}-01-01`,
            validUntil: `${year + 1}-12-31`,
            blackoutDates: [],
            visitsPerMemberPerMonth: 1,
            letterOfIntroductionRequired: true,
            feePerVisit: { amountMinor: 4200, currency: 'GBP' },
        });
        const { proposeAgreement } = (await ask('harbourAdmin', `mutation($channel: String!, $terms: AgreementTermsInput!) { proposeAgreement(channel: $channel, counterparty: "${METRO}", terms: $terms) { agreement { agreementId status } } }`, { terms })) as {
            proposeAgreement: { agreement: { agreementId: string; status: string } };
        };
        agreementId = proposeAgreement.agreement.agreementId;
        const { changeAgreement } = (await ask('metroAdmin', 'mutation($channel: String!, $id: String!) { changeAgreement(channel: $channel, agreementId: $id, change: ACCEPT) { agreement { status } transactionId blockNumber } }', { id: agreementId })) as {
            changeAgreement: { agreement: { status: string }; transactionId: string };
        };
        expect(changeAgreement.agreement.status).to.equal('ACTIVE');

        // Both parties' read models hold it, from their own peers.
        for (const club of [HARBOUR, METRO]) {
            const status = await live.eventually(async () => {
                const { rows } = await live.pool.query<{ status: string }>(`SELECT data->>'status' AS status FROM ${live.schemaOf(club)}.agreements WHERE agreement_id = $1`, [agreementId]);
                return rows[0]?.status === 'ACTIVE' ? rows[0].status : undefined;
            }, `${club}'s read model to show agreement ${agreementId} active`);
            expect(status).to.equal('ACTIVE');
        }
    });

    it('Harbour enrols a member with personal data, which its staff read back', async () => {
        const record = personalData({ givenName: 'Journey', familyName: `Member ${randomUUID().slice(0, 6)}` });
        const { enrolMember } = (await ask('harbourAdmin', 'mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { member { memberNumber homeClub status personalDataHash } } }', {
            input: { membershipType: 'REGULAR', validUntil: `${new Date().getUTCFullYear() + 1}-12-31`, personalData: record },
        })) as { enrolMember: { member: Json } };
        expect(enrolMember.member).to.deep.include({ homeClub: HARBOUR, status: 'ACTIVE' });
        memberNumber = String(enrolMember.member.memberNumber);
        const read = await live.eventually(async () => {
            const result = await live.graphql<{ personalData: Json | null }>(tokens.harbourStaff ?? '', 'query($channel: String!, $member: String!) { personalData(channel: $channel, memberNumber: $member) { givenName familyName } }', { channel: CHANNEL, member: memberNumber });
            return result.data?.personalData ?? undefined;
        }, 'the personal record in Harbour’s read model');
        expect(read).to.deep.equal({ givenName: 'Journey', familyName: record.familyName });
    });

    /** A letter of introduction to Metro for today, requested by Harbour's staff and issued by its admin. */
    async function introduceToMetro(): Promise<{ introductionId: string; status: string }> {
        const today = new Date().toISOString().slice(0, 10);
        const { requestIntroduction } = (await ask('harbourStaff', `mutation($channel: String!, $member: String!, $from: Date!, $until: Date!) { requestIntroduction(channel: $channel, memberNumber: $member, hostClub: "${METRO}", from: $from, until: $until) { introduction { introductionId } } }`, {
            member: memberNumber,
            from: today,
            until: today,
        })) as { requestIntroduction: { introduction: { introductionId: string } } };
        const { introductionId: id } = requestIntroduction.introduction;
        const { changeIntroduction } = (await ask('harbourAdmin', 'mutation($channel: String!, $id: String!) { changeIntroduction(channel: $channel, introductionId: $id, change: ISSUE) { introduction { status } } }', { id })) as {
            changeIntroduction: { introduction: { status: string } };
        };
        return { introductionId: id, status: changeIntroduction.introduction.status };
    }

    it('Harbour issues a letter of introduction to Metro', async () => {
        const issued = await introduceToMetro();
        expect(issued.status).to.equal('ISSUED');
        introductionId = issued.introductionId;
    });

    it('a client of Metro subscribes to visitEvents over SSE', async () => {
        const response = await fetch(`${live.apiUrl}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${tokens.metroStaff ?? ''}` },
            body: JSON.stringify({ query: 'subscription($channel: String!) { visitEvents(channel: $channel) { channel blockNumber transactionId event submitter parties } }', variables: { channel: CHANNEL } }),
        });
        expect(response.status).to.equal(200);
        expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
        visitEvents = openEventStream(response);
        // The API subscribes to NATS as the request arrives; give it a moment before the check-in.
        await new Promise((resolve) => setTimeout(resolve, 500));
    });

    it('Metro checks the member in: in the response, in both read models, on NATS and on every party’s peer', async () => {
        // At the door the member shows a visit pass signed by Harbour; Metro checks it against Harbour's key on the ledger.
        tokens.member = await live.token({ sub: 'journey-member', club: HARBOUR, role: 'member', memberNumber });
        const { visitPass } = (await ask('member', 'query($channel: String!) { visitPass(channel: $channel) { pass } }')) as { visitPass: { pass: string } };
        pass = visitPass.pass;
        const { checkInByPass: checkedIn } = (await ask('metroStaff', CHECK_IN_BY_PASS, { pass, input: { facility: 'DINING', guests: 1, nights: 0, introductionId } })) as { checkInByPass: typeof checkIn };
        checkIn = checkedIn;
        expect(checkIn.visit).to.deep.include({ memberNumber, homeClub: HARBOUR, hostClub: METRO, status: 'CHECKED_IN', fee: { amountMinor: 4200, currency: 'GBP' } });
        expect(checkIn.visit.checkedIn).to.deep.equal({ by: 'max', club: METRO, txId: checkIn.transactionId });

        for (const club of [HARBOUR, METRO]) {
            const row = await live.eventually(async () => {
                const { rows } = await live.pool.query<{ tx_id: string; block_number: string }>(`SELECT tx_id, block_number FROM ${live.schemaOf(club)}.visits WHERE visit_id = $1`, [checkIn.visit.visitId]);
                return rows[0];
            }, `the visit in ${club}'s read model`);
            expect(row).to.deep.equal({ tx_id: checkIn.transactionId, block_number: checkIn.blockNumber });
        }

        const nats = await connect({ servers: live.profile.nats.servers.split(',') });
        try {
            const manager = await jetstreamManager(nats);
            const message = await live.eventually(async () => {
                const last = await manager.streams.getMessage(NOTIFICATION_STREAM, { last_by_subj: `clubs.${CHANNEL}.${METRO}.VisitCheckedIn` }).catch(() => null);
                return last !== null && last.json<{ txId: string }>().txId === checkIn.transactionId ? last : undefined;
            }, 'the check-in notification on NATS');
            expect(message.header.get('Nats-Msg-Id')).to.match(new RegExp(`^${CHANNEL}:${checkIn.blockNumber}:\\d+:${METRO}$`));
        } finally {
            await nats.drain();
        }

        for (const club of [HARBOUR, ALPINE, METRO]) {
            const gateway = (await live.gateway(club)).as('auditor');
            const onPeer = JSON.parse(Buffer.from(await gateway.getNetwork(CHANNEL).getContract('reciprocal').evaluateTransaction('Visit:get', String(checkIn.visit.visitId))).toString()) as Json;
            expect(onPeer).to.deep.include({ visitId: checkIn.visit.visitId, status: 'CHECKED_IN' });
            const processed = peer.ProcessedTransaction.deserializeBinary(await gateway.getNetwork(CHANNEL).getContract('qscc').evaluateTransaction('GetTransactionByID', CHANNEL, checkIn.transactionId));
            expect(processed.getValidationcode()).to.equal(peer.TxValidationCode.VALID);
        }
    });

    it('the subscriber at Metro received the check-in', async () => {
        const received = await live.eventually(async () => {
            const next = await visitEvents?.results.next();
            const event = (next?.value as { data?: { visitEvents?: Json } } | undefined)?.data?.visitEvents;
            return event?.transactionId === checkIn.transactionId ? event : undefined;
        }, 'the check-in on the subscription');
        expect(received).to.deep.equal({ channel: CHANNEL, blockNumber: checkIn.blockNumber, transactionId: checkIn.transactionId, event: 'VisitCheckedIn', submitter: METRO, parties: [HARBOUR, METRO] });
    });

    it('the same pass shown again is refused before any transaction: CONFLICT, VISIT_PASS_REUSED', async () => {
        const again = await live.graphql(tokens.metroStaff ?? '', CHECK_IN_BY_PASS, { channel: CHANNEL, pass, input: { facility: 'DINING', guests: 0, nights: 0, introductionId } });
        expect(again.errors?.[0]?.extensions).to.deep.include({ code: 'CONFLICT', reason: 'VISIT_PASS_REUSED' });
    });

    it('personal data stays with the home club, and the member reads only themselves', async () => {
        const personal = 'query($channel: String!, $member: String!) { personalData(channel: $channel, memberNumber: $member) { givenName } }';
        const refused = await live.graphql(tokens.metroStaff ?? '', personal, { channel: CHANNEL, member: memberNumber });
        expect(refused.errors?.[0]?.extensions?.code).to.equal('FORBIDDEN');
        const { rows } = await live.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${live.schemaOf(METRO)}.member_personal_data WHERE member_number = $1`, [memberNumber]);
        expect(rows[0]?.n, 'Metro’s index never received Harbour’s personal data').to.equal(0);
        const member = 'query($channel: String!, $member: String!) { member(channel: $channel, memberNumber: $member) { memberNumber } }';
        expect(await ask('member', member, { member: memberNumber })).to.deep.equal({ member: { memberNumber } });
        const other = await live.graphql(tokens.member ?? '', member, { channel: CHANNEL, member: `${memberNumber.slice(0, 3)}000001` });
        expect(other.errors?.[0]?.extensions?.code).to.equal('FORBIDDEN');
    });

    it('a second check-in this month is refused by the chaincode: RULE_VIOLATION, VISIT_LIMIT_REACHED', async () => {
        const { introductionId: second } = await introduceToMetro();
        const refused = await live.graphql(tokens.metroStaff ?? '', 'mutation($channel: String!, $member: String!, $input: CheckInInput!) { checkIn(channel: $channel, memberNumber: $member, input: $input) { transactionId } }', {
            channel: CHANNEL,
            member: memberNumber,
            input: { facility: 'FITNESS', guests: 0, nights: 0, introductionId: second },
        });
        expect(refused.errors?.[0]?.extensions).to.deep.include({ code: 'RULE_VIOLATION', reason: 'VISIT_LIMIT_REACHED' });
    });

    it('Metro checks the member out, and the settlement shows the fee Harbour owes Metro', async () => {
        const settlement = `query($channel: String!) { settlement(channel: $channel, fromMonth: "${month}", untilMonth: "${month}") { edges { node { homeClub hostClub currency visits amountMinor direction } } } }`;
        const owed = async (who: string): Promise<{ visits: number; amountMinor: string; direction: string } | undefined> => {
            const { settlement: lines } = (await ask(who, settlement)) as { settlement: { edges: { node: Json }[] } };
            return lines.edges.map((edge) => edge.node).find((line) => line.homeClub === HARBOUR && line.hostClub === METRO && line.currency === 'GBP') as
                | { visits: number; amountMinor: string; direction: string }
                | undefined;
        };
        const { checkOut } = (await ask('metroStaff', 'mutation($channel: String!, $id: String!) { checkOut(channel: $channel, visitId: $id) { visit { status closure } } }', { id: checkIn.visit.visitId })) as {
            checkOut: { visit: Json };
        };
        expect(checkOut.visit).to.deep.equal({ status: 'CHECKED_OUT', closure: 'CHECKED_OUT_BY_HOST' });
        const payable = await live.eventually(async () => {
            const line = await owed('harbourAdmin');
            return line !== undefined && line.visits > 0 ? line : undefined;
        }, 'the settlement line');
        expect(payable.direction).to.equal('PAYABLE');
        expect(Number(payable.amountMinor)).to.equal(4200 * payable.visits);
        expect(await owed('metroAuditor')).to.deep.equal({ ...payable, direction: 'RECEIVABLE' });
    });

    it('a passed AMEND_RULES vote changes the consortium rules on the ledger and in every read model', async () => {
        const rulesQuery = 'query($channel: String!) { consortiumRules(channel: $channel) { quorumPercent minVotingHours maxVotingHours admissionRequired passRules { admitClub suspendClub amendRules general } } }';
        const { consortiumRules: before } = (await ask('harbourAdmin', rulesQuery)) as { consortiumRules: { quorumPercent: number } & Json };
        const { passRules } = before as unknown as { passRules: Record<'admitClub' | 'suspendClub' | 'amendRules' | 'general', string> };
        const rules = { ...before, quorumPercent: before.quorumPercent === 60 ? 55 : 60 };
        const input = {
            ...rules,
            passRules: { ADMIT_CLUB: passRules.admitClub, SUSPEND_CLUB: passRules.suspendClub, AMEND_RULES: passRules.amendRules, GENERAL: passRules.general },
        };
        const { openProposal } = (await ask('harbourAdmin', 'mutation($channel: String!, $input: ProposalInput!) { openProposal(channel: $channel, input: $input) { proposal { proposalId status } } }', {
            input: { type: 'AMEND_RULES', title: 'Quorum', description: 'Change the quorum', rules: input, votingDeadline: new Date(Date.now() + 8_000).toISOString() },
        })) as { openProposal: { proposal: { proposalId: string } } };
        const proposalId = openProposal.proposal.proposalId;
        for (const who of ['harbourAdmin', 'alpineAdmin', 'metroAdmin']) {
            await ask(who, 'mutation($channel: String!, $id: String!) { castVote(channel: $channel, proposalId: $id, choice: YES) { transactionId } }', { id: proposalId });
        }
        await new Promise((resolve) => setTimeout(resolve, 8_500));
        const { closeProposal } = (await ask('metroAuditor', 'mutation($channel: String!, $id: String!) { closeProposal(channel: $channel, proposalId: $id) { proposal { status } } }', { id: proposalId })) as {
            closeProposal: { proposal: { status: string } };
        };
        expect(closeProposal.proposal.status).to.equal('PASSED');
        for (const who of ['harbourAdmin', 'metroAuditor']) {
            const changed = await live.eventually(async () => {
                const { consortiumRules } = (await ask(who, rulesQuery)) as { consortiumRules: Json };
                return consortiumRules.quorumPercent === rules.quorumPercent ? consortiumRules : undefined;
            }, 'the new rules in the read model');
            expect(changed).to.deep.equal(rules);
        }
        const onPeer = (await live.gateway(ALPINE)).as('auditor').getNetwork(CHANNEL).getContract('reciprocal');
        expect(JSON.parse(Buffer.from(await onPeer.evaluateTransaction('Governance:rules')).toString())).to.deep.include({ quorumPercent: rules.quorumPercent });
    });
});
