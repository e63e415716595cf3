import { createHash } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import timestampPb from 'google-protobuf/google/protobuf/timestamp_pb.js';
import { headerHash } from '../../src/blocks/header-hash.js';
import { blockDataHash } from '../../src/blocks/data-hash.js';

/**
 * Real protobuf blocks for tests: envelopes, read-write sets, events, the transactions filter and
 * the hash chain encoded as Fabric encodes them (only signatures are fake: the indexer checks none).
 */

export const TEST_CHANNEL = 'atlantic';
export const TEST_CHAINCODE = 'reciprocal';
export const TEST_CLUB = 'HarbourMSP';
export const ORDERER_MSP = 'OrdererMSP';
export const TEST_TIME = new Date('2026-03-02T10:00:00.000Z');

export type ValidationCodeName = keyof peer.TxValidationCodeMap;
/** Bytes, or text written as UTF-8. */
export type Bytes = Uint8Array | string;

/** A public write; the namespace defaults to the transaction's chaincode. */
export type WriteSpec = { readonly namespace?: string; readonly key: string } & (
    | { readonly value: Bytes }
    | { readonly delete: true }
);
export type PrivateWriteSpec = WriteSpec & { readonly collection: string };
/** A chaincode event: a LedgerEvent (serialised as JSON under its own name) or any name and payload. */
export type EventSpec = LedgerEvent | { readonly name: string; readonly payload: Bytes };

interface HeaderSpec {
    /** Defaults to a hash of channel, block number and position, so every transaction has its own. */
    readonly txId?: string;
    readonly creatorMsp?: string;
    readonly timestamp?: Date;
    readonly validationCode?: ValidationCodeName;
}

/** An endorser transaction (the default kind). */
export interface TransactionSpec extends HeaderSpec {
    readonly kind?: 'endorser';
    readonly chaincode?: string;
    readonly function?: string;
    readonly args?: readonly Bytes[];
    readonly writes?: readonly WriteSpec[];
    readonly event?: EventSpec;
    /** Delivered in the block's private data map (as with block-and-private-data events). */
    readonly privateWrites?: readonly PrivateWriteSpec[];
}

/** A channel configuration transaction, created by the orderer. */
export interface ConfigTransactionSpec extends Omit<HeaderSpec, 'validationCode'> {
    readonly kind: 'config';
}

/** Any bytes as an envelope: malformed or tampered transactions. */
export interface RawEnvelopeSpec {
    readonly kind: 'raw';
    readonly envelope: Uint8Array;
    readonly validationCode?: ValidationCodeName;
}

export type BlockTransactionSpec = TransactionSpec | ConfigTransactionSpec | RawEnvelopeSpec;

export interface BlockSpec {
    readonly channel?: string;
    readonly number: bigint | number;
    /** Defaults to empty, as in a genesis block. */
    readonly previousHash?: Uint8Array;
    /** Defaults to the hash of the envelopes; set it to build a header that lies about its data. */
    readonly dataHash?: Uint8Array;
    readonly transactions: readonly BlockTransactionSpec[];
}

export interface BuiltBlock {
    readonly block: common.Block;
    /** Private read-write sets by transaction index, for the transactions that have private writes. */
    readonly privateData: Map<number, ledger.rwset.TxPvtReadWriteSet>;
    readonly headerHash: Uint8Array;
    /** The IDs the transactions carry ('' for raw envelopes). */
    readonly txIds: readonly string[];
}

export function buildBlock(spec: BlockSpec): BuiltBlock {
    const channel = spec.channel ?? TEST_CHANNEL;
    const number = BigInt(spec.number);
    const txIds = spec.transactions.map((tx, txIndex) => (tx.kind === 'raw' ? '' : (tx.txId ?? defaultTxId(tx, channel, number, txIndex))));
    const envelopes = spec.transactions.map((tx, txIndex) => envelopeOf(tx, channel, txIds[txIndex] ?? ''));
    const previousHash = spec.previousHash ?? new Uint8Array();
    const dataHash = spec.dataHash ?? blockDataHash(envelopes);

    const header = new common.BlockHeader();
    header.setNumber(protobufNumber(number));
    header.setPreviousHash(previousHash);
    header.setDataHash(dataHash);
    const data = new common.BlockData();
    data.setDataList(envelopes);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    block.setMetadata(blockMetadata(spec.transactions));

    return { block, privateData: privateDataOf(spec.transactions), headerHash: headerHash(number, previousHash, dataHash), txIds };
}

