import { type Proposal, ProposalRequest, type Vote } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { type FakeLedgerApi, type RecordedLedgerCall, fakeLedgerApi, ledgerStamp, readConflict, transactionIdOf } from '../support/fake-ledger-service.js';
import { CALLERS, dataOf, errorCodes, onlyError } from '../support/tokens.js';

const CHANNEL = 'atlantic';
const ALPINE = 'AlpineMSP';
const PROPOSAL_ID = transactionIdOf('proposal');
const DEADLINE = '2026-03-09T10:00:00.000Z';
const about = { title: 'Shared events calendar', description: 'Publish every club event on one shared calendar.' };

function generalProposal(overrides: Partial<Proposal> = {}): Proposal {
    return {
        type: 'GENERAL',
        ...about,
        proposalId: PROPOSAL_ID,
        proposer: ALPINE,
        votingDeadline: DEADLINE,
        quorumPercent: 50,
        passRule: 'SIMPLE',
        eligibleVoters: ['AlpineMSP', 'HarbourMSP', 'MetroMSP'],
        status: 'OPEN',
        created: ledgerStamp(ALPINE, 'carol', 'propose'),
        ...overrides,
    } as Proposal;
}

function vote(club: string, choice: Vote['choice']): Vote {
    return { proposalId: PROPOSAL_ID, club, choice, cast: ledgerStamp(club, `admin@${club}`, `vote ${club}`) };
}

const proposalFields = `proposal { proposalId type status targetClub rules { quorumPercent passRules { admitClub } } tally { yes no passed } votes { club choice } }
    transactionId blockNumber`;
const OPEN = `mutation Open($channel: String!, $input: ProposalInput!) { openProposal(channel: $channel, input: $input) { ${proposalFields} } }`;
const VOTE = `mutation Vote($channel: String!, $proposalId: String!, $choice: VoteChoice!) {
    castVote(channel: $channel, proposalId: $proposalId, choice: $choice) { vote { proposalId club choice cast { by club } } transactionId blockNumber } }`;
const CLOSE = `mutation Close($channel: String!, $proposalId: String!) { closeProposal(channel: $channel, proposalId: $proposalId) { ${proposalFields} } }`;

const stricterRules = {
    quorumPercent: 75,
    passRules: { ADMIT_CLUB: 'THREE_QUARTERS', SUSPEND_CLUB: 'UNANIMOUS', AMEND_RULES: 'THREE_QUARTERS', GENERAL: 'TWO_THIRDS' },
    minVotingHours: 24,
    maxVotingHours: 336,
    admissionRequired: true,
};

