/**
 * In-test Fabric stand-ins, served by grpc-js over TLS with fabric-protos: three clubs' peers
 * (Endorser; the gateway's own peer also Discovery, QSCC and Deliver) and an orderer (Broadcast).
 */
import { EventEmitter } from 'node:events';
import * as grpc from '@grpc/grpc-js';
import { common, discovery, orderer, peer } from '@hyperledger/fabric-protos';
import { Connections } from '../../src/connections.js';
import { CommitListeners } from '../../src/commit-listener.js';
import type { GatewayContext } from '../../src/context.js';
import { newGatewayIdentity } from '../../src/identity.js';
import { withPlainSerializers } from '../../src/protobuf.js';
import { Registry, peerDiscovery } from '../../src/registry.js';
import { createGatewayServer, listen } from '../../src/server.js';
import { block, chaincodeEvent, creatorOf, mspConfig, newOrg, peersOf, readWriteSet, responsePayload, silentLogger, type Issued, type TestOrg } from './fixtures.js';

export const channelName = 'atlantic';
export const chaincodeName = 'reciprocal';
const clubs = ['HarbourMSP', 'AlpineMSP', 'MetroMSP'] as const;

interface FakePeer {
    readonly mspId: string;
    readonly org: TestOrg;
    address: string;
    readonly identity: Uint8Array;
    readonly server: grpc.Server;
    proposals: number;
}

function argsOf(signedProposal: peer.SignedProposal): { txId: string; chaincode: string; args: string[] } {
    const proposal = peer.Proposal.deserializeBinary(signedProposal.getProposalBytes_asU8());
    const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
    const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec();
    return {
        txId: channelHeader.getTxId(),
        chaincode: spec?.getChaincodeId()?.getName() ?? '',
        args: (spec?.getInput()?.getArgsList_asU8() ?? []).map((arg) => Buffer.from(arg).toString()),
    };
}

function response(status: number, message: string, payload: Uint8Array = new Uint8Array()): peer.ProposalResponse {
    const result = new peer.ProposalResponse();
    const chaincodeResponse = new peer.Response();
    chaincodeResponse.setStatus(status);
    chaincodeResponse.setMessage(message);
    chaincodeResponse.setPayload(payload);
    result.setResponse(chaincodeResponse);
    return result;
}

export class FakeNetwork {
    readonly orgs = new Map<string, TestOrg>();
    readonly peers: FakePeer[] = [];
    readonly ordererOrg: TestOrg;
    readonly ordererServer = new grpc.Server();
    ordererAddress = '';
    readonly blocks: common.Block[] = [];
    readonly newBlock = new EventEmitter();
    readonly broadcasts: common.Envelope[] = [];
    /** What the orderer answers (SUCCESS unless a test changes it). */
    broadcastStatus: number = common.Status.SUCCESS;
    /** The validation code blocks give the next submitted transactions. */
    nextValidationCode: number = peer.TxValidationCode.VALID;
    user!: Issued;
    gatewayServer!: grpc.Server;
    gatewayAddress = '';
    context!: GatewayContext;

    constructor() {
        for (const mspId of clubs) {
            this.orgs.set(mspId, newOrg(mspId));
        }
        this.ordererOrg = newOrg('OrdererMSP');
        // Blocks 0..1: something to start from.
        this.blocks.push(block(0, [], []), block(1, [], []));
    }

    get local(): FakePeer {
        return this.peers[0]!;
    }

    peer(mspId: string): FakePeer {
        return this.peers.find((p) => p.mspId === mspId)!;
    }

