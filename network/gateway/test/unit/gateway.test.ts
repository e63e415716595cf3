import { verify, X509Certificate } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { checkpointers, connect, EndorseError, GatewayError, hash, signers, type Gateway, type Contract, type Network } from '@hyperledger/fabric-gateway';
import { common, gateway, peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { serializeIdentity } from '../../src/identity.js';
import { chaincodeName, channelName, FakeNetwork } from './fake-network.js';

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
    try {
        await promise;
    } catch (error) {
        return error as GatewayError;
    }
    throw new Error('expected a rejection');
}

describe('gateway service against fake peers and orderer (fabric-gateway client)', function () {
    this.timeout(30_000);
    let fake: FakeNetwork;
    let client: grpc.Client;
    let gw: Gateway;
    let network: Network;
    let contract: Contract;

    before(async () => {
        fake = new FakeNetwork();
        await fake.start();
        client = new grpc.Client(fake.gatewayAddress, grpc.credentials.createInsecure());
        gw = connect({
            client,
            identity: { mspId: 'HarbourMSP', credentials: Buffer.from(fake.user.certPem) },
            signer: signers.newPrivateKeySigner(fake.user.key),
            hash: hash.sha256,
            commitStatusOptions: () => ({ deadline: Date.now() + 10_000 }),
        });
        network = gw.getNetwork(channelName);
        contract = network.getContract(chaincodeName);
    });

    after(() => {
        gw.close();
        client.close();
        fake.stop();
    });

    it('Evaluate: runs on the gateway’s own peer only and returns the chaincode result', async () => {
        const before = fake.peers.map((p) => p.proposals);
        const result = await contract.evaluateTransaction('read', 'k1');
        expect(Buffer.from(result).toString()).to.equal('result:k1');
        expect(fake.peers.map((p, i) => p.proposals - (before[i] ?? 0))).to.deep.equal([1, 0, 0]);
    });

    it('Evaluate: a chaincode error is ABORTED with the peer named in the details', async () => {
        const error = await rejection(contract.evaluateTransaction('fail'));
        expect(error).to.be.instanceOf(GatewayError);
        expect(error.code).to.equal(grpc.status.ABORTED);
        expect(error.details).to.deep.equal([{ address: fake.local.address, mspId: 'HarbourMSP', message: 'NOT_FOUND: nothing here' }]);
    });

    it('Endorse + Submit + CommitStatus: local endorsement plus one more club, ordered with the client’s signature', async () => {
        const transaction = await contract.newProposal('create', { arguments: ['k2'] }).endorse();
        expect(Buffer.from(transaction.getResult()).toString()).to.equal('result:k2');
        const submitted = await transaction.submit();
        const status = await submitted.getStatus();
        expect(status.successful).to.equal(true);
        expect(status.code).to.equal(peer.TxValidationCode.VALID);
        expect(Number(status.blockNumber)).to.equal(fake.blocks.length - 1);

        const envelope = fake.broadcasts.at(-1)!;
        // The signature on what the orderer got is the client's, over the payload the gateway prepared.
        const signedByClient = verify('sha256', envelope.getPayload_asU8(), { key: new X509Certificate(fake.user.certPem).publicKey, dsaEncoding: 'der' }, envelope.getSignature_asU8());
        expect(signedByClient).to.equal(true);
        const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
        const endorsed = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]!.getPayload_asU8()).getAction()!;
        const endorsers = endorsed.getEndorsementsList().map((e) => Buffer.from(e.getEndorser_asU8()));
        expect(endorsers).to.have.length(2);
        expect(endorsers[0]).to.deep.equal(Buffer.from(fake.local.identity));
    });

    it('Endorse with named organizations uses exactly those, and disagreeing results are ABORTED with details', async () => {
        const agreed = await contract.newProposal('create', { arguments: ['k3'], endorsingOrganizations: ['AlpineMSP', 'MetroMSP'] }).endorse();
        const payload = common.Payload.deserializeBinary(agreed.getBytes().length > 0 ? gateway.PreparedTransaction.deserializeBinary(agreed.getBytes()).getEnvelope()!.getPayload_asU8() : new Uint8Array());
        const tx = peer.Transaction.deserializeBinary(payload.getData_asU8());
        const endorsers = peer.ChaincodeActionPayload.deserializeBinary(tx.getActionsList()[0]!.getPayload_asU8()).getAction()!.getEndorsementsList();
        expect(endorsers.map((e) => Buffer.from(e.getEndorser_asU8()))).to.deep.equal([Buffer.from(fake.peer('AlpineMSP').identity), Buffer.from(fake.peer('MetroMSP').identity)]);

        const error = await rejection(contract.newProposal('diverge', { arguments: ['k4'], endorsingOrganizations: ['HarbourMSP', 'MetroMSP'] }).endorse());
        expect(error).to.be.instanceOf(EndorseError);
        expect(error.code).to.equal(grpc.status.ABORTED);
        expect(error.message).to.contain('failed to endorse transaction, see attached details for more info');
        expect(error.details).to.deep.equal([{ address: fake.peer('MetroMSP').address, mspId: 'MetroMSP', message: 'ProposalResponsePayloads do not match' }]);

        const missing = await rejection(contract.newProposal('create', { arguments: ['k5'], endorsingOrganizations: ['NopeMSP'] }).endorse());
        expect(missing.code).to.equal(grpc.status.UNAVAILABLE);
    });

    it('Endorse: a failing first endorsement is ABORTED naming the gateway’s peer', async () => {
        const error = await rejection(contract.newProposal('fail').endorse());
        expect(error).to.be.instanceOf(EndorseError);
        expect(error.code).to.equal(grpc.status.ABORTED);
        expect(error.details.map((d) => d.mspId)).to.deep.equal(['HarbourMSP']);
    });

    it('Submit: an orderer refusal is ABORTED with the orderer named', async () => {
        const transaction = await contract.newProposal('create', { arguments: ['k6'] }).endorse();
        fake.broadcastStatus = common.Status.BAD_REQUEST;
        try {
            const error = await rejection(transaction.submit());
            expect(error.code).to.equal(grpc.status.ABORTED);
            expect(error.details).to.deep.equal([{ address: fake.ordererAddress, mspId: 'OrdererMSP', message: 'received unsuccessful response from orderer: status=BAD_REQUEST, info=refused by test' }]);
        } finally {
            fake.broadcastStatus = common.Status.SUCCESS;
        }
    });

    it('CommitStatus: a transaction submitted here while its commits are followed is awaited on the block stream, with no QSCC look back', async () => {
        await (await contract.newProposal('create', { arguments: ['k8'] }).endorse().then((t) => t.submit())).getStatus();
        const before = fake.local.proposals;

        const submitted = await contract.newProposal('create', { arguments: ['k9'] }).endorse().then((t) => t.submit());
        const status = await submitted.getStatus();

        expect(status.successful).to.equal(true);
        expect(Number(status.blockNumber)).to.equal(fake.blocks.length - 1);
        expect(fake.local.proposals - before, 'the endorsement only').to.equal(1);
    });

    it('CommitStatus: an invalidated transaction reports its code; an already-committed one is found through QSCC', async () => {
        fake.nextValidationCode = peer.TxValidationCode.MVCC_READ_CONFLICT;
        let committed;
        try {
            committed = await contract.newProposal('create', { arguments: ['k7'] }).endorse().then((t) => t.submit());
            const status = await committed.getStatus();
            expect(status.successful).to.equal(false);
            expect(status.code).to.equal(peer.TxValidationCode.MVCC_READ_CONFLICT);
        } finally {
            fake.nextValidationCode = peer.TxValidationCode.VALID;
        }
        // A fresh gateway context (no commit listener history) still finds it via QSCC.
        fake.context.commits.close();
        const again = await gw.newCommit(committed.getBytes()).getStatus();
        expect(again.code).to.equal(peer.TxValidationCode.MVCC_READ_CONFLICT);
        expect(Number(again.blockNumber)).to.equal(Number((await committed.getStatus()).blockNumber));
    });

    it('CommitStatus: a forged signature is PERMISSION_DENIED and the service stays up', async () => {
        const request = new gateway.CommitStatusRequest();
        request.setChannelId(channelName);
        request.setTransactionId('whatever');
        request.setIdentity(serializeIdentity('HarbourMSP', fake.user.certPem));
        const commit = gw.newSignedCommit(
            (() => {
                const signed = new gateway.SignedCommitStatusRequest();
                signed.setRequest(request.serializeBinary());
                return signed.serializeBinary();
            })(),
            await signers.newPrivateKeySigner(fake.user.key)(hash.sha256(Buffer.from('other bytes'))),
        );
        const error = await rejection(commit.getStatus());
        expect(error.code).to.equal(grpc.status.PERMISSION_DENIED);
        expect(Buffer.from(await contract.evaluateTransaction('read', 'still-up')).toString()).to.equal('result:still-up');
    });

    it('bad input: garbage proposal bytes are INVALID_ARGUMENT, an unknown channel NOT_FOUND', async () => {
        const raw = new gateway.GatewayClient(fake.gatewayAddress, grpc.credentials.createInsecure());
        try {
            const signedProposal = new peer.SignedProposal();
            signedProposal.setProposalBytes(Buffer.from('\u00ff\u00ff garbage \u0001\u0002'));
            const request = new gateway.EvaluateRequest();
            request.setProposedTransaction(signedProposal);
            const garbage = await new Promise<grpc.ServiceError>((resolve) => {
                raw.evaluate(request, (error) => {
                    resolve(error!);
                });
            });
            expect(garbage.code).to.equal(grpc.status.INVALID_ARGUMENT);
            const empty = await new Promise<grpc.ServiceError>((resolve) => {
                raw.endorse(new gateway.EndorseRequest(), (error) => {
                    resolve(error!);
                });
            });
            expect(empty.code).to.equal(grpc.status.INVALID_ARGUMENT);
        } finally {
            raw.close();
        }
        const unknown = await rejection(gw.getNetwork('nochannel').getContract(chaincodeName).evaluateTransaction('read'));
        expect(unknown.code).to.equal(grpc.status.NOT_FOUND);
        const noChaincode = await rejection(network.getContract('nosuchcc').newProposal('x').endorse());
        expect(noChaincode.code).to.equal(grpc.status.FAILED_PRECONDITION);
    });

    it('ChaincodeEvents: valid transactions’ events in order, resuming exactly after a checkpoint', async () => {
        const start = fake.blocks.length;
        for (const key of ['e1', 'e2', 'e3']) {
            await contract.submitTransaction('create', key);
        }
        const read = async (options: Parameters<Network['getChaincodeEvents']>[1], count: number): Promise<{ payload: string; block: bigint; txId: string }[]> => {
            const events = await network.getChaincodeEvents(chaincodeName, options);
            const seen: { payload: string; block: bigint; txId: string }[] = [];
            try {
                for await (const event of events) {
                    seen.push({ payload: Buffer.from(event.payload).toString(), block: event.blockNumber, txId: event.transactionId });
                    if (seen.length >= count) {
                        break;
                    }
                }
            } finally {
                events.close();
            }
            return seen;
        };
        const all = await read({ startBlock: BigInt(start) }, 3);
        expect(all.map((e) => e.payload)).to.deep.equal(['e1', 'e2', 'e3']);

        const checkpointer = checkpointers.inMemory();
        await checkpointer.checkpointChaincodeEvent({ blockNumber: all[0]!.block, transactionId: all[0]!.txId, chaincodeName, eventName: 'Done', payload: new Uint8Array() });
        const resumed = await read({ checkpoint: checkpointer }, 2);
        expect(resumed.map((e) => e.payload)).to.deep.equal(['e2', 'e3']);
    });

    it('ChaincodeEvents: an identity of a club not in the channel is PERMISSION_DENIED', async () => {
        const outsider = new grpc.Client(fake.gatewayAddress, grpc.credentials.createInsecure());
        const other = connect({ client: outsider, identity: { mspId: 'OutsiderMSP', credentials: Buffer.from(fake.user.certPem) }, signer: signers.newPrivateKeySigner(fake.user.key), hash: hash.sha256 });
        try {
            const events = await other.getNetwork(channelName).getChaincodeEvents(chaincodeName);
            const error = await rejection(events[Symbol.asyncIterator]().next());
            expect(error.code).to.equal(grpc.status.PERMISSION_DENIED);
        } finally {
            other.close();
            outsider.close();
        }
    });

    it('Deliver relay: block events over the same connection, the client’s envelope passed to the peer', async () => {
        const blocks = await network.getBlockEvents({ startBlock: 0n });
        const numbers: number[] = [];
        try {
            for await (const received of blocks) {
                numbers.push(received.getHeader()!.getNumber());
                if (numbers.length === 3) {
                    break;
                }
            }
        } finally {
            blocks.close();
        }
        expect(numbers).to.deep.equal([0, 1, 2]);
        const filtered = await network.getFilteredBlockEvents({ startBlock: 1n });
        try {
            const first = await filtered[Symbol.asyncIterator]().next();
            expect((first.value as peer.FilteredBlock).getNumber()).to.equal(1);
        } finally {
            filtered.close();
        }
    });

    it('Deliver relay: the peer’s error status and trailers reach the client unchanged', async () => {
        const events = await gw.getNetwork('denied').getBlockEvents();
        const error = await rejection(events[Symbol.asyncIterator]().next());
        expect(error.code).to.equal(grpc.status.PERMISSION_DENIED);
        expect(error.cause.details).to.equal('deliver denied by test');
        expect(error.cause.metadata.get('x-test')).to.deep.equal(['denied-trailer']);
    });
});