describe('governance mutations on the ledger', () => {
    let api: FakeLedgerApi;

    before(async () => {
        api = await fakeLedgerApi();
    });

    afterEach(() => {
        api.ledger.reset();
    });

    describe('openProposal', () => {
        const requests = {
            GENERAL: { input: { type: 'GENERAL', ...about, votingDeadline: DEADLINE, targetClub: null, rules: null }, sent: { type: 'GENERAL', ...about, votingDeadline: DEADLINE } },
            SUSPEND_CLUB: {
                input: { type: 'SUSPEND_CLUB', ...about, votingDeadline: DEADLINE, targetClub: 'MetroMSP' },
                sent: { type: 'SUSPEND_CLUB', ...about, votingDeadline: DEADLINE, targetClub: 'MetroMSP' },
            },
            AMEND_RULES: {
                input: { type: 'AMEND_RULES', ...about, votingDeadline: DEADLINE, rules: stricterRules },
                sent: { type: 'AMEND_RULES', ...about, votingDeadline: DEADLINE, rules: stricterRules },
            },
        } as const;

        for (const [type, { input, sent }] of Object.entries(requests)) {
            it(`submits a ${type} request as JSON ProposalRequest and returns the opened proposal without votes`, async () => {
                const receipt = { transactionId: PROPOSAL_ID, blockNumber: 60n };
                api.ledger.commits('Governance:propose', generalProposal(), receipt);

                const data = dataOf(await api.ask('alpineAdmin', OPEN, { channel: CHANNEL, input }));

                expect(data.openProposal).to.deep.include({ transactionId: PROPOSAL_ID, blockNumber: '60' });
                expect(data.openProposal).to.deep.nested.include({ 'proposal.status': 'OPEN', 'proposal.votes': [] });
                const [{ operation, caller, call }] = api.ledger.calls() as [RecordedLedgerCall];
                expect({ operation, caller }).to.deep.equal({ operation: 'submit', caller: CALLERS.alpineAdmin });
                expect({ ...call, args: call.args.map((arg) => JSON.parse(arg) as unknown) }).to.deep.equal({ channel: CHANNEL, transaction: 'Governance:propose', args: [sent] });
                expect(ProposalRequest.parse(JSON.parse(call.args[0]!))).to.deep.equal(sent);
            });
        }

        it('refuses staff (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineStaff', OPEN, { channel: CHANNEL, input: requests.GENERAL.input }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });

    describe('castVote', () => {
        it('submits the proposal and the choice; the voting club is the token’s, never an argument', async () => {
            const receipt = { transactionId: transactionIdOf('harbour votes'), blockNumber: 61n };
            api.ledger.commits('Governance:vote', vote('HarbourMSP', 'NO'), receipt);

            const data = dataOf(await api.ask('harbourAdmin', VOTE, { channel: CHANNEL, proposalId: PROPOSAL_ID, choice: 'NO' }));

            expect(data.castVote).to.deep.equal({
                vote: { proposalId: PROPOSAL_ID, club: 'HarbourMSP', choice: 'NO', cast: { by: 'admin@HarbourMSP', club: 'HarbourMSP' } },
                transactionId: receipt.transactionId,
                blockNumber: '61',
            });
            expect(api.ledger.calls()).to.deep.equal([
                { operation: 'submit', caller: CALLERS.harbourAdmin, call: { channel: CHANNEL, transaction: 'Governance:vote', args: [PROPOSAL_ID, 'NO'] } },
            ]);
        });

        it('offers no way to vote for another club: a club argument does not validate and nothing is submitted', async () => {
            const forClub = `mutation { castVote(channel: "atlantic", proposalId: "${PROPOSAL_ID}", choice: YES, club: "MetroMSP") { transactionId } }`;
            expect(errorCodes(await api.ask('alpineAdmin', forClub))).to.deep.equal(['GRAPHQL_VALIDATION_FAILED']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });

        it('maps a vote invalidated by a concurrent vote (MVCC read conflict) to CONFLICT', async () => {
            const conflicted = transactionIdOf('late vote');
            api.ledger.fails('Governance:vote', readConflict(conflicted));
            const error = onlyError(await api.ask('alpineAdmin', VOTE, { channel: CHANNEL, proposalId: PROPOSAL_ID, choice: 'YES' }));
            expect(error).to.deep.equal({
                message: 'a concurrent change conflicted with this one; try again',
                locations: [{ line: 2, column: 5 }],
                path: ['castVote'],
                extensions: { code: 'CONFLICT', reason: 'MVCC_READ_CONFLICT', transactionId: conflicted },
            });
        });

        for (const caller of ['alpineStaff', 'alpineAuditor', 'alpineMember'] as const) {
            it(`refuses the role ${CALLERS[caller].role} (FORBIDDEN) without calling the ledger`, async () => {
                expect(errorCodes(await api.ask(caller, VOTE, { channel: CHANNEL, proposalId: PROPOSAL_ID, choice: 'YES' }))).to.deep.equal(['FORBIDDEN']);
                expect(api.ledger.calls()).to.deep.equal([]);
            });
        }
    });

    describe('closeProposal', () => {
        const tally = { yes: 2, no: 1, abstain: 0, eligible: 3, quorumReached: true, passed: true };

        for (const caller of ['alpineAdmin', 'alpineStaff', 'alpineAuditor'] as const) {
            it(`lets the role ${CALLERS[caller].role} close: submits Governance:close, then reads the votes cast`, async () => {
                const receipt = { transactionId: transactionIdOf('close'), blockNumber: 62n };
                const votes = [vote('AlpineMSP', 'YES'), vote('HarbourMSP', 'NO'), vote('MetroMSP', 'YES')];
                api.ledger.commits('Governance:close', generalProposal({ status: 'PASSED', tally }), receipt).answers('Governance:votes', votes);

                const data = dataOf(await api.ask(caller, CLOSE, { channel: CHANNEL, proposalId: PROPOSAL_ID }));

                expect(data.closeProposal).to.deep.equal({
                    proposal: {
                        proposalId: PROPOSAL_ID,
                        type: 'GENERAL',
                        status: 'PASSED',
                        targetClub: null,
                        rules: null,
                        tally: { yes: 2, no: 1, passed: true },
                        votes: votes.map(({ club, choice }) => ({ club, choice })),
                    },
                    transactionId: receipt.transactionId,
                    blockNumber: '62',
                });
                expect(api.ledger.calls()).to.deep.equal([
                    { operation: 'submit', caller: CALLERS[caller], call: { channel: CHANNEL, transaction: 'Governance:close', args: [PROPOSAL_ID] } },
                    { operation: 'evaluate', caller: CALLERS[caller], call: { channel: CHANNEL, transaction: 'Governance:votes', args: [PROPOSAL_ID] } },
                ]);
            });
        }

        it('refuses members (FORBIDDEN) without calling the ledger', async () => {
            expect(errorCodes(await api.ask('alpineMember', CLOSE, { channel: CHANNEL, proposalId: PROPOSAL_ID }))).to.deep.equal(['FORBIDDEN']);
            expect(api.ledger.calls()).to.deep.equal([]);
        });
    });
});
