import { createRequire } from 'node:module';
import path from 'node:path';
import type { ChaincodeResponse } from 'fabric-shim';
import type { SinonStub } from 'sinon';
import type { FakeLedger } from '../../../chaincode/test/support/ledger.js';

/** The ChaincodeStub a simulation ran against: its sinon records are the transaction's reads, writes and event. */
export type SimulationStub = ReturnType<FakeLedger['context']>['stub'];

/** Who signs a proposal: a club, and a certificate its Fabric CA issued (carrying the `club.role` attribute). */
export interface ProposalSigner {
    readonly mspId: string;
    readonly certificate: Uint8Array;
}

export interface Proposal {
    /** `Contract:function`. */
    readonly transaction: string;
    readonly args: readonly string[];
    readonly transient: Readonly<Record<string, string>>;
    /** The transaction timestamp. */
    readonly at: Date;
}

export interface Simulation {
    readonly response: ChaincodeResponse;
    readonly stub: SimulationStub;
    readonly txId: string;
    /** Makes the simulation's writes the world state, as a valid commit would. */
    commit(): void;
}

interface ContractChaincode {
    Invoke(stub: unknown): Promise<ChaincodeResponse>;
}

interface ContractInfo {
    readonly contracts: unknown[];
    readonly serializers: unknown;
    readonly title: string;
    readonly version: string;
}

type ChaincodeFromContract = new (contracts: unknown[], serializers: unknown, metadata: object, title: string, version: string) => ContractChaincode;

/**
 * The built chaincode (its dist/, compiled with decorator metadata) found the way the chaincode server finds it —
 * package.json → main → contracts — and dispatched by fabric-shim's own contract runtime: argument marshalling,
 * contract routing and the ClientIdentity read from the signer's certificate are all fabric-shim's.
 */
export class BuiltChaincode {
    readonly #chaincode: ContractChaincode;

    private constructor(chaincode: ContractChaincode) {
        this.#chaincode = chaincode;
    }

    static load(): BuiltChaincode {
        const require = createRequire(import.meta.url);
        // fabric-shim exports neither: they are the chaincode server's start-up path.
        const shimInternals = createRequire(require.resolve('fabric-shim'));
        const bootstrap = shimInternals('./lib/contract-spi/bootstrap.js') as { getInfoFromContract(modulePath: string): ContractInfo };
        const Chaincode = shimInternals('./lib/contract-spi/chaincodefromcontract.js') as ChaincodeFromContract;
        const info = bootstrap.getInfoFromContract(path.dirname(require.resolve('@reciprocal-clubs/chaincode/package.json')));
        return new BuiltChaincode(new Chaincode(info.contracts, info.serializers, {}, info.title, info.version));
    }

    /** Runs a proposal on the world state of `ledger` as `signer`; nothing is committed unless the caller commits. */
    async simulate(ledger: FakeLedger, signer: ProposalSigner, proposal: Proposal): Promise<Simulation> {
        const { stub, commit } = ledger.context({ mspId: signer.mspId, transient: { ...proposal.transient }, at: proposal.at });
        stub.getCreator.returns({ mspid: signer.mspId, idBytes: signer.certificate });
        const args = [proposal.transaction, ...proposal.args];
        // getBufferArgs is on the runtime class but not in fabric-shim's type declarations.
        (stub as unknown as { getBufferArgs: SinonStub }).getBufferArgs.returns(args.map((arg) => Buffer.from(arg)));
        stub.getArgs.returns(args);
        stub.getFunctionAndParameters.returns({ fcn: proposal.transaction, params: [...proposal.args] });
        const response = await this.#chaincode.Invoke(stub);
        return { response, stub, txId: stub.getTxID(), commit };
    }
}