/** A block of a chain built by buildChain: its place and previous hash come from the chain. */
export type ChainBlockSpec = Omit<BlockSpec, 'channel' | 'number' | 'previousHash'>;

export interface ChainOptions {
    readonly channel?: string;
    /** The first block's number; 0 by default. */
    readonly from?: bigint;
    /** The first block's previous hash; empty by default. */
    readonly previousHash?: Uint8Array;
}

/** Consecutive blocks, each linked to the header hash of the one before; a count builds one transaction per block. */
export function buildChain(blocks: number | readonly ChainBlockSpec[], options: ChainOptions = {}): BuiltBlock[] {
    const specs = typeof blocks === 'number' ? Array.from({ length: blocks }, (): ChainBlockSpec => ({ transactions: [{}] })) : blocks;
    const chain: BuiltBlock[] = [];
    for (const [offset, spec] of specs.entries()) {
        chain.push(
            buildBlock({
                ...spec,
                channel: options.channel ?? TEST_CHANNEL,
                number: (options.from ?? 0n) + BigInt(offset),
                previousHash: chain.at(-1)?.headerHash ?? options.previousHash ?? new Uint8Array(),
            }),
        );
    }
    return chain;
}

/** The transaction that carried a LedgerEvent (e.g. one the chaincode's FakeLedger emitted): its ID, time and submitter. */
export function ledgerEventTransaction(event: LedgerEvent, spec: Omit<TransactionSpec, 'event'> = {}): TransactionSpec {
    return { txId: event.txId, timestamp: new Date(event.timestamp), creatorMsp: event.submitter, event, ...spec };
}

export interface EnvelopeSpec extends HeaderSpec {
    readonly channel?: string;
    readonly type?: keyof common.HeaderTypeMap;
    /** The payload's data, e.g. a hand-made peer.Transaction. */
    readonly data: Uint8Array;
}

/** An envelope with a well-formed header around any data: for transactions whose body is malformed. */
export function envelope(spec: EnvelopeSpec): Uint8Array {
    return envelopeBytes(
        {
            type: spec.type ?? 'ENDORSER_TRANSACTION',
            channel: spec.channel ?? TEST_CHANNEL,
            txId: spec.txId ?? '',
            timestamp: spec.timestamp ?? TEST_TIME,
            creatorMsp: spec.creatorMsp ?? TEST_CLUB,
        },
        spec.data,
    );
}

/** SHA-256 over the concatenated envelopes, as Fabric's protoutil.BlockDataHash. */

interface EnvelopeHeader {
    readonly type: keyof common.HeaderTypeMap;
    readonly channel: string;
    readonly txId: string;
    readonly timestamp: Date;
    readonly creatorMsp: string;
}

function envelopeOf(tx: BlockTransactionSpec, channel: string, txId: string): Uint8Array {
    switch (tx.kind) {
        case 'raw':
            return tx.envelope;
        case 'config':
            return envelopeBytes(
                { type: 'CONFIG', channel, txId, timestamp: tx.timestamp ?? TEST_TIME, creatorMsp: tx.creatorMsp ?? ORDERER_MSP },
                configEnvelope(),
            );
        default:
            return envelopeBytes(
                { type: 'ENDORSER_TRANSACTION', channel, txId, timestamp: tx.timestamp ?? TEST_TIME, creatorMsp: tx.creatorMsp ?? TEST_CLUB },
                endorserTransaction(tx, txId),
            );
    }
}

