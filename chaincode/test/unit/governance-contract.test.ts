import { expect } from 'chai';
import { ClubContract } from '../../src/clubs/club-contract';
import { requireActiveClub } from '../../src/clubs/clubs';
import { GovernanceContract } from '../../src/governance/governance-contract';
import type { Club } from '../../src/model/club';
import {
    type ConsortiumRules,
    type Proposal,
    type ProposalRequest,
    type Vote,
    defaultConsortiumRules,
} from '../../src/model/governance';
import { ALPINE, HARBOUR, METRO, admin, auditor, clubRegistration, registerClubs, staff } from '../support/fixtures';
import {
    COAST,
    LAKE,
    admissionRequest,
    amendmentRequest,
    arrangeClubStatus,
    arrangeRules,
    castVotes,
    closeAtDeadline,
    defaultDeadline,
    generalRequest,
    hoursAfter,
    msAfter,
    propose,
    registerMoreClubs,
    stricterRules,
    suspensionRequest,
    voteRecord,
} from '../support/governance-fixtures';
import { FakeLedger, type Submitter, refusal } from '../support/ledger';

describe('GovernanceContract', () => {
    const governance = new GovernanceContract();
    let ledger: FakeLedger;

    beforeEach(async () => {
        ledger = new FakeLedger();
        await registerClubs(ledger);
    });

    /** The committed world state, to show that a refused transaction wrote nothing. */
    const snapshot = () => new Map(ledger.state);

    const submitProposal = (request: unknown, submitter: Submitter = admin(HARBOUR)) =>
        ledger.submit(submitter, (ctx) =>
            governance.propose(ctx, typeof request === 'string' ? request : JSON.stringify(request)),
        );

    const vote = (submitter: Submitter, proposalId: string, choice: string) =>
        ledger.submit(submitter, (ctx) => governance.vote(ctx, proposalId, choice));

    const close = (submitter: Submitter, proposalId: string) =>
        ledger.submit(submitter, (ctx) => governance.close(ctx, proposalId));

    describe('propose', () => {
        it('opens a proposal with the current rules and the ACTIVE clubs as voters', async () => {
            const deadline = defaultDeadline(ledger);
            const { event, txId } = await submitProposal(generalRequest(deadline));

            const proposal = ledger.read<Proposal>('proposal', txId);
            expect(proposal).to.deep.equal({
                ...generalRequest(deadline),
                proposalId: txId,
                proposer: HARBOUR,
                votingDeadline: deadline.toISOString(),
                quorumPercent: 50,
                passRule: 'SIMPLE',
                eligibleVoters: [ALPINE, HARBOUR, METRO],
                status: 'OPEN',
                created: { by: `admin@${HARBOUR}`, club: HARBOUR, at: ledger.clock.toISOString(), txId },
            });
            expect(ledger.read<string>('openProposal', txId)).to.equal(txId);
            expect(event).to.deep.include({ name: 'ProposalOpened', submitter: HARBOUR, parties: [ALPINE, HARBOUR, METRO] });
            expect(event?.changes).to.deep.equal([{ kind: 'proposal', value: proposal }]);
        });

        it('fixes the voters when it opens: a SUSPENDED club is not one', async () => {
            arrangeClubStatus(ledger, METRO, 'SUSPENDED');
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            expect(proposal.eligibleVoters).to.deep.equal([ALPINE, HARBOUR]);
        });

        it('takes quorum and pass rule for its type from the stored rules', async () => {
            arrangeRules(ledger, { quorumPercent: 80, passRules: { ...defaultConsortiumRules.passRules, SUSPEND_CLUB: 'UNANIMOUS' } });
            const proposal = await propose(ledger, suspensionRequest(METRO, defaultDeadline(ledger)));
            expect(proposal).to.include({ quorumPercent: 80, passRule: 'UNANIMOUS', targetClub: METRO });
        });

        it('stores the deadline in one ISO form', async () => {
            const request = { ...generalRequest(ledger.clock), votingDeadline: '2026-03-04T10:00:00Z' };
            const proposal = await propose(ledger, request);
            expect(proposal.votingDeadline).to.equal('2026-03-04T10:00:00.000Z');
        });

        it('names the club to admit or suspend among the parties', async () => {
            const { event } = await submitProposal(admissionRequest(LAKE, defaultDeadline(ledger)));
            expect(event?.parties).to.deep.equal([ALPINE, HARBOUR, LAKE, METRO]);
        });

        for (const submitter of [staff(HARBOUR), auditor(HARBOUR), { mspId: HARBOUR } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const before = snapshot();
                const error = await refusal(submitProposal(generalRequest(defaultDeadline(ledger)), submitter));
                expect(error.message).to.match(/^FORBIDDEN: /);
                expect(ledger.state).to.deep.equal(before);
            });
        }

        it('refuses an admin of a club that is not registered', async () => {
            const error = await refusal(submitProposal(generalRequest(defaultDeadline(ledger)), admin(LAKE)));
            expect(error.message).to.equal('NOT_FOUND: club LakeMSP does not exist');
        });

        it('refuses an admin of a SUSPENDED club', async () => {
            arrangeClubStatus(ledger, HARBOUR, 'SUSPENDED');
            const before = snapshot();
            const error = await refusal(submitProposal(generalRequest(defaultDeadline(ledger))));
            expect(error.message).to.match(/^CLUB_SUSPENDED: club HarbourMSP/);
            expect(ledger.state).to.deep.equal(before);
        });

        describe('voting deadline', () => {
            const refusedDeadline = async (deadline: Date) => {
                const before = snapshot();
                const error = await refusal(submitProposal(generalRequest(deadline)));
                expect(ledger.state).to.deep.equal(before);
                return error.message;
            };

            it('refuses a deadline at or before the transaction time', async () => {
                expect(await refusedDeadline(ledger.clock)).to.match(/^INVALID_ARGUMENT: votingDeadline .* is not after/);
                expect(await refusedDeadline(hoursAfter(ledger.clock, -1))).to.match(/^INVALID_ARGUMENT: /);
            });

            it('accepts any later deadline while the shortest period is zero hours', async () => {
                const proposal = await propose(ledger, generalRequest(msAfter(ledger.clock, 1)));
                expect(proposal.status).to.equal('OPEN');
            });

            it('accepts a deadline exactly at the longest voting period and refuses one past it', async () => {
                const longest = hoursAfter(ledger.clock, defaultConsortiumRules.maxVotingHours);
                expect(await refusedDeadline(msAfter(longest, 1))).to.match(
                    /^INVALID_ARGUMENT: votingDeadline must be between 0 and 1440 hours after/,
                );
                expect((await propose(ledger, generalRequest(longest))).votingDeadline).to.equal(longest.toISOString());
            });

            it('refuses a deadline before the shortest voting period and accepts one exactly at it', async () => {
                arrangeRules(ledger, { minVotingHours: 24, maxVotingHours: 72 });
                const shortest = hoursAfter(ledger.clock, 24);
                expect(await refusedDeadline(msAfter(shortest, -1))).to.match(
                    /^INVALID_ARGUMENT: votingDeadline must be between 24 and 72/,
                );
                expect((await propose(ledger, generalRequest(shortest))).votingDeadline).to.equal(shortest.toISOString());
            });
        });

        describe('targets', () => {
            it('admits a club that is not registered yet', async () => {
                const proposal = await propose(ledger, admissionRequest(LAKE, defaultDeadline(ledger)));
                expect(proposal).to.include({ type: 'ADMIT_CLUB', targetClub: LAKE, passRule: 'TWO_THIRDS' });
            });

            it('admits a SUSPENDED club back', async () => {
                arrangeClubStatus(ledger, METRO, 'SUSPENDED');
                const proposal = await propose(ledger, admissionRequest(METRO, defaultDeadline(ledger)));
                expect(proposal).to.include({ type: 'ADMIT_CLUB', targetClub: METRO });
            });

            it('refuses to admit a club that is ACTIVE already', async () => {
                const before = snapshot();
                const error = await refusal(submitProposal(admissionRequest(METRO, defaultDeadline(ledger))));
                expect(error.message).to.equal('INVALID_TRANSITION: club MetroMSP is ACTIVE already');
                expect(ledger.state).to.deep.equal(before);
            });

            it('refuses to suspend a club that is not registered', async () => {
                const error = await refusal(submitProposal(suspensionRequest(LAKE, defaultDeadline(ledger))));
                expect(error.message).to.equal('NOT_FOUND: club LakeMSP does not exist');
            });

            it('refuses to suspend a club that is SUSPENDED already', async () => {
                arrangeClubStatus(ledger, METRO, 'SUSPENDED');
                const before = snapshot();
                const error = await refusal(submitProposal(suspensionRequest(METRO, defaultDeadline(ledger))));
                expect(error.message).to.match(/^CLUB_SUSPENDED: club MetroMSP/);
                expect(ledger.state).to.deep.equal(before);
            });

            it('carries the proposed rules of an amendment', async () => {
                const proposal = await propose(ledger, amendmentRequest(stricterRules, defaultDeadline(ledger)));
                expect(proposal).to.deep.include({ type: 'AMEND_RULES', rules: stricterRules, passRule: 'TWO_THIRDS' });
            });
        });

        describe('bad input', () => {
            const deadline = () => defaultDeadline(ledger).toISOString();
            const general = () => generalRequest(defaultDeadline(ledger));
            const amendment = (rules: unknown) => ({ ...amendmentRequest(stricterRules, defaultDeadline(ledger)), rules });
            const badInputs: [string, () => unknown, RegExp?][] = [
                ['not JSON', () => '{type:'],
                ['a JSON array', () => '[]'],
                ['an unknown type', () => ({ ...general(), type: 'DISSOLVE' })],
                ['a missing title', () => ({ ...general(), title: undefined }), /request\.title/],
                ['a blank title', () => ({ ...general(), title: '   ' })],
                ['a title over 200 characters', () => ({ ...general(), title: 'x'.repeat(201) })],
                ['a description over 4000 characters', () => ({ ...general(), description: 'x'.repeat(4001) })],
                ['a number for the description', () => ({ ...general(), description: 7 })],
                ['a deadline that is no date', () => ({ ...general(), votingDeadline: 'next Tuesday' }), /votingDeadline/],
                ['a deadline on a day that does not exist', () => ({ ...general(), votingDeadline: '2026-02-30T10:00:00Z' })],
                ['a deadline without a time', () => ({ ...general(), votingDeadline: '2026-03-04' })],
                ['a deadline with a UTC offset', () => ({ ...general(), votingDeadline: '2026-03-04T10:00:00+01:00' })],
                ['an unknown field', () => ({ ...general(), quorumPercent: 1 })],
                ['a target on a GENERAL proposal', () => ({ ...general(), targetClub: METRO })],
                [
                    'a suspension without its target',
                    () => ({ ...suspensionRequest(METRO, defaultDeadline(ledger)), targetClub: undefined }),
                ],
                ['a malformed target', () => ({ ...suspensionRequest(METRO, defaultDeadline(ledger)), targetClub: '../Metro' })],
                ['an amendment without rules', () => ({ type: 'AMEND_RULES', title: 't', description: 'd', votingDeadline: deadline() })],
                [
                    'an amendment admitting clubs by SIMPLE majority',
                    () => amendment({ ...stricterRules, passRules: { ...stricterRules.passRules, ADMIT_CLUB: 'SIMPLE' } }),
                    /rules\.passRules\.ADMIT_CLUB: admitting or suspending a club needs TWO_THIRDS at least/,
                ],
                [
                    'an amendment suspending clubs by SIMPLE majority',
                    () => amendment({ ...stricterRules, passRules: { ...stricterRules.passRules, SUSPEND_CLUB: 'SIMPLE' } }),
                    /rules\.passRules\.SUSPEND_CLUB/,
                ],
                [
                    'an amendment with an unknown pass rule',
                    () => amendment({ ...stricterRules, passRules: { ...stricterRules.passRules, GENERAL: 'MOST' } }),
                ],
                [
                    'an amendment whose longest voting period is shorter than its shortest',
                    () => amendment({ ...stricterRules, minVotingHours: 48, maxVotingHours: 47 }),
                    /rules\.maxVotingHours: maxVotingHours must not be less than minVotingHours/,
                ],
                ['an amendment with a quorum of 0 %', () => amendment({ ...stricterRules, quorumPercent: 0 })],
                ['an amendment with a quorum over 100 %', () => amendment({ ...stricterRules, quorumPercent: 101 })],
                ['an amendment with a fractional quorum', () => amendment({ ...stricterRules, quorumPercent: 50.5 })],
                ['an amendment with negative voting hours', () => amendment({ ...stricterRules, minVotingHours: -1 })],
                ['an amendment with a missing field', () => amendment({ ...stricterRules, admissionRequired: undefined })],
                ['an amendment with an unknown field', () => amendment({ ...stricterRules, fee: 10 })],
            ];
            for (const [what, input, detail] of badInputs) {
                it(`refuses ${what} before writing anything`, async () => {
                    const before = snapshot();
                    const error = await refusal(submitProposal(input()));
                    expect(error.message).to.match(/^INVALID_ARGUMENT: /);
                    if (detail) {
                        expect(error.message).to.match(detail);
                    }
                    expect(ledger.state).to.deep.equal(before);
                });
            }

            it('refuses a request that is not a string', async () => {
                const error = await refusal(ledger.submit(admin(HARBOUR), (ctx) => governance.propose(ctx, 42 as unknown as string)));
                expect(error.message).to.match(/^INVALID_ARGUMENT: request must be a JSON string/);
            });
        });
    });

    describe('vote', () => {
        let proposal: Proposal;

        beforeEach(async () => {
            proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
        });

        it('records one vote per club and tells every voter', async () => {
            const { event, txId } = await vote(admin(ALPINE), proposal.proposalId, 'YES');

            const recorded = ledger.read<Vote>('vote', proposal.proposalId, ALPINE);
            expect(recorded).to.deep.equal({
                proposalId: proposal.proposalId,
                club: ALPINE,
                choice: 'YES',
                cast: { by: `admin@${ALPINE}`, club: ALPINE, at: ledger.clock.toISOString(), txId },
            });
            expect(event).to.deep.include({ name: 'VoteCast', submitter: ALPINE, parties: [ALPINE, HARBOUR, METRO] });
            expect(event?.changes).to.deep.equal([{ kind: 'vote', value: recorded }]);
        });

        it('replaces a club vote when it votes again', async () => {
            await castVotes(ledger, proposal.proposalId, { [ALPINE]: 'YES' });
            await castVotes(ledger, proposal.proposalId, { [ALPINE]: 'NO' });

            const votes = JSON.parse(await ledger.evaluate(auditor(METRO), (ctx) => governance.votes(ctx, proposal.proposalId))) as Vote[];
            expect(votes.map((each) => [each.club, each.choice])).to.deep.equal([[ALPINE, 'NO']]);
        });

        it('accepts a vote just before the deadline and refuses one at it', async () => {
            const deadline = new Date(proposal.votingDeadline);
            await vote({ ...admin(ALPINE), at: msAfter(deadline, -1) }, proposal.proposalId, 'ABSTAIN');

            const before = snapshot();
            const error = await refusal(vote({ ...admin(METRO), at: deadline }, proposal.proposalId, 'YES'));
            expect(error.message).to.match(/^VOTING_CLOSED: voting on proposal .* closed at /);
            expect(ledger.state).to.deep.equal(before);
        });

        it('refuses a vote on a closed proposal', async () => {
            await closeAtDeadline(ledger, proposal);
            const error = await refusal(vote({ ...admin(ALPINE), at: ledger.clock }, proposal.proposalId, 'YES'));
            expect(error.message).to.equal(`VOTING_CLOSED: proposal ${proposal.proposalId} is REJECTED`);
        });

        it('refuses a club registered after the proposal opened', async () => {
            await registerMoreClubs(ledger, LAKE);
            const before = snapshot();
            const error = await refusal(vote(admin(LAKE), proposal.proposalId, 'YES'));
            expect(error.message).to.equal(`NOT_ELIGIBLE_TO_VOTE: club LakeMSP was not ACTIVE when proposal ${proposal.proposalId} opened`);
            expect(ledger.state).to.deep.equal(before);
        });

        it('refuses an eligible club that has been suspended since', async () => {
            arrangeClubStatus(ledger, METRO, 'SUSPENDED');
            const error = await refusal(vote(admin(METRO), proposal.proposalId, 'YES'));
            expect(error.message).to.match(/^CLUB_SUSPENDED: /);
        });

        for (const submitter of [staff(ALPINE), auditor(ALPINE), { mspId: ALPINE } as Submitter]) {
            it(`refuses a submitter whose club.role is ${submitter.role ?? 'missing'}`, async () => {
                const before = snapshot();
                const error = await refusal(vote(submitter, proposal.proposalId, 'YES'));
                expect(error.message).to.match(/^FORBIDDEN: /);
                expect(ledger.state).to.deep.equal(before);
            });
        }

        const badVotes: [string, () => [string, string], RegExp][] = [
            ['an unknown choice', () => [proposal.proposalId, 'MAYBE'], /^INVALID_ARGUMENT: choice/],
            ['a lower-case choice', () => [proposal.proposalId, 'yes'], /^INVALID_ARGUMENT: choice/],
            ['a malformed proposal ID', () => ['proposal-1', 'YES'], /^INVALID_ARGUMENT: proposalId/],
            ['an unknown proposal', () => ['0'.repeat(64), 'YES'], /^NOT_FOUND: proposal 0{64} does not exist/],
        ];
        for (const [what, args, code] of badVotes) {
            it(`refuses ${what}`, async () => {
                const before = snapshot();
                const [proposalId, choice] = args();
                const error = await refusal(vote(admin(ALPINE), proposalId, choice));
                expect(error.message).to.match(code);
                expect(ledger.state).to.deep.equal(before);
            });
        }
    });

    describe('close', () => {
        it('tallies, stores the result, and removes the proposal from the open ones', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES', [METRO]: 'NO' });

            const { result, event, txId } = await closeAtDeadline(ledger, proposal, auditor(METRO));

            const closed = ledger.read<Proposal>('proposal', proposal.proposalId);
            expect(closed).to.deep.equal({
                ...proposal,
                status: 'PASSED',
                tally: { yes: 2, no: 1, abstain: 0, eligible: 3, quorumReached: true, passed: true },
                closed: { by: `auditor@${METRO}`, club: METRO, at: proposal.votingDeadline, txId },
            });
            expect(result).to.deep.equal(closed);
            expect(ledger.read('openProposal', proposal.proposalId)).to.equal(undefined);
            expect(event).to.deep.include({ name: 'ProposalClosed', submitter: METRO, parties: [ALPINE, HARBOUR, METRO] });
            expect(event?.changes).to.deep.equal([{ kind: 'proposal', value: closed }]);
        });

        it('keeps the votes for the record', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES' });
            await closeAtDeadline(ledger, proposal);
            expect(ledger.read<Vote>('vote', proposal.proposalId, HARBOUR)?.choice).to.equal('YES');
        });

        it('refuses to close before the deadline and closes exactly at it', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            const deadline = new Date(proposal.votingDeadline);

            const before = snapshot();
            const error = await refusal(close({ ...auditor(ALPINE), at: msAfter(deadline, -1) }, proposal.proposalId));
            expect(error.message).to.match(/^VOTING_OPEN: voting on proposal .* runs until /);
            expect(ledger.state).to.deep.equal(before);

            await close({ ...auditor(ALPINE), at: deadline }, proposal.proposalId);
            expect(ledger.read<Proposal>('proposal', proposal.proposalId)?.status).to.equal('REJECTED');
        });

        it('refuses to close a proposal twice', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            await closeAtDeadline(ledger, proposal);
            const before = snapshot();
            const error = await refusal(closeAtDeadline(ledger, proposal));
            expect(error.message).to.match(/^INVALID_TRANSITION: proposal .* is REJECTED already/);
            expect(ledger.state).to.deep.equal(before);
        });

        for (const submitter of [admin(ALPINE), staff(ALPINE), auditor(ALPINE)]) {
            it(`lets a club's ${submitter.role} close`, async () => {
                const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
                const { result } = await closeAtDeadline(ledger, proposal, submitter);
                expect(result.status).to.equal('REJECTED');
            });
        }

        it('lets a SUSPENDED club close', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            arrangeClubStatus(ledger, METRO, 'SUSPENDED');
            const { result } = await closeAtDeadline(ledger, proposal, staff(METRO));
            expect(result.closed?.club).to.equal(METRO);
        });

        it('refuses a submitter without a club.role', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            const error = await refusal(closeAtDeadline(ledger, proposal, { mspId: ALPINE }));
            expect(error.message).to.match(/^FORBIDDEN: /);
            expect(ledger.read<Proposal>('proposal', proposal.proposalId)?.status).to.equal('OPEN');
        });

        it('refuses a submitter whose club is not registered', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            const error = await refusal(closeAtDeadline(ledger, proposal, auditor(LAKE)));
            expect(error.message).to.equal('NOT_FOUND: club LakeMSP does not exist');
        });

        it('refuses a malformed or unknown proposal ID', async () => {
            expect((await refusal(close(auditor(ALPINE), 'x'))).message).to.match(/^INVALID_ARGUMENT: proposalId/);
            expect((await refusal(close(auditor(ALPINE), 'a'.repeat(64)))).message).to.match(/^NOT_FOUND: proposal a{64}/);
        });

        describe('tally', () => {
            const closeWith = async (request: ProposalRequest, choices: Parameters<typeof castVotes>[2]) => {
                const proposal = await propose(ledger, request);
                await castVotes(ledger, proposal.proposalId, choices);
                return (await closeAtDeadline(ledger, proposal)).result;
            };

            it('passes TWO_THIRDS with 2 yes and 1 no', async () => {
                const result = await closeWith(suspensionRequest(METRO, defaultDeadline(ledger)), {
                    [HARBOUR]: 'YES',
                    [ALPINE]: 'YES',
                    [METRO]: 'NO',
                });
                expect(result).to.include({ passRule: 'TWO_THIRDS', status: 'PASSED' });
            });

            it('rejects TWO_THIRDS with 1 yes and 1 no', async () => {
                const result = await closeWith(suspensionRequest(METRO, defaultDeadline(ledger)), { [HARBOUR]: 'YES', [METRO]: 'NO' });
                expect(result.tally).to.include({ yes: 1, no: 1, quorumReached: true, passed: false });
                expect(result.status).to.equal('REJECTED');
            });

            it('rejects a SIMPLE tie', async () => {
                const result = await closeWith(generalRequest(defaultDeadline(ledger)), { [HARBOUR]: 'YES', [ALPINE]: 'NO' });
                expect(result.status).to.equal('REJECTED');
            });

            it('passes THREE_QUARTERS with 3 yes and 1 no and rejects it with 2 yes and 1 no', async () => {
                await registerMoreClubs(ledger, LAKE);
                arrangeRules(ledger, { passRules: { ...defaultConsortiumRules.passRules, GENERAL: 'THREE_QUARTERS' } });
                const passed = await closeWith(generalRequest(defaultDeadline(ledger)), {
                    [HARBOUR]: 'YES',
                    [ALPINE]: 'YES',
                    [LAKE]: 'YES',
                    [METRO]: 'NO',
                });
                const rejected = await closeWith(generalRequest(defaultDeadline(ledger)), {
                    [HARBOUR]: 'YES',
                    [ALPINE]: 'YES',
                    [METRO]: 'NO',
                    [LAKE]: 'ABSTAIN',
                });
                expect([passed.status, rejected.status]).to.deep.equal(['PASSED', 'REJECTED']);
            });

            it('passes UNANIMOUS with an abstention and rejects it with one no', async () => {
                arrangeRules(ledger, { passRules: { ...defaultConsortiumRules.passRules, GENERAL: 'UNANIMOUS' } });
                const deadline = defaultDeadline(ledger);
                const passed = await closeWith(generalRequest(deadline), { [HARBOUR]: 'YES', [ALPINE]: 'YES', [METRO]: 'ABSTAIN' });
                const rejected = await closeWith(generalRequest(deadline), { [HARBOUR]: 'YES', [ALPINE]: 'YES', [METRO]: 'NO' });
                expect([passed.status, rejected.status]).to.deep.equal(['PASSED', 'REJECTED']);
            });

            it('rejects a proposal on which every voter abstains', async () => {
                const result = await closeWith(generalRequest(defaultDeadline(ledger)), {
                    [HARBOUR]: 'ABSTAIN',
                    [ALPINE]: 'ABSTAIN',
                    [METRO]: 'ABSTAIN',
                });
                expect(result.tally).to.deep.equal({ yes: 0, no: 0, abstain: 3, eligible: 3, quorumReached: true, passed: false });
            });

            it('counts abstentions towards the quorum', async () => {
                await registerMoreClubs(ledger, LAKE);
                const withAbstention = await closeWith(generalRequest(defaultDeadline(ledger)), { [HARBOUR]: 'YES', [ALPINE]: 'ABSTAIN' });
                const alone = await closeWith(generalRequest(defaultDeadline(ledger)), { [HARBOUR]: 'YES' });
                expect(withAbstention.tally).to.include({ eligible: 4, quorumReached: true, passed: true });
                expect(alone.tally).to.include({ eligible: 4, quorumReached: false, passed: false });
                expect(alone.status).to.equal('REJECTED');
            });

            it('ignores the vote of a club that was not eligible, and keeps counting a voter suspended since', async () => {
                const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
                await castVotes(ledger, proposal.proposalId, { [METRO]: 'YES' });
                arrangeClubStatus(ledger, METRO, 'SUSPENDED');
                await registerMoreClubs(ledger, LAKE, COAST);
                ledger.write(voteRecord(proposal.proposalId, LAKE, 'NO'), 'vote', proposal.proposalId, LAKE);
                ledger.write(voteRecord(proposal.proposalId, COAST, 'NO'), 'vote', proposal.proposalId, COAST);

                const { result } = await closeAtDeadline(ledger, proposal);
                expect(result.tally).to.deep.equal({ yes: 1, no: 0, abstain: 0, eligible: 3, quorumReached: false, passed: false });
            });

            it('keeps the pass rule the proposal opened with after the rules change', async () => {
                const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
                arrangeRules(ledger, { passRules: { ...defaultConsortiumRules.passRules, GENERAL: 'UNANIMOUS' } });
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES', [METRO]: 'NO' });
                const { result } = await closeAtDeadline(ledger, proposal);
                expect(result).to.include({ passRule: 'SIMPLE', status: 'PASSED' });
            });
        });

        describe('effects of a passed proposal', () => {
            const pass = async (request: ProposalRequest) => {
                const proposal = await propose(ledger, request);
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES' });
                return closeAtDeadline(ledger, proposal);
            };

            it('suspends the target club, so it can take part in nothing', async () => {
                const { result, event, txId } = await pass(suspensionRequest(METRO, defaultDeadline(ledger)));

                const club = ledger.read<Club>('club', METRO);
                expect(club).to.include({ status: 'SUSPENDED' });
                expect(club?.updated).to.deep.equal({ by: `auditor@${HARBOUR}`, club: HARBOUR, at: result.votingDeadline, txId });
                expect(event?.parties).to.deep.equal([ALPINE, HARBOUR, METRO]);
                expect(event?.changes).to.deep.equal([
                    { kind: 'proposal', value: result },
                    { kind: 'club', value: club },
                ]);

                const error = await refusal(ledger.evaluate(auditor(HARBOUR), (ctx) => requireActiveClub(ctx, METRO)));
                expect(error.message).to.equal('CLUB_SUSPENDED: club MetroMSP is SUSPENDED on this channel');
                expect((await refusal(submitProposal(generalRequest(defaultDeadline(ledger)), admin(METRO)))).message).to.match(
                    /^CLUB_SUSPENDED: /,
                );
            });

            it('leaves the target ACTIVE when the suspension is rejected', async () => {
                const proposal = await propose(ledger, suspensionRequest(METRO, defaultDeadline(ledger)));
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'NO' });
                const { event } = await closeAtDeadline(ledger, proposal);
                expect(ledger.read<Club>('club', METRO)?.status).to.equal('ACTIVE');
                expect(event?.changes.map((change) => change.kind)).to.deep.equal(['proposal']);
            });

            it('changes nothing more when another proposal suspended the club first', async () => {
                const first = await propose(ledger, suspensionRequest(METRO, defaultDeadline(ledger)));
                const second = await propose(ledger, suspensionRequest(METRO, hoursAfter(ledger.clock, 72)));
                await castVotes(ledger, first.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES' });
                await castVotes(ledger, second.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES' });
                await closeAtDeadline(ledger, first);
                const suspended = ledger.read<Club>('club', METRO);

                const { result, event } = await closeAtDeadline(ledger, second);
                expect(result.status).to.equal('PASSED');
                expect(ledger.read<Club>('club', METRO)).to.deep.equal(suspended);
                expect(event?.changes.map((change) => change.kind)).to.deep.equal(['proposal']);
            });

            it('admits a club that is not registered: it may then register although admission is required', async () => {
                arrangeRules(ledger, { admissionRequired: true });
                const { result, event } = await pass(admissionRequest(LAKE, defaultDeadline(ledger)));

                expect(ledger.read('admission', LAKE)).to.deep.equal({ proposalId: result.proposalId });
                expect(event?.parties).to.deep.equal([ALPINE, HARBOUR, LAKE, METRO]);
                expect(event?.changes).to.deep.equal([{ kind: 'proposal', value: result }]);

                const registration = clubRegistration(LAKE, { memberPrefix: 'LAK' });
                await ledger.submit(admin(LAKE), (ctx) => new ClubContract().register(ctx, JSON.stringify(registration)));
                expect(ledger.read<Club>('club', LAKE)?.status).to.equal('ACTIVE');
            });

            it('writes no admission when the admission is rejected', async () => {
                const proposal = await propose(ledger, admissionRequest(LAKE, defaultDeadline(ledger)));
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'NO' });
                await closeAtDeadline(ledger, proposal);
                expect(ledger.read('admission', LAKE)).to.equal(undefined);
            });

            it('reinstates a SUSPENDED club it admits', async () => {
                arrangeClubStatus(ledger, METRO, 'SUSPENDED');
                const { event } = await pass(admissionRequest(METRO, defaultDeadline(ledger)));
                const club = ledger.read<Club>('club', METRO);
                expect(club?.status).to.equal('ACTIVE');
                expect(event?.changes[1]).to.deep.equal({ kind: 'club', value: club });
                expect(ledger.read('admission', METRO)).to.equal(undefined);
            });

            it('neither changes nor admits a club that registered while the vote ran', async () => {
                const proposal = await propose(ledger, admissionRequest(LAKE, defaultDeadline(ledger)));
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'YES' });
                await registerMoreClubs(ledger, LAKE);
                const registered = ledger.read<Club>('club', LAKE);

                const { result, event } = await closeAtDeadline(ledger, proposal);
                expect(result.status).to.equal('PASSED');
                expect(ledger.read<Club>('club', LAKE)).to.deep.equal(registered);
                expect(ledger.read('admission', LAKE)).to.equal(undefined);
                expect(event?.changes.map((change) => change.kind)).to.deep.equal(['proposal']);
            });

            it('stores amended rules, which new proposals then follow', async () => {
                const { result, event } = await pass(amendmentRequest(stricterRules, defaultDeadline(ledger)));

                expect(ledger.read<ConsortiumRules>('rules')).to.deep.equal(stricterRules);
                expect(event?.changes).to.deep.equal([
                    { kind: 'proposal', value: result },
                    { kind: 'rules', value: stricterRules },
                ]);
                const rules = JSON.parse(await ledger.evaluate(staff(ALPINE), (ctx) => governance.rules(ctx))) as ConsortiumRules;
                expect(rules).to.deep.equal(stricterRules);

                const next = await propose(ledger, generalRequest(hoursAfter(ledger.clock, 24)));
                expect(next).to.include({ quorumPercent: 75, passRule: 'TWO_THIRDS' });
                expect((await refusal(submitProposal(generalRequest(hoursAfter(ledger.clock, 23))))).message).to.match(
                    /^INVALID_ARGUMENT: votingDeadline must be between 24 and 336/,
                );
            });

            it('keeps the rules when the amendment is rejected', async () => {
                const proposal = await propose(ledger, amendmentRequest(stricterRules, defaultDeadline(ledger)));
                await castVotes(ledger, proposal.proposalId, { [HARBOUR]: 'YES', [ALPINE]: 'NO' });
                await closeAtDeadline(ledger, proposal);
                expect(ledger.read('rules')).to.equal(undefined);
            });

            it('changes nothing else for a GENERAL proposal', async () => {
                const before = snapshot();
                const { event } = await pass(generalRequest(defaultDeadline(ledger)));
                const changedKeys = [...ledger.state.keys()].filter((key) => before.get(key) !== ledger.state.get(key));
                // The open index came and went; only the proposal and its votes remain.
                expect(changedKeys.map((key) => key.split('\u0000')[1])).to.have.members(['proposal', 'vote', 'vote']);
                expect(event?.changes.map((change) => change.kind)).to.deep.equal(['proposal']);
            });
        });
    });

    describe('reads', () => {
        it('gets a proposal for any role and refuses a submitter without one', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            for (const reader of [admin(METRO), staff(METRO), auditor(METRO)]) {
                const read = JSON.parse(await ledger.evaluate(reader, (ctx) => governance.get(ctx, proposal.proposalId))) as Proposal;
                expect(read).to.deep.equal(proposal);
            }
            const error = await refusal(ledger.evaluate({ mspId: METRO }, (ctx) => governance.get(ctx, proposal.proposalId)));
            expect(error.message).to.match(/^FORBIDDEN: /);
        });

        it('refuses a malformed proposal ID and reports an unknown one', async () => {
            expect((await refusal(ledger.evaluate(auditor(METRO), (ctx) => governance.get(ctx, 'ABC')))).message).to.match(
                /^INVALID_ARGUMENT: proposalId/,
            );
            expect((await refusal(ledger.evaluate(auditor(METRO), (ctx) => governance.get(ctx, 'f'.repeat(64))))).message).to.match(
                /^NOT_FOUND: /,
            );
            expect((await refusal(ledger.evaluate(auditor(METRO), (ctx) => governance.votes(ctx, 'f'.repeat(64))))).message).to.match(
                /^NOT_FOUND: /,
            );
        });

        it('lists the open proposals, the one whose vote ends first first', async () => {
            const later = await propose(ledger, generalRequest(hoursAfter(ledger.clock, 72)));
            const closing = await propose(ledger, generalRequest(hoursAfter(ledger.clock, 1)));
            const sooner = await propose(ledger, generalRequest(hoursAfter(ledger.clock, 24)));
            await closeAtDeadline(ledger, closing);

            const open = JSON.parse(await ledger.evaluate(staff(ALPINE), (ctx) => governance.listOpen(ctx))) as Proposal[];
            expect(open.map((each) => each.proposalId)).to.deep.equal([sooner.proposalId, later.proposalId]);
        });

        it('orders open proposals with the same deadline by ID', async () => {
            const deadline = defaultDeadline(ledger);
            const first = await propose(ledger, generalRequest(deadline));
            const second = await propose(ledger, generalRequest(deadline));
            const ids = [first.proposalId, second.proposalId];
            const open = JSON.parse(await ledger.evaluate(staff(ALPINE), (ctx) => governance.listOpen(ctx))) as Proposal[];
            expect(open.map((each) => each.proposalId)).to.deep.equal([...ids].sort());
        });

        it('lists no open proposals on a new channel', async () => {
            expect(await ledger.evaluate(auditor(ALPINE), (ctx) => governance.listOpen(ctx))).to.equal('[]');
        });

        it('lists the votes on a proposal in MSP ID order', async () => {
            const proposal = await propose(ledger, generalRequest(defaultDeadline(ledger)));
            await castVotes(ledger, proposal.proposalId, { [METRO]: 'NO', [HARBOUR]: 'YES', [ALPINE]: 'ABSTAIN' });
            const votes = JSON.parse(await ledger.evaluate(auditor(METRO), (ctx) => governance.votes(ctx, proposal.proposalId))) as Vote[];
            expect(votes.map((each) => [each.club, each.choice])).to.deep.equal([
                [ALPINE, 'ABSTAIN'],
                [HARBOUR, 'YES'],
                [METRO, 'NO'],
            ]);
        });

        it('reads the default rules until an amendment passes', async () => {
            const rules = JSON.parse(await ledger.evaluate(auditor(ALPINE), (ctx) => governance.rules(ctx))) as ConsortiumRules;
            expect(rules).to.deep.equal(defaultConsortiumRules);
        });
    });
});