    async start(): Promise<void> {
        for (const mspId of clubs) {
            const org = this.orgs.get(mspId)!;
            const tls = org.issue(`peer0.${mspId}`);
            const signing = org.issue(`peer0.${mspId}`);
            const server = new grpc.Server();
            const fake: FakePeer = { mspId, org, address: '', identity: creatorOf(mspId, signing), server, proposals: 0 };
            server.addService(withPlainSerializers(peer.EndorserService), { processProposal: (call: grpc.ServerUnaryCall<peer.SignedProposal, peer.ProposalResponse>, callback: grpc.sendUnaryData<peer.ProposalResponse>) => { callback(null, this.#endorse(fake, call.request)); } });
            if (this.peers.length === 0) {
                server.addService(withPlainSerializers(discovery.DiscoveryService), { discover: (call: grpc.ServerUnaryCall<discovery.SignedRequest, discovery.Response>, callback: grpc.sendUnaryData<discovery.Response>) => { callback(null, this.#discover(call.request)); } });
                const deliver = (filtered: boolean) => (call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>) => {
                    this.#deliver(call, filtered);
                };
                server.addService(withPlainSerializers(peer.DeliverService), { deliver: deliver(false), deliverFiltered: deliver(true), deliverWithPrivateData: deliver(false) });
            }
            const port = await listen(server, '127.0.0.1:0', grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(tls.certPem), private_key: Buffer.from(tls.keyPem) }], false));
            fake.address = `127.0.0.1:${port}`;
            this.peers.push(fake);
        }

        this.ordererServer.addService(withPlainSerializers(orderer.AtomicBroadcastService), {
            broadcast: (call: grpc.ServerDuplexStream<common.Envelope, orderer.BroadcastResponse>) => {
                call.on('data', (envelope: common.Envelope) => {
                    this.broadcasts.push(envelope);
                    const answer = new orderer.BroadcastResponse();
                    answer.setStatus(this.broadcastStatus as orderer.BroadcastResponse['getStatus'] extends () => infer S ? S : never);
                    answer.setInfo(this.broadcastStatus === common.Status.SUCCESS ? '' : 'refused by test');
                    call.write(answer);
                    if (this.broadcastStatus === common.Status.SUCCESS) {
                        setTimeout(() => {
                            this.appendBlock([envelope], [this.nextValidationCode]);
                        }, 30);
                    }
                });
                call.on('end', () => call.end());
            },
            deliver: (call: grpc.ServerDuplexStream<common.Envelope, orderer.DeliverResponse>) => call.end(),
        });
        const ordererTls = this.ordererOrg.issue('orderer0');
        const ordererPort = await listen(this.ordererServer, '127.0.0.1:0', grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(ordererTls.certPem), private_key: Buffer.from(ordererTls.keyPem) }], false));
        this.ordererAddress = `127.0.0.1:${ordererPort}`;

        // The gateway under test, in front of the Harbour peer, with its own Harbour identity.
        const harbour = this.orgs.get('HarbourMSP')!;
        this.user = harbour.issue('harbour-admin');
        const gatewayIdentity = harbour.issue('harbour-gateway');
        const identity = newGatewayIdentity('HarbourMSP', gatewayIdentity.certPem, gatewayIdentity.keyPem);
        const connections = new Connections({ address: this.local.address, mspId: 'HarbourMSP', tlsRootCert: Buffer.from(harbour.ca.certPem) });
        this.context = {
            identity,
            connections,
            registry: new Registry(peerDiscovery(identity, connections.local, 5_000)),
            commits: new CommitListeners(identity, connections.local, silentLogger),
            logger: silentLogger,
            options: { endorsementTimeoutMs: 5_000, broadcastTimeoutMs: 5_000, queryTimeoutMs: 5_000 },
        };
        this.gatewayServer = createGatewayServer(this.context);
        const gatewayPort = await listen(this.gatewayServer, '127.0.0.1:0', grpc.ServerCredentials.createInsecure());
        this.gatewayAddress = `127.0.0.1:${gatewayPort}`;
    }

    stop(): void {
        this.context.commits.close();
        this.context.connections.close();
        this.gatewayServer.forceShutdown();
        this.ordererServer.forceShutdown();
        for (const p of this.peers) {
            p.server.forceShutdown();
        }
    }

    appendBlock(envelopes: readonly common.Envelope[], codes: readonly number[]): common.Block {
        const next = block(this.blocks.length, envelopes, codes);
        this.blocks.push(next);
        this.newBlock.emit('block', next);
        return next;
    }

    #endorse(fake: FakePeer, signedProposal: peer.SignedProposal): peer.ProposalResponse {
        fake.proposals++;
        const { txId, chaincode, args } = argsOf(signedProposal);
        if (chaincode === 'qscc') {
            return this.#qscc(args);
        }
        if (chaincode !== chaincodeName) {
            return response(500, `make sure the chaincode ${chaincode} has been successfully defined on channel ${channelName}`);
        }
        const [fn = '', arg = ''] = args;
        if (fn === 'fail') {
            // 2.1 peers attach a payload to chaincode errors; status alone decides.
            const failed = response(500, 'NOT_FOUND: nothing here');
            failed.setPayload(responsePayload({ chaincode }));
            return failed;
        }
        const result = fn === 'diverge' ? `${arg}@${fake.mspId}` : `result:${arg}`;
        const ok = response(200, '', Buffer.from(result));
        ok.setPayload(responsePayload({ chaincode, results: readWriteSet({ [chaincode]: { writes: [arg] } }), event: chaincodeEvent(chaincode, txId, 'Done', arg), result }));
        const endorsement = new peer.Endorsement();
        endorsement.setEndorser(fake.identity);
        endorsement.setSignature(Buffer.from(`signature of ${fake.mspId}`));
        ok.setEndorsement(endorsement);
        return ok;
    }

    #qscc(args: string[]): peer.ProposalResponse {
        const [fn, , id] = args;
        if (fn === 'GetChainInfo') {
            const info = new common.BlockchainInfo();
            info.setHeight(this.blocks.length);
            return response(200, '', info.serializeBinary());
        }
        for (const candidate of this.blocks) {
            const envelopes = candidate.getData()?.getDataList_asU8() ?? [];
            const codes = candidate.getMetadata()?.getMetadataList_asU8()[2] ?? new Uint8Array();
            for (const [index, bytes] of envelopes.entries()) {
                const envelope = common.Envelope.deserializeBinary(bytes);
                const channelHeader = common.ChannelHeader.deserializeBinary(common.Payload.deserializeBinary(envelope.getPayload_asU8()).getHeader()!.getChannelHeader_asU8());
                if (channelHeader.getTxId() !== id) {
                    continue;
                }
                if (fn === 'GetBlockByTxID') {
                    return response(200, '', candidate.serializeBinary());
                }
                const processed = new peer.ProcessedTransaction();
                processed.setTransactionenvelope(envelope);
                processed.setValidationcode(codes[index] ?? 0);
                return response(200, '', processed.serializeBinary());
            }
        }
        return response(500, `Failed to get transaction with id ${String(id)}, error no such transaction ID [${String(id)}] in index`);
    }

