import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { type FakeLedgerApi, fakeLedgerApi, ledgerClub, transactionIdOf } from '../support/fake-ledger-service.js';
import { InMemoryPersonalDataKeys } from '../support/personal-data-keys.js';
import { CALLERS, type CallerName, dataOf, errorCodes, onlyError } from '../support/tokens.js';

type Variables = Readonly<Record<string, unknown>>;

const CHANNEL = 'atlantic';
const AGREEMENT_ID = transactionIdOf('agreement');
const PROPOSAL_ID = transactionIdOf('proposal');
const VISIT_ID = transactionIdOf('visit');
const INTRODUCTION_ID = transactionIdOf('introduction');
const passPublicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

const terms = {
    validFrom: '2026-01-01',
    validUntil: '2026-12-31',
    visitsPerMemberPerMonth: 4,
    visitsPerMemberPerYear: 24,
    nightsPerStay: 3,
    guestsPerVisit: 2,
    allowedWeekdays: ['MON', 'SAT', 'SUN'],
    blackoutDates: [{ from: '2026-12-24', until: '2026-12-26', reason: 'Christmas' }],
    facilities: ['DINING'],
    eligibleMembershipTypes: ['REGULAR', 'VIP'],
    letterOfIntroductionRequired: false,
    feePerVisit: { amountMinor: 2500, currency: 'EUR' },
};
const personalData = {
    givenName: 'Ada',
    familyName: 'Lovelace',
    dateOfBirth: '1985-12-10',
    email: 'ada.lovelace@example.org',
    phone: '+41791234567',
    address: { line1: 'Seestrasse 1', city: 'Zurich', postalCode: '8002', country: 'CH' },
    emergencyContact: { name: 'Charles Babbage', phone: '+41797654321' },
};
const rules = {
    quorumPercent: 60,
    passRules: { ADMIT_CLUB: 'TWO_THIRDS', SUSPEND_CLUB: 'TWO_THIRDS', AMEND_RULES: 'TWO_THIRDS', GENERAL: 'SIMPLE' },
    minVotingHours: 24,
    maxVotingHours: 720,
    admissionRequired: false,
};
const profile = { name: 'Alpine Club', city: 'Zermatt', country: 'CH', timezone: 'Europe/Zurich', facilities: ['DINING', 'SKIING'], passPublicKey };
const proposal = { type: 'GENERAL', title: 'Shared events calendar', description: 'One calendar for all clubs.', votingDeadline: '2026-03-09T10:00:00Z' };

