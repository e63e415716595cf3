/** Test material: certificates made with the openssl CLI, identities, and protobuf builders. */
import { execFileSync } from 'node:child_process';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, discovery, gossip, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { pino } from 'pino';
import { serializeIdentity } from '../../src/identity.js';

export const silentLogger = pino({ level: 'silent' });

export interface Issued {
    readonly certPem: string;
    readonly keyPem: string;
    readonly key: KeyObject;
}

export interface TestOrg {
    readonly mspId: string;
    readonly ca: Issued;
    /** Issue a certificate signed by this org's CA (SAN 127.0.0.1, localhost). */
    issue(commonName: string): Issued;
}

function openssl(args: readonly string[], cwd: string): void {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA for an organization (EC P-256, self-signed) in a scratch folder. */
export function newOrg(mspId: string): TestOrg {
    const dir = mkdtempSync(join(tmpdir(), 'gw-test-'));
    try {
        openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key'], dir);
        openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', `/O=${mspId}/CN=ca.${mspId}`, '-days', '30', '-out', 'ca.pem', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
        const caKeyPem = readFileSync(join(dir, 'ca.key'), 'utf8');
        const caCertPem = readFileSync(join(dir, 'ca.pem'), 'utf8');
        let serial = 1;
        return {
            mspId,
            ca: { certPem: caCertPem, keyPem: caKeyPem, key: createPrivateKey(caKeyPem) },
            issue(commonName: string): Issued {
                const work = mkdtempSync(join(tmpdir(), 'gw-leaf-'));
                try {
                    writeFileSync(join(work, 'ca.key'), caKeyPem);
                    writeFileSync(join(work, 'ca.pem'), caCertPem);
                    writeFileSync(join(work, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
                    openssl(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'leaf.key'], work);
                    openssl(['req', '-new', '-key', 'leaf.key', '-subj', `/O=${mspId}/CN=${commonName}`, '-out', 'leaf.csr'], work);
                    openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial++), '-days', '30', '-out', 'leaf.pem', '-extfile', 'ext.cnf'], work);
                    const keyPem = readFileSync(join(work, 'leaf.key'), 'utf8');
                    return { certPem: readFileSync(join(work, 'leaf.pem'), 'utf8'), keyPem, key: createPrivateKey(keyPem) };
                } finally {
                    rmSync(work, { recursive: true, force: true });
                }
            },
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** A client signature as @hyperledger/fabric-gateway makes it. */
export function signWith(key: KeyObject, message: Uint8Array): Promise<Uint8Array> {
    return signers.newPrivateKeySigner(key)(hash.sha256(message));
}

export function creatorOf(mspId: string, issued: Issued): Uint8Array {
    return serializeIdentity(mspId, issued.certPem);
}

// ---- discovery material --------------------------------------------------------------------

export interface FakePeerSpec {
    readonly mspId: string;
    readonly address: string;
    readonly identity: Uint8Array;
    readonly ledgerHeight?: number;
    readonly chaincodes?: readonly string[];
}

export function discoveredPeer(spec: FakePeerSpec): discovery.Peer {
    const member = new gossip.Member();
    member.setEndpoint(spec.address);
    member.setPkiId(Buffer.from(spec.address));
    const alive = new gossip.AliveMessage();
    alive.setMembership(member);
    const aliveMessage = new gossip.GossipMessage();
    aliveMessage.setAliveMsg(alive);
    const membership = new gossip.Envelope();
    membership.setPayload(aliveMessage.serializeBinary());

    const properties = new gossip.Properties();
    properties.setLedgerHeight(spec.ledgerHeight ?? 1);
    properties.setChaincodesList(
        (spec.chaincodes ?? []).map((name) => {
            const chaincode = new gossip.Chaincode();
            chaincode.setName(name);
            chaincode.setVersion('1');
            return chaincode;
        }),
    );
    const stateInfo = new gossip.StateInfo();
    stateInfo.setProperties(properties);
    const stateMessage = new gossip.GossipMessage();
    stateMessage.setStateInfo(stateInfo);
    const state = new gossip.Envelope();
    state.setPayload(stateMessage.serializeBinary());

    const result = new discovery.Peer();
    result.setMembershipInfo(membership);
    result.setStateInfo(state);
    result.setIdentity(spec.identity);
    return result;
}

export function mspConfig(mspId: string, rootCertPem: string, tlsRootCertPem: string = rootCertPem): msp.FabricMSPConfig {
    const config = new msp.FabricMSPConfig();
    config.setName(mspId);
    config.setRootCertsList([Buffer.from(rootCertPem)]);
    config.setTlsRootCertsList([Buffer.from(tlsRootCertPem)]);
    return config;
}

export function peersOf(specs: readonly FakePeerSpec[]): discovery.Peers {
    const peers = new discovery.Peers();
    peers.setPeersList(specs.map(discoveredPeer));
    return peers;
}

// ---- transactions and blocks ---------------------------------------------------------------

/** A read-write set: public writes per namespace and hashed private writes per collection. */
export function readWriteSet(namespaces: Readonly<Record<string, { writes?: readonly string[]; reads?: readonly string[]; collections?: readonly string[] }>>): Uint8Array {
    const txRwset = new ledger.rwset.TxReadWriteSet();
    txRwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    txRwset.setNsRwsetList(
        Object.entries(namespaces).map(([namespace, content]) => {
            const kv = new ledger.rwset.kvrwset.KVRWSet();
            kv.setWritesList(
                (content.writes ?? []).map((key) => {
                    const write = new ledger.rwset.kvrwset.KVWrite();
                    write.setKey(key);
                    write.setValue(Buffer.from('v'));
                    return write;
                }),
            );
            kv.setReadsList(
                (content.reads ?? []).map((key) => {
                    const read = new ledger.rwset.kvrwset.KVRead();
                    read.setKey(key);
                    return read;
                }),
            );
            const ns = new ledger.rwset.NsReadWriteSet();
            ns.setNamespace(namespace);
            ns.setRwset(kv.serializeBinary());
            ns.setCollectionHashedRwsetList(
                (content.collections ?? []).map((name) => {
                    const hashedWrite = new ledger.rwset.kvrwset.KVWriteHash();
                    hashedWrite.setKeyHash(Buffer.from('kh'));
                    hashedWrite.setValueHash(Buffer.from('vh'));
                    const hashed = new ledger.rwset.kvrwset.HashedRWSet();
                    hashed.setHashedWritesList([hashedWrite]);
                    const collection = new ledger.rwset.CollectionHashedReadWriteSet();
                    collection.setCollectionName(name);
                    collection.setHashedRwset(hashed.serializeBinary());
                    return collection;
                }),
            );
            return ns;
        }),
    );
    return txRwset.serializeBinary();
}

export interface TxSpec {
    readonly txId: string;
    readonly chaincode?: string;
    readonly eventName?: string;
    readonly payload?: string;
    readonly type?: number;
}

/** A proposal response payload whose chaincode action carries results, an event and a response. */
export function responsePayload(options: { chaincode: string; results?: Uint8Array; event?: peer.ChaincodeEvent; result?: string }): Uint8Array {
    const chaincodeResponse = new peer.Response();
    chaincodeResponse.setStatus(200);
    chaincodeResponse.setPayload(Buffer.from(options.result ?? ''));
    const action = new peer.ChaincodeAction();
    action.setResults(options.results ?? new Uint8Array());
    action.setResponse(chaincodeResponse);
    if (options.event) {
        action.setEvents(options.event.serializeBinary());
    }
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(options.chaincode);
    action.setChaincodeId(chaincodeId);
    const prp = new peer.ProposalResponsePayload();
    prp.setProposalHash(Buffer.from('hash'));
    prp.setExtension$(action.serializeBinary());
    return prp.serializeBinary();
}

export function chaincodeEvent(chaincode: string, txId: string, name: string, payload = ''): peer.ChaincodeEvent {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(chaincode);
    event.setTxId(txId);
    event.setEventName(name);
    event.setPayload(Buffer.from(payload));
    return event;
}

/** An envelope of an endorser transaction (or another header type) with at most one chaincode event. */
export function transactionEnvelope(spec: TxSpec): common.Envelope {
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(spec.type ?? common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setTxId(spec.txId);
    channelHeader.setChannelId('ch');
    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    const chaincode = spec.chaincode ?? 'cc';
    const event = spec.eventName ? chaincodeEvent(chaincode, spec.txId, spec.eventName, spec.payload) : undefined;
    const endorsedAction = new peer.ChaincodeEndorsedAction();
    endorsedAction.setProposalResponsePayload(responsePayload({ chaincode, ...(event ? { event } : {}) }));
    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setAction(endorsedAction);
    const action = new peer.TransactionAction();
    action.setPayload(actionPayload.serializeBinary());
    const transaction = new peer.Transaction();
    transaction.setActionsList([action]);
    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(transaction.serializeBinary());
    const envelope = new common.Envelope();
    envelope.setPayload(payload.serializeBinary());
    return envelope;
}

/** A block of envelopes with the given validation codes (TRANSACTIONS_FILTER metadata). */
export function block(number: number, envelopes: readonly common.Envelope[], codes: readonly number[]): common.Block {
    const header = new common.BlockHeader();
    header.setNumber(number);
    const data = new common.BlockData();
    data.setDataList(envelopes.map((envelope) => envelope.serializeBinary()));
    const metadata = new common.BlockMetadata();
    const entries: Uint8Array[] = [new Uint8Array(), new Uint8Array(), Uint8Array.from(codes), new Uint8Array(), new Uint8Array()];
    metadata.setMetadataList(entries);
    const result = new common.Block();
    result.setHeader(header);
    result.setData(data);
    result.setMetadata(metadata);
    return result;
}
