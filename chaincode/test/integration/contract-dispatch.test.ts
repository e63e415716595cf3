import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import type sinon from 'sinon';
import { loadNetworkProfile } from './network-profile';
import type { KeyRevision } from '../../src/ledger/state';
import type { Agreement } from '../../src/model/agreement';
import type { Proposal } from '../../src/model/governance';
import type { Member, PersonalDataEnvelope } from '../../src/model/member';
import type { Visit } from '../../src/model/visit';
import { agreementTerms } from '../support/agreement-fixtures';
import { clubRegistration } from '../support/fixtures';
import { memberEnrolment, personalDataEnvelope } from '../support/member-fixtures';
import { FakeLedger } from '../support/ledger';

/**
 * The built chaincode (dist/, compiled by tsc with decorator metadata, as the chaincode server loads it)
 * dispatched through fabric-shim's own contract runtime, with certificates issued by the network's CAs.
 * This is what the peer's chaincode stream would exercise, minus the peer.
 */
describe('the built chaincode through fabric-shim', () => {
    interface ShimResponse {
        status: number;
        message?: string;
        payload?: Uint8Array;
    }
    interface Chaincode {
        Invoke(stub: unknown): Promise<ShimResponse>;
    }

    const chaincodeDir = path.resolve(__dirname, '../..');
    const profile = loadNetworkProfile();
    let chaincode: Chaincode;
    let ledger: FakeLedger;

    before(() => {
        // The chaincode server's own start-up path: package.json → main (dist/index.js) → contracts.
        const shimInternals = createRequire(require.resolve('fabric-shim'));
        const Bootstrap = shimInternals('./lib/contract-spi/bootstrap.js') as {
            getInfoFromContract(modulePath: string): { contracts: unknown[]; serializers: unknown; title: string; version: string };
        };
        const ChaincodeFromContract = shimInternals('./lib/contract-spi/chaincodefromcontract.js') as new (
            contracts: unknown[],
            serializers: unknown,
            metadata: object,
            title: string,
            version: string,
        ) => Chaincode;
        const info = Bootstrap.getInfoFromContract(chaincodeDir);
        chaincode = new ChaincodeFromContract(info.contracts, info.serializers, {}, info.title, info.version);
    });

    beforeEach(() => {
        ledger = new FakeLedger();
    });

    interface Caller {
        readonly mspId: string;
        readonly role: string;
        readonly transient?: Record<string, string>;
        readonly at?: Date;
    }

    async function invoke(caller: Caller, fcn: string, ...args: string[]): Promise<ShimResponse> {
        const { mspId, role } = caller;
        const { stub, commit } = ledger.context({ ...caller, actor: `${role}@${mspId}` });
        const identity = profile.clubs[mspId]!.identities[role]!;
        stub.getCreator.returns({ mspid: mspId, idBytes: readFileSync(identity.certPath) });
        // getBufferArgs is on the runtime class but not in fabric-shim's type declarations.
        (stub as unknown as { getBufferArgs: sinon.SinonStub }).getBufferArgs.returns([fcn, ...args].map((arg) => Buffer.from(arg)));
        stub.getArgs.returns([fcn, ...args]);
        stub.getFunctionAndParameters.returns({ fcn, params: args });
        const response = await chaincode.Invoke(stub);
        if (response.status === 200) {
            commit();
        }
        return response;
    }

    /** Invokes and expects success; returns the parsed JSON payload. */
    async function call<T>(caller: Caller, fcn: string, ...args: string[]): Promise<T> {
        const response = await invoke(caller, fcn, ...args);
        expect(response.status, `${fcn}: ${response.message ?? ''}`).to.equal(200);
        return JSON.parse(Buffer.from(response.payload ?? []).toString()) as T;
    }

    it('publishes metadata naming every contract and typing every transaction parameter', async () => {
        const response = await invoke({ mspId: 'HarbourMSP', role: 'auditor' }, 'org.hyperledger.fabric:GetMetadata');
        const metadata = JSON.parse(Buffer.from(response.payload ?? []).toString()) as {
            contracts: Record<string, { transactions: { name: string; tag: string[]; parameters?: { name: string; schema: { type: string } }[] }[] }>;
        };
        expect(Object.keys(metadata.contracts)).to.include.members(['Club', 'Member', 'Agreement', 'Bar', 'Introduction', 'Visit', 'Governance', 'Audit']);
        const register = metadata.contracts.Club!.transactions.find((transaction) => transaction.name === 'register');
        expect(register?.tag).to.include('SUBMIT');
        expect(register?.parameters).to.deep.equal([
            { name: 'registration', description: 'JSON ClubRegistration', schema: { type: 'string' } },
        ]);
        for (const [name, contract] of Object.entries(metadata.contracts)) {
            for (const transaction of contract.transactions) {
                for (const parameter of transaction.parameters ?? []) {
                    expect(parameter.schema.type, `${name}:${transaction.name}(${parameter.name})`).to.be.a('string');
                }
            }
        }
    });

    it('registers a club with a CA-issued admin certificate and reads it back', async () => {
        const registered = await invoke({ mspId: 'AlpineMSP', role: 'admin' }, 'Club:register', JSON.stringify(clubRegistration('AlpineMSP')));
        expect(registered.status, registered.message).to.equal(200);

        const read = await invoke({ mspId: 'MetroMSP', role: 'auditor' }, 'Club:get', 'AlpineMSP');
        expect(JSON.parse(Buffer.from(read.payload ?? []).toString())).to.include({ mspId: 'AlpineMSP', status: 'ACTIVE' });
        expect(ledger.events.map((event) => event.name)).to.deep.equal(['ClubRegistered']);
    });

    it('refuses a CA-issued staff certificate with a FORBIDDEN error response', async () => {
        const response = await invoke({ mspId: 'AlpineMSP', role: 'staff' }, 'Club:register', JSON.stringify(clubRegistration('AlpineMSP')));
        expect(response.status).to.equal(500);
        expect(response.message).to.match(/^FORBIDDEN: club.role staff of AlpineMSP/);
        expect(ledger.state.size).to.equal(0);
    });

    it('answers an unknown function with a NOT_FOUND error response', async () => {
        const response = await invoke({ mspId: 'AlpineMSP', role: 'admin' }, 'Club:launch');
        expect(response.status).to.equal(500);
        expect(response.message).to.match(/NOT_FOUND: no transaction Club:launch in contract Club/);
    });

    it('carries a whole journey through every contract: clubs, member, agreement, visit, bar, governance, audit', async () => {
        const [harbour, alpine, metro] = ['HarbourMSP', 'AlpineMSP', 'MetroMSP'];
        const as = (mspId: string, role: string, extra: Partial<Caller> = {}): Caller => ({ mspId, role, ...extra });
        for (const club of [harbour, alpine, metro]) {
            await call(as(club, 'admin'), 'Club:register', JSON.stringify(clubRegistration(club)));
        }

        const { memberNumber } = await call<Member>(as(alpine, 'admin'), 'Member:enrol', JSON.stringify(memberEnrolment()));
        await call(as(alpine, 'admin', { transient: { personalData: JSON.stringify(personalDataEnvelope()) } }), 'Member:recordPersonalData', memberNumber);
        await call(as(alpine, 'admin'), 'Member:activate', memberNumber);
        expect(await call<PersonalDataEnvelope>(as(alpine, 'staff'), 'Member:readPersonalData', memberNumber)).to.deep.equal(personalDataEnvelope());
        expect((await invoke(as(metro, 'staff'), 'Member:readPersonalData', memberNumber)).message).to.match(/^FORBIDDEN: /);

        const { agreementId } = await call<Agreement>(as(alpine, 'admin'), 'Agreement:propose', metro, JSON.stringify(agreementTerms()));
        await call(as(metro, 'admin'), 'Agreement:accept', agreementId);

        expect(await call<string[]>(as(metro, 'staff'), 'Visit:endorsersForCheckIn', memberNumber)).to.deep.equal([alpine, metro]);
        const checkIn = JSON.stringify({ memberNumber, facility: 'DINING', guests: 1, nights: 0 });
        const visit = await call<Visit>(as(metro, 'staff'), 'Visit:checkIn', checkIn);
        expect(visit).to.include({ homeClub: alpine, hostClub: metro, status: 'CHECKED_IN' });
        await call(as(metro, 'staff'), 'Visit:checkOut', visit.visitId);

        const window = { from: '2026-03-02', until: '2026-03-09' };
        await call(as(metro, 'admin'), 'Bar:bar', JSON.stringify({ memberNumber, reason: 'Dress code', window }));
        expect((await invoke(as(metro, 'staff'), 'Visit:checkIn', checkIn)).message).to.match(/^MEMBER_BARRED: /);
        await call(as(metro, 'admin'), 'Bar:lift', memberNumber);

        const deadline = new Date(ledger.clock.getTime() + 24 * 3600 * 1000);
        const proposal = await call<Proposal>(
            as(harbour, 'admin'),
            'Governance:propose',
            JSON.stringify({ type: 'SUSPEND_CLUB', title: 'Suspend Alpine', description: 'Unpaid fees', votingDeadline: deadline.toISOString(), targetClub: alpine }),
        );
        for (const club of [harbour, metro]) {
            await call(as(club, 'admin'), 'Governance:vote', proposal.proposalId, 'YES');
        }
        const afterDeadline = new Date(deadline.getTime() + 1000);
        const closed = await call<Proposal>(as(alpine, 'auditor', { at: afterDeadline }), 'Governance:close', proposal.proposalId);
        expect(closed.status).to.equal('PASSED');
        const refused = await invoke(as(metro, 'staff', { at: afterDeadline }), 'Visit:checkIn', checkIn);
        expect(refused.message).to.match(/^CLUB_SUSPENDED: club AlpineMSP/);

        const history = await call<KeyRevision<Visit>[]>(as(harbour, 'auditor'), 'Audit:history', 'visit', visit.visitId);
        expect(history.map((revision) => revision.value?.status)).to.deep.equal(['CHECKED_IN', 'CHECKED_OUT']);
        expect(ledger.events.map((event) => event.name)).to.include.members(['VisitCheckedIn', 'VisitCheckedOut', 'ProposalClosed']);
    });
});