/** Each mutation with its variables as a valid request, and who may make it; the cases below each break one thing. */
const mutations = {
    enrolMember: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $input: MemberEnrolmentInput!) { enrolMember(channel: $channel, input: $input) { transactionId } }',
        valid: { channel: CHANNEL, input: { membershipType: 'REGULAR', validUntil: '2027-12-31', personalData } },
    },
    updatePersonalData: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $memberNumber: String!, $personalData: PersonalDataInput!) {
            updatePersonalData(channel: $channel, memberNumber: $memberNumber, personalData: $personalData) { transactionId } }`,
        valid: { channel: CHANNEL, memberNumber: 'ALP000042', personalData },
    },
    changeMemberStatus: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $memberNumber: String!, $change: MemberStatusChange!) {
            changeMemberStatus(channel: $channel, memberNumber: $memberNumber, change: $change) { transactionId } }`,
        valid: { channel: CHANNEL, memberNumber: 'ALP000042', change: 'SUSPEND' },
    },
    renewMember: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $memberNumber: String!, $validUntil: Date!) {
            renewMember(channel: $channel, memberNumber: $memberNumber, validUntil: $validUntil) { transactionId } }`,
        valid: { channel: CHANNEL, memberNumber: 'ALP000042', validUntil: '2028-12-31' },
    },
    erasePersonalData: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $memberNumber: String!) { erasePersonalData(channel: $channel, memberNumber: $memberNumber) { transactionId } }',
        valid: { channel: CHANNEL, memberNumber: 'ALP000042' },
    },
    proposeAgreement: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $counterparty: String!, $terms: AgreementTermsInput!) {
            proposeAgreement(channel: $channel, counterparty: $counterparty, terms: $terms) { transactionId } }`,
        valid: { channel: CHANNEL, counterparty: 'HarbourMSP', terms },
    },
    changeAgreement: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $agreementId: String!, $change: AgreementChange!) {
            changeAgreement(channel: $channel, agreementId: $agreementId, change: $change) { transactionId } }`,
        valid: { channel: CHANNEL, agreementId: AGREEMENT_ID, change: 'SUSPEND' },
    },
    proposeAmendment: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $agreementId: String!, $terms: AgreementTermsInput!) {
            proposeAmendment(channel: $channel, agreementId: $agreementId, terms: $terms) { transactionId } }`,
        valid: { channel: CHANNEL, agreementId: AGREEMENT_ID, terms },
    },
    checkIn: {
        caller: 'alpineStaff',
        document: 'mutation($channel: String!, $memberNumber: String!, $input: CheckInInput!) { checkIn(channel: $channel, memberNumber: $memberNumber, input: $input) { transactionId } }',
        valid: { channel: CHANNEL, memberNumber: 'HAR000007', input: { facility: 'DINING', guests: 1, nights: 0 } },
    },
    checkOut: {
        caller: 'alpineStaff',
        document: 'mutation($channel: String!, $visitId: String!) { checkOut(channel: $channel, visitId: $visitId) { transactionId } }',
        valid: { channel: CHANNEL, visitId: VISIT_ID },
    },
    cancelVisit: {
        caller: 'alpineStaff',
        document: 'mutation($channel: String!, $visitId: String!) { cancelVisit(channel: $channel, visitId: $visitId) { transactionId } }',
        valid: { channel: CHANNEL, visitId: VISIT_ID },
    },
    barMember: {
        caller: 'alpineAdmin',
        document: `mutation($channel: String!, $memberNumber: String!, $reason: String!, $from: Date!, $until: Date!) {
            barMember(channel: $channel, memberNumber: $memberNumber, reason: $reason, from: $from, until: $until) { transactionId } }`,
        valid: { channel: CHANNEL, memberNumber: 'HAR000007', reason: 'Unpaid bill', from: '2026-03-01', until: '2026-06-30' },
    },
    liftBar: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $memberNumber: String!) { liftBar(channel: $channel, memberNumber: $memberNumber) { transactionId } }',
        valid: { channel: CHANNEL, memberNumber: 'HAR000007' },
    },
    requestIntroduction: {
        caller: 'alpineMember',
        document: `mutation($channel: String!, $memberNumber: String!, $hostClub: String!, $from: Date!, $until: Date!, $note: String) {
            requestIntroduction(channel: $channel, memberNumber: $memberNumber, hostClub: $hostClub, from: $from, until: $until, note: $note) { transactionId } }`,
        valid: { channel: CHANNEL, memberNumber: 'ALP000001', hostClub: 'HarbourMSP', from: '2026-04-01', until: '2026-04-05', note: 'Two nights' },
    },
    changeIntroduction: {
        caller: 'alpineStaff',
        document: `mutation($channel: String!, $introductionId: String!, $change: IntroductionChange!) {
            changeIntroduction(channel: $channel, introductionId: $introductionId, change: $change) { transactionId } }`,
        valid: { channel: CHANNEL, introductionId: INTRODUCTION_ID, change: 'ISSUE' },
    },
    openProposal: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $input: ProposalInput!) { openProposal(channel: $channel, input: $input) { transactionId } }',
        valid: { channel: CHANNEL, input: proposal },
    },
    castVote: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $proposalId: String!, $choice: VoteChoice!) { castVote(channel: $channel, proposalId: $proposalId, choice: $choice) { transactionId } }',
        valid: { channel: CHANNEL, proposalId: PROPOSAL_ID, choice: 'YES' },
    },
    closeProposal: {
        caller: 'alpineStaff',
        document: 'mutation($channel: String!, $proposalId: String!) { closeProposal(channel: $channel, proposalId: $proposalId) { transactionId } }',
        valid: { channel: CHANNEL, proposalId: PROPOSAL_ID },
    },
    registerClub: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $input: ClubRegistrationInput!) { registerClub(channel: $channel, input: $input) { transactionId } }',
        valid: { channel: CHANNEL, input: { profile, memberPrefix: 'ALP' } },
    },
    updateClubProfile: {
        caller: 'alpineAdmin',
        document: 'mutation($channel: String!, $profile: ClubProfileInput!) { updateClubProfile(channel: $channel, profile: $profile) { transactionId } }',
        valid: { channel: CHANNEL, profile },
    },
} satisfies Record<string, { caller: CallerName; document: string; valid: Variables }>;
type MutationName = keyof typeof mutations;