function envelopeBytes(header: EnvelopeHeader, data: Uint8Array): Uint8Array {
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType[header.type]);
    channelHeader.setChannelId(header.channel);
    channelHeader.setTxId(header.txId);
    channelHeader.setTimestamp(timestampPb.Timestamp.fromDate(header.timestamp));
    const payloadHeader = new common.Header();
    payloadHeader.setChannelHeader(channelHeader.serializeBinary());
    payloadHeader.setSignatureHeader(signatureHeader(header.creatorMsp, header.txId));
    const payload = new common.Payload();
    payload.setHeader(payloadHeader);
    payload.setData(data);
    const signed = new common.Envelope();
    signed.setPayload(payload.serializeBinary());
    signed.setSignature(fakeSignature(header.txId));
    return signed.serializeBinary();
}

function signatureHeader(creatorMsp: string, txId: string): Uint8Array {
    const header = new common.SignatureHeader();
    header.setCreator(identity(creatorMsp));
    header.setNonce(sha256(`nonce:${txId}`).subarray(0, 24));
    return header.serializeBinary();
}

/** The indexer reads only the MSP ID: the certificate is a stand-in. */
function identity(mspId: string): Uint8Array {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(mspId);
    creator.setIdBytes(bytes(`-----BEGIN CERTIFICATE-----\ntest certificate of ${mspId}\n-----END CERTIFICATE-----\n`));
    return creator.serializeBinary();
}

function endorserTransaction(tx: TransactionSpec, txId: string): Uint8Array {
    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(tx.chaincode ?? TEST_CHAINCODE);
    const action = new peer.TransactionAction();
    action.setHeader(signatureHeader(tx.creatorMsp ?? TEST_CLUB, txId));
    action.setPayload(chaincodeActionPayload(tx, chaincodeId, txId));
    const transaction = new peer.Transaction();
    transaction.setActionsList([action]);
    return transaction.serializeBinary();
}

function chaincodeActionPayload(tx: TransactionSpec, chaincodeId: peer.ChaincodeID, txId: string): Uint8Array {
    const input = new peer.ChaincodeInput();
    input.setArgsList([tx.function ?? 'Club:register', ...(tx.args ?? [])].map(bytes));
    const spec = new peer.ChaincodeSpec();
    spec.setType(peer.ChaincodeSpec.Type.NODE);
    spec.setChaincodeId(chaincodeId);
    spec.setInput(input);
    const invocation = new peer.ChaincodeInvocationSpec();
    invocation.setChaincodeSpec(spec);
    const proposal = new peer.ChaincodeProposalPayload();
    proposal.setInput(invocation.serializeBinary());

    const result = new peer.ChaincodeAction();
    result.setResults(publicRwSet(tx.writes ?? [], chaincodeId.getName()));
    if (tx.event) {
        result.setEvents(chaincodeEvent(tx.event, chaincodeId.getName(), txId));
    }
    const response = new peer.Response();
    response.setStatus(200);
    result.setResponse(response);
    result.setChaincodeId(chaincodeId);
    const responsePayload = new peer.ProposalResponsePayload();
    responsePayload.setProposalHash(sha256(`proposal:${txId}`));
    responsePayload.setExtension$(result.serializeBinary());

    const endorsement = new peer.Endorsement();
    endorsement.setEndorser(identity(tx.creatorMsp ?? TEST_CLUB));
    endorsement.setSignature(fakeSignature(txId));
    const endorsed = new peer.ChaincodeEndorsedAction();
    endorsed.setProposalResponsePayload(responsePayload.serializeBinary());
    endorsed.setEndorsementsList([endorsement]);
    const payload = new peer.ChaincodeActionPayload();
    payload.setChaincodeProposalPayload(proposal.serializeBinary());
    payload.setAction(endorsed);
    return payload.serializeBinary();
}

function chaincodeEvent(spec: EventSpec, chaincodeName: string, txId: string): Uint8Array {
    const event = new peer.ChaincodeEvent();
    event.setChaincodeId(chaincodeName);
    event.setTxId(txId);
    event.setEventName(spec.name);
    event.setPayload('changes' in spec ? bytes(JSON.stringify(spec)) : bytes(spec.payload));
    return event.serializeBinary();
}

function publicRwSet(writes: readonly WriteSpec[], chaincodeName: string): Uint8Array {
    const set = new ledger.rwset.TxReadWriteSet();
    set.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    set.setNsRwsetList(
        [...groupBy(writes, (write) => write.namespace ?? chaincodeName)].map(([namespace, nsWrites]) => {
            const ns = new ledger.rwset.NsReadWriteSet();
            ns.setNamespace(namespace);
            ns.setRwset(kvRwSet(nsWrites));
            return ns;
        }),
    );
    return set.serializeBinary();
}