    #discover(request: discovery.SignedRequest): discovery.Response {
        const queries = discovery.Request.deserializeBinary(request.getPayload_asU8()).getQueriesList();
        const answer = new discovery.Response();
        answer.setResultsList(
            queries.map((query) => {
                const result = new discovery.QueryResult();
                if (query.getChannel() !== channelName) {
                    const error = new discovery.Error();
                    error.setContent('access denied');
                    result.setError(error);
                    return result;
                }
                if (query.hasConfigQuery()) {
                    const config = new discovery.ConfigResult();
                    for (const [mspId, org] of this.orgs) {
                        config.getMspsMap().set(mspId, mspConfig(mspId, org.ca.certPem));
                    }
                    config.getMspsMap().set('OrdererMSP', mspConfig('OrdererMSP', this.ordererOrg.ca.certPem));
                    const endpoint = new discovery.Endpoint();
                    endpoint.setHost('127.0.0.1');
                    endpoint.setPort(Number(this.ordererAddress.split(':')[1]));
                    const endpoints = new discovery.Endpoints();
                    endpoints.setEndpointList([endpoint]);
                    config.getOrderersMap().set('OrdererMSP', endpoints);
                    result.setConfigResult(config);
                } else if (query.hasPeerQuery()) {
                    const members = new discovery.PeerMembershipResult();
                    for (const p of this.peers) {
                        members.getPeersByOrgMap().set(p.mspId, peersOf([{ mspId: p.mspId, address: p.address, identity: p.identity, ledgerHeight: this.blocks.length, chaincodes: [chaincodeName] }]));
                    }
                    result.setMembers(members);
                } else if (query.hasCcQuery()) {
                    const interest = query.getCcQuery()?.getInterestsList()[0]?.getChaincodesList()[0];
                    if (interest?.getName() !== chaincodeName) {
                        const error = new discovery.Error();
                        error.setContent(`failed constructing descriptor for chaincodes:<name:"${interest?.getName() ?? ''}" >`);
                        result.setError(error);
                        return result;
                    }
                    const descriptor = new discovery.EndorsementDescriptor();
                    descriptor.setChaincode(chaincodeName);
                    this.peers.forEach((p, index) => {
                        descriptor.getEndorsersByGroupsMap().set(`G${index}`, peersOf([{ mspId: p.mspId, address: p.address, identity: p.identity, ledgerHeight: this.blocks.length, chaincodes: [chaincodeName] }]));
                    });
                    descriptor.setLayoutsList(
                        [['G0', 'G1'], ['G0', 'G2'], ['G1', 'G2']].map((groups) => {
                            const layout = new discovery.Layout();
                            groups.forEach((group) => layout.getQuantitiesByGroupMap().set(group, 1));
                            return layout;
                        }),
                    );
                    const ccResult = new discovery.ChaincodeQueryResult();
                    ccResult.setContentList([descriptor]);
                    result.setCcQueryRes(ccResult);
                }
                return result;
            }),
        );
        return answer;
    }

    #deliver(call: grpc.ServerDuplexStream<common.Envelope, peer.DeliverResponse>, filtered: boolean): void {
        call.once('data', (envelope: common.Envelope) => {
            const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
            const channel = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8()).getChannelId();
            if (channel === 'denied') {
                const trailer = new grpc.Metadata();
                trailer.set('x-test', 'denied-trailer');
                call.emit('error', { code: grpc.status.PERMISSION_DENIED, details: 'deliver denied by test', metadata: trailer });
                return;
            }
            if (channel !== channelName) {
                const notFound = new peer.DeliverResponse();
                notFound.setStatus(common.Status.NOT_FOUND);
                call.write(notFound);
                call.end();
                return;
            }
            const seek = orderer.SeekInfo.deserializeBinary(payload.getData_asU8());
            const start = seek.getStart()?.hasNewest() ? this.blocks.length - 1 : (seek.getStart()?.getSpecified()?.getNumber() ?? 0);
            let next = start;
            const send = (): void => {
                while (next < this.blocks.length && !call.cancelled) {
                    const current = this.blocks[next++]!;
                    const message = new peer.DeliverResponse();
                    if (filtered) {
                        const filteredBlock = new peer.FilteredBlock();
                        filteredBlock.setChannelId(channelName);
                        filteredBlock.setNumber(current.getHeader()!.getNumber());
                        const codes = current.getMetadata()?.getMetadataList_asU8()[2] ?? new Uint8Array();
                        filteredBlock.setFilteredTransactionsList(
                            (current.getData()?.getDataList_asU8() ?? []).map((bytes, index) => {
                                const env = common.Envelope.deserializeBinary(bytes);
                                const header = common.ChannelHeader.deserializeBinary(common.Payload.deserializeBinary(env.getPayload_asU8()).getHeader()!.getChannelHeader_asU8());
                                const tx = new peer.FilteredTransaction();
                                tx.setTxid(header.getTxId());
                                tx.setTxValidationCode((codes[index] ?? 0) as peer.FilteredTransaction['getTxValidationCode'] extends () => infer C ? C : never);
                                return tx;
                            }),
                        );
                        message.setFilteredBlock(filteredBlock);
                    } else {
                        message.setBlock(current);
                    }
                    call.write(message);
                }
            };
            send();
            this.newBlock.on('block', send);
            call.on('cancelled', () => this.newBlock.off('block', send));
            call.on('end', () => this.newBlock.off('block', send));
        });
    }
}