/** `variables` with the value at each dotted path replaced, added, or (undefined) left out. */
function changed(variables: Variables, changes: Readonly<Record<string, unknown>>): Variables {
    const copy = structuredClone(variables) as Record<string, unknown>;
    for (const [path, value] of Object.entries(changes)) {
        const keys = path.split('.');
        const last = keys.pop()!;
        const target = keys.reduce((object, key) => object[key] as Record<string, unknown>, copy);
        target[last] = value;
    }
    return copy;
}

/** [what is wrong, the mutation, the changes to its valid variables, what the refusal says]. */
const cases: readonly (readonly [string, MutationName, Readonly<Record<string, unknown>>, RegExp])[] = [
    // Members and personal records
    ['an e-mail address that is not one', 'enrolMember', { 'input.personalData.email': 'ada-at-example.org' }, /^input\.personalData: Invalid email address/],
    ['an empty given name', 'enrolMember', { 'input.personalData.givenName': '' }, /^input\.personalData: Too small: expected string to have >=1 characters/],
    ['a given name of blanks only', 'enrolMember', { 'input.personalData.givenName': '   ' }, /^input\.personalData: Too small/],
    ['an oversized family name', 'enrolMember', { 'input.personalData.familyName': 'x'.repeat(201) }, /^input\.personalData: Too big: expected string to have <=200 characters/],
    ['a date of birth that does not exist', 'enrolMember', { 'input.personalData.dateOfBirth': '1985-02-30' }, /"1985-02-30" at "input\.personalData\.dateOfBirth"; Date: /],
    ['an unparseable end of membership', 'enrolMember', { 'input.validUntil': 'end of 2027' }, /"end of 2027" at "input\.validUntil"; Date: /],
    ['an unknown membership type', 'enrolMember', { 'input.membershipType': 'PLATINUM' }, /Value "PLATINUM" does not exist in "MembershipType" enum/],
    ['a phone number that is not E.164', 'enrolMember', { 'input.personalData.phone': '0791234567' }, /^input\.personalData: must be an E\.164 phone number/],
    ['a country that is not ISO 3166 alpha-2', 'enrolMember', { 'input.personalData.address.country': 'Switzerland' }, /^input\.personalData: Invalid string/],
    ['an emergency contact without a valid phone', 'enrolMember', { 'input.personalData.emergencyContact.phone': 'call me' }, /^input\.personalData: must be an E\.164 phone number/],
    ['a personal field the API does not know', 'enrolMember', { 'input.personalData.nationality': 'CH' }, /Field "nationality" is not defined by type "PersonalDataInput"/],
    ['a number for a name', 'enrolMember', { 'input.personalData.givenName': 42 }, /String cannot represent a non string value: 42/],
    ['a lower-case member number', 'updatePersonalData', { memberNumber: 'alp000042' }, /^memberNumber: must be a member number such as HAR000042/],
    ['a member number too short', 'changeMemberStatus', { memberNumber: 'ALP42' }, /^memberNumber: must be a member number/],
    ['an unknown status change', 'changeMemberStatus', { change: 'DELETE' }, /Value "DELETE" does not exist in "MemberStatusChange" enum/],
    ['a renewal date in another format', 'renewMember', { validUntil: '31/12/2028' }, /"31\/12\/2028" at "validUntil"|Date: /],
    // Channels
    ['a channel in capitals', 'erasePersonalData', { channel: 'Atlantic' }, /^channel: must be a channel name such as atlantic/],
    ['an empty channel', 'erasePersonalData', { channel: '' }, /^channel: must be a channel name/],
    ['an oversized channel', 'castVote', { channel: 'a'.repeat(300) }, /^channel: must be a channel name/],
    ['a channel with a path in it', 'checkIn', { channel: 'atlantic/../alps' }, /^channel: must be a channel name/],
    // Agreements
    ['a monthly limit above the yearly one', 'proposeAgreement', { 'terms.visitsPerMemberPerMonth': 10, 'terms.visitsPerMemberPerYear': 5 }, /^terms: the monthly limit must not exceed the yearly limit/],
    ['terms that end before they start', 'proposeAgreement', { 'terms.validFrom': '2026-12-31', 'terms.validUntil': '2026-01-01' }, /^terms: validFrom must not be after validUntil/],
    ['a negative monthly limit', 'proposeAgreement', { 'terms.visitsPerMemberPerMonth': -1 }, /^terms: Too small: expected number to be >=0/],
    ['more guests than any agreement allows', 'proposeAgreement', { 'terms.guestsPerVisit': 21 }, /^terms: Too big: expected number to be <=20/],
    ['a number of nights beyond 32 bits', 'proposeAgreement', { 'terms.nightsPerStay': 9_999_999_999 }, /Int cannot represent non 32-bit signed integer value: 9999999999/],
    ['a fractional number of guests', 'proposeAgreement', { 'terms.guestsPerVisit': 2.5 }, /Int cannot represent non-integer value: 2\.5/],
    ['a fee above the ceiling', 'proposeAgreement', { 'terms.feePerVisit.amountMinor': 100_000_001 }, /^terms: Too big: expected number to be <=100000000/],
    ['a negative fee', 'proposeAgreement', { 'terms.feePerVisit.amountMinor': -2500 }, /^terms: Too small: expected number to be >=0/],
    ['a currency that is not ISO 4217', 'proposeAgreement', { 'terms.feePerVisit.currency': 'euro' }, /^terms: must be an ISO 4217 currency code/],
    ['a fee given as text', 'proposeAgreement', { 'terms.feePerVisit': '25 EUR' }, /Expected type "MoneyInput" to be an object/],
    ['no allowed weekday', 'proposeAgreement', { 'terms.allowedWeekdays': [] }, /^terms: Too small: expected array to have >=1 items/],
    ['a weekday twice', 'proposeAgreement', { 'terms.allowedWeekdays': ['MON', 'MON'] }, /^terms: weekdays must not repeat/],
    ['an unknown weekday', 'proposeAgreement', { 'terms.allowedWeekdays': ['FUNDAY'] }, /Value "FUNDAY" does not exist in "Weekday" enum/],
    ['an unknown facility', 'proposeAgreement', { 'terms.facilities': ['CASINO'] }, /Value "CASINO" does not exist in "Facility" enum/],
    ['a blackout range that ends before it starts', 'proposeAgreement', { 'terms.blackoutDates': [{ from: '2026-12-26', until: '2026-12-24' }] }, /^terms: from must not be after until/],
    ['a counterparty that is not an MSP ID', 'proposeAgreement', { counterparty: 'Harbour MSP' }, /^counterparty: must be an MSP ID such as HarbourMSP/],
    ['an empty counterparty', 'proposeAgreement', { counterparty: '' }, /^counterparty: must be an MSP ID/],
    ['a malformed agreement ID', 'changeAgreement', { agreementId: 'not-an-id' }, /^agreementId: must be a 64-character transaction-derived ID/],
    ['an agreement ID in capitals', 'changeAgreement', { agreementId: AGREEMENT_ID.toUpperCase() }, /^agreementId: must be a 64-character/],
    ['an unknown agreement change', 'changeAgreement', { change: 'RENEGOTIATE' }, /Value "RENEGOTIATE" does not exist in "AgreementChange" enum/],
    ['amended terms with a membership type twice', 'proposeAmendment', { 'terms.eligibleMembershipTypes': ['VIP', 'VIP'] }, /^terms: membership types must not repeat/],
    ['amended terms without their fee', 'proposeAmendment', { 'terms.feePerVisit': undefined }, /Field "feePerVisit" of required type "MoneyInput!" was not provided/],
    // Visits
    ['a negative number of guests', 'checkIn', { 'input.guests': -1 }, /^input: Too small: expected number to be >=0/],
    ['a stay longer than a year', 'checkIn', { 'input.nights': 367 }, /^input: Too big: expected number to be <=366/],
    ['a check-in at an unknown facility', 'checkIn', { 'input.facility': 'CASINO' }, /Value "CASINO" does not exist in "Facility" enum/],
    ['a member number too long', 'checkIn', { memberNumber: 'ALP0000001234' }, /^memberNumber: must be a member number/],
    ['a malformed introduction ID', 'checkIn', { 'input.introductionId': 'xyz' }, /^input: must be a 64-character transaction-derived ID/],
    ['guests given as a word', 'checkIn', { 'input.guests': 'two' }, /Int cannot represent non-integer value: "two"/],
    ['a client request ID with a space', 'checkIn', { 'input.clientRequestId': 'desk 1' }, /^input\.clientRequestId: must be 1 to 64 letters, digits, - or _/],
    ['an empty client request ID', 'checkIn', { 'input.clientRequestId': '' }, /^input\.clientRequestId: must be 1 to 64 letters, digits, - or _/],
    ['a client request ID of 65 characters', 'checkIn', { 'input.clientRequestId': 'r'.repeat(65) }, /^input\.clientRequestId: must be 1 to 64 letters, digits, - or _/],
    ['an empty visit ID', 'checkOut', { visitId: '' }, /^visitId: must be a 64-character/],
    ['a visit ID one character too long', 'cancelVisit', { visitId: `${VISIT_ID}0` }, /^visitId: must be a 64-character/],
    // Bars and introductions
    ['a bar that ends before it starts', 'barMember', { from: '2026-06-30', until: '2026-03-01' }, /^bar: from must not be after until/],
    ['a bar without a reason', 'barMember', { reason: '' }, /^bar: Too small/],
    ['an oversized reason for a bar', 'barMember', { reason: 'x'.repeat(201) }, /^bar: Too big/],
    ['a bar from no date', 'barMember', { from: 'not-a-date' }, /"not-a-date" at "from"|Date: /],
    ['lifting the bar of an empty member number', 'liftBar', { memberNumber: '' }, /^memberNumber: must be a member number/],
    ['a stay that ends before it starts', 'requestIntroduction', { from: '2026-04-05', until: '2026-04-01' }, /^stay: from must not be after until/],
    ['a host that is not an MSP ID', 'requestIntroduction', { hostClub: '1MSP' }, /^request: must be an MSP ID/],
    ['an oversized note', 'requestIntroduction', { note: 'x'.repeat(201) }, /^request: Too big/],
    ['a malformed introduction ID to issue', 'changeIntroduction', { introductionId: 'intro-1' }, /^introductionId: must be a 64-character/],
    // Governance
    ['a voting deadline without a time', 'openProposal', { 'input.votingDeadline': '2026-03-10' }, /"2026-03-10" at "input\.votingDeadline"; DateTime: /],
    ['a voting deadline with an offset rather than UTC', 'openProposal', { 'input.votingDeadline': '2026-03-10T10:00:00+01:00' }, /DateTime: /],
    ['a general proposal naming a club', 'openProposal', { 'input.targetClub': 'MetroMSP' }, /^input: Unrecognized key: "targetClub"/],
    ['a suspension without the club to suspend', 'openProposal', { 'input.type': 'SUSPEND_CLUB' }, /^input: Invalid input: expected string, received undefined/],
    ['new rules admitting clubs by simple majority', 'openProposal', { 'input.type': 'AMEND_RULES', 'input.rules': { ...rules, passRules: { ...rules.passRules, ADMIT_CLUB: 'SIMPLE' } } }, /^input: admitting or suspending a club needs TWO_THIRDS at least/],
    ['new rules with no quorum', 'openProposal', { 'input.type': 'AMEND_RULES', 'input.rules': { ...rules, quorumPercent: 0 } }, /^input: Too small: expected number to be >=1/],
    ['new rules whose longest vote is shorter than the shortest', 'openProposal', { 'input.type': 'AMEND_RULES', 'input.rules': { ...rules, minVotingHours: 48, maxVotingHours: 24 } }, /^input: maxVotingHours must not be less than minVotingHours/],
    ['a proposal without a title', 'openProposal', { 'input.title': '' }, /^input: Too small/],
    ['an oversized description', 'openProposal', { 'input.description': 'x'.repeat(4001) }, /^input: Too big: expected string to have <=4000 characters/],
    ['an unknown proposal type', 'openProposal', { 'input.type': 'DISSOLVE' }, /Value "DISSOLVE" does not exist in "ProposalType" enum/],
    ['an unknown vote', 'castVote', { choice: 'MAYBE' }, /Value "MAYBE" does not exist in "VoteChoice" enum/],
    ['a malformed proposal ID to vote on', 'castVote', { proposalId: 'proposal-1' }, /^proposalId: must be a 64-character/],
    ['a malformed proposal ID to close', 'closeProposal', { proposalId: '' }, /^proposalId: must be a 64-character/],
    // Clubs
    ['a member prefix of two letters', 'registerClub', { 'input.memberPrefix': 'AL' }, /^input: must be three capital letters/],
    ['a member prefix in lower case', 'registerClub', { 'input.memberPrefix': 'alp' }, /^input: must be three capital letters/],
    ['a country code in lower case', 'registerClub', { 'input.profile.country': 'ch' }, /^input: must be an ISO 3166-1 alpha-2 country code/],
    ['a pass key that is not a PEM public key', 'registerClub', { 'input.profile.passPublicKey': 'not a pem' }, /^input: must be a PEM public key/],
    ['a club without facilities', 'registerClub', { 'input.profile.facilities': [] }, /^input: Too small: expected array to have >=1 items/],
    ['a time zone with a blank', 'updateClubProfile', { 'profile.timezone': 'Europe Zurich' }, /^profile: must be an IANA time zone/],
    ['an oversized club name', 'updateClubProfile', { 'profile.name': 'x'.repeat(201) }, /^profile: Too big/],
];

