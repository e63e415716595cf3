import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import type sinon from 'sinon';
import { loadNetworkProfile } from './network-profile';
import { clubRegistration } from '../support/fixtures';
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

    async function invoke(mspId: string, role: string, fcn: string, ...args: string[]): Promise<ShimResponse> {
        const { stub, commit } = ledger.context({ mspId, role, actor: `${role}@${mspId}` });
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

    it('publishes metadata naming every contract and typing every transaction parameter', async () => {
        const response = await invoke('HarbourMSP', 'auditor', 'org.hyperledger.fabric:GetMetadata');
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
        const registered = await invoke('AlpineMSP', 'admin', 'Club:register', JSON.stringify(clubRegistration('AlpineMSP')));
        expect(registered.status, registered.message).to.equal(200);

        const read = await invoke('MetroMSP', 'auditor', 'Club:get', 'AlpineMSP');
        expect(JSON.parse(Buffer.from(read.payload ?? []).toString())).to.include({ mspId: 'AlpineMSP', status: 'ACTIVE' });
        expect(ledger.events.map((event) => event.name)).to.deep.equal(['ClubRegistered']);
    });

    it('refuses a CA-issued staff certificate with a FORBIDDEN error response', async () => {
        const response = await invoke('AlpineMSP', 'staff', 'Club:register', JSON.stringify(clubRegistration('AlpineMSP')));
        expect(response.status).to.equal(500);
        expect(response.message).to.match(/^FORBIDDEN: club.role staff of AlpineMSP/);
        expect(ledger.state.size).to.equal(0);
    });

    it('answers an unknown function with a NOT_FOUND error response', async () => {
        const response = await invoke('AlpineMSP', 'admin', 'Club:launch');
        expect(response.status).to.equal(500);
        expect(response.message).to.match(/NOT_FOUND: no transaction Club:launch in contract Club/);
    });
});