function privateDataOf(transactions: readonly BlockTransactionSpec[]): Map<number, ledger.rwset.TxPvtReadWriteSet> {
    const privateData = new Map<number, ledger.rwset.TxPvtReadWriteSet>();
    for (const [txIndex, tx] of transactions.entries()) {
        if (tx.kind === undefined || tx.kind === 'endorser') {
            if (tx.privateWrites !== undefined && tx.privateWrites.length > 0) {
                privateData.set(txIndex, privateRwSet(tx.privateWrites, tx.chaincode ?? TEST_CHAINCODE));
            }
        }
    }
    return privateData;
}

function privateRwSet(writes: readonly PrivateWriteSpec[], chaincodeName: string): ledger.rwset.TxPvtReadWriteSet {
    const set = new ledger.rwset.TxPvtReadWriteSet();
    set.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
    set.setNsPvtRwsetList(
        [...groupBy(writes, (write) => write.namespace ?? chaincodeName)].map(([namespace, nsWrites]) => {
            const ns = new ledger.rwset.NsPvtReadWriteSet();
            ns.setNamespace(namespace);
            ns.setCollectionPvtRwsetList(
                [...groupBy(nsWrites, (write) => write.collection)].map(([collectionName, collectionWrites]) => {
                    const collection = new ledger.rwset.CollectionPvtReadWriteSet();
                    collection.setCollectionName(collectionName);
                    collection.setRwset(kvRwSet(collectionWrites));
                    return collection;
                }),
            );
            return ns;
        }),
    );
    return set;
}

function kvRwSet(writes: readonly WriteSpec[]): Uint8Array {
    const set = new ledger.rwset.kvrwset.KVRWSet();
    set.setWritesList(
        writes.map((spec) => {
            const write = new ledger.rwset.kvrwset.KVWrite();
            write.setKey(spec.key);
            if ('delete' in spec) {
                write.setIsDelete(true);
            } else {
                write.setValue(bytes(spec.value));
            }
            return write;
        }),
    );
    return set.serializeBinary();
}

function configEnvelope(): Uint8Array {
    const config = new common.Config();
    config.setSequence(1);
    config.setChannelGroup(new common.ConfigGroup());
    const configEnvelope = new common.ConfigEnvelope();
    configEnvelope.setConfig(config);
    return configEnvelope.serializeBinary();
}

function blockMetadata(transactions: readonly BlockTransactionSpec[]): common.BlockMetadata {
    const filter = Uint8Array.from(transactions, (tx) =>
        tx.kind === 'config' ? peer.TxValidationCode.VALID : peer.TxValidationCode[tx.validationCode ?? 'VALID'],
    );
    const entries = Object.keys(common.BlockMetadataIndex).map(() => new Uint8Array());
    entries[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = filter;
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList(entries);
    return metadata;
}

/** The protobuf runtime holds uint64 as a JS number: refuse a block number it would silently round. */
function protobufNumber(number: bigint): number {
    const value = Number(number);
    if (BigInt(value) !== number) {
        throw new RangeError(`block number ${number.toString()} cannot be held exactly by the protobuf runtime`);
    }
    return value;
}

function defaultTxId(tx: TransactionSpec | ConfigTransactionSpec, channel: string, number: bigint, txIndex: number): string {
    // Fabric's orderer-made configuration transactions carry no ID.
    return tx.kind === 'config' ? '' : createHash('sha256').update(`${channel}/${number.toString()}/${txIndex.toString()}`).digest('hex');
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        const key = keyOf(item);
        const group = groups.get(key);
        if (group) {
            group.push(item);
        } else {
            groups.set(key, [item]);
        }
    }
    return groups;
}

function fakeSignature(txId: string): Uint8Array {
    return sha256(`signature:${txId}`);
}

function sha256(text: string): Uint8Array {
    return createHash('sha256').update(text).digest();
}

function bytes(value: Bytes): Uint8Array {
    return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}