describe('bad input to mutations: BAD_USER_INPUT, and the ledger is never asked', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi({ personalDataKeys: new InMemoryPersonalDataKeys() });
    });

    afterEach(() => {
        api.ledger.reset();
    });

    describe('the valid requests the cases start from', () => {
        beforeEach(() => {
            for (const transaction of [
                'Member:enrol', 'Member:recordPersonalData', 'Member:activate', 'Member:attestPersonalData', 'Member:suspend', 'Member:renew', 'Member:erasePersonalData',
                'Agreement:propose', 'Agreement:suspend', 'Agreement:proposeAmendment', 'Visit:checkIn', 'Visit:checkOut', 'Visit:cancel',
                'Bar:bar', 'Bar:lift', 'Introduction:request', 'Introduction:issue', 'Governance:propose', 'Governance:vote', 'Governance:close',
                'Club:register', 'Club:updateProfile',
            ]) {
                api.ledger.commits(transaction, { memberNumber: 'ALP000042' });
            }
            api.ledger
                .answers('Club:list', [ledgerClub('AlpineMSP'), ledgerClub('HarbourMSP')])
                .answers('Agreement:get', { proposer: 'AlpineMSP', counterparty: 'HarbourMSP' })
                .answers('Visit:get', { homeClub: 'HarbourMSP', hostClub: 'AlpineMSP' })
                .answers('Visit:endorsersForCheckIn', ['AlpineMSP', 'HarbourMSP'])
                .answers('Governance:votes', []);
        });

        for (const [name, { caller, document, valid }] of Object.entries(mutations)) {
            it(`${name} is committed, every ledger call made as the token’s caller`, async () => {
                const data = dataOf(await api.ask(caller, document, valid));
                expect(data[name]).to.have.property('transactionId').that.matches(/^[0-9a-f]{64}$/);
                expect(api.ledger.submit.called).to.equal(true);
                for (const recorded of api.ledger.calls()) {
                    expect(recorded.caller).to.deep.equal(CALLERS[caller]);
                }
            });
        }
    });

    for (const [wrong, mutation, changes, says] of cases) {
        it(`${mutation}: refuses ${wrong}`, async () => {
            const { caller, document, valid } = mutations[mutation];
            const response = await api.ask(caller, document, changed(valid, changes));
            expect(errorCodes(response)).to.deep.equal(['BAD_USER_INPUT']);
            expect(onlyError(response).message).to.match(says);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    }
});
