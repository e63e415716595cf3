import { createHash } from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import { expect } from 'chai';
import { ClubContract } from '../../../chaincode/src/clubs/club-contract.js';
import { HARBOUR, admin, clubRegistration } from '../../../chaincode/test/support/fixtures.js';
import { FakeLedger } from '../../../chaincode/test/support/ledger.js';
import { headerHash } from '../../src/blocks/header-hash.js';
import { MALFORMED, type PrivateDataByTransaction, parseBlock } from '../../src/blocks/parse-block.js';
import type { ParsedBlock } from '../../src/blocks/parsed-block.js';
import {
    type BuiltBlock,
    ORDERER_MSP,
    TEST_CHAINCODE,
    TEST_CHANNEL,
    TEST_CLUB,
    TEST_TIME,
    buildBlock,
    buildChain,
    envelope,
    ledgerEventTransaction,
} from '../support/block-builder.js';

/** Through the wire and back, as the gateway delivers it. */
function delivered(built: BuiltBlock, privateData: PrivateDataByTransaction = built.privateData): ParsedBlock {
    return parseBlock(TEST_CHANNEL, common.Block.deserializeBinary(built.block.serializeBinary()), privateData);
}

const hex = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString('hex'));
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8'));
const only = <T>(items: readonly T[]): T => {
    expect(items).to.have.lengthOf(1);
    return items[0]!;
};

describe('parseBlock', () => {
    describe('header', () => {
        it('decodes the number as a bigint, both hashes, and hashes the header as Fabric does', () => {
            const previousHash = new Uint8Array(32).fill(7);
            const built = buildBlock({ number: 12, previousHash, transactions: [{}, {}] });

            const block = delivered(built);

            const envelopes = built.block.getData()!.getDataList_asU8();
            const expectedDataHash = createHash('sha256').update(Buffer.concat(envelopes)).digest('hex');
            expect(block.channel).to.equal(TEST_CHANNEL);
            expect(block.number).to.equal(12n);
            expect(hex(block.previousHash)).to.equal(hex(previousHash));
            expect(hex(block.dataHash)).to.equal(expectedDataHash);
            expect(hex(block.headerHash)).to.equal(hex(headerHash(12n, previousHash, Buffer.from(expectedDataHash, 'hex'))));
            expect(hex(block.headerHash)).to.equal(hex(built.headerHash));
        });

        it('links a chain: each previous hash is the header hash of the block before', () => {
            const chain = buildChain(4).map((built) => delivered(built));

            expect(chain.map((block) => block.number)).to.deep.equal([0n, 1n, 2n, 3n]);
            expect(chain[0]!.previousHash).to.have.lengthOf(0);
            for (const [index, block] of chain.entries()) {
                if (index > 0) {
                    expect(hex(block.previousHash)).to.equal(hex(chain[index - 1]!.headerHash));
                }
            }
        });

        it('continues a chain from a given block and hash', () => {
            const [first] = buildChain(1, { from: 41n, previousHash: Uint8Array.of(1, 2, 3) });
            const block = delivered(first!);
            expect(block.number).to.equal(41n);
            expect(hex(block.previousHash)).to.equal('010203');
        });

        it('shows a tampered block: its header hash no longer matches the next block, or its data its data hash', () => {
            const [genesis, original, next] = buildChain([
                { transactions: [{}] },
                { transactions: [{ writes: [{ key: 'club', value: 'honest' }] }] },
                { transactions: [{}] },
            ]);
            const tampered = buildBlock({
                number: 1,
                previousHash: genesis!.headerHash,
                transactions: [{ txId: original!.txIds[0]!, writes: [{ key: 'club', value: 'forged' }] }],
            });
            expect(hex(delivered(next!).previousHash)).to.equal(hex(delivered(original!).headerHash));
            expect(hex(delivered(next!).previousHash)).not.to.equal(hex(delivered(tampered).headerHash));

            const lying = buildBlock({
                number: 1,
                previousHash: genesis!.headerHash,
                dataHash: original!.block.getHeader()!.getDataHash_asU8(),
                transactions: [{ txId: original!.txIds[0]!, writes: [{ key: 'club', value: 'forged' }] }],
            });
            const recomputed = createHash('sha256').update(Buffer.concat(lying.block.getData()!.getDataList_asU8())).digest('hex');
            expect(hex(delivered(lying).headerHash)).to.equal(hex(delivered(original!).headerHash));
            expect(hex(delivered(lying).dataHash)).not.to.equal(recomputed);
        });

        for (const number of [2n ** 53n + 2n, 2n ** 63n]) {
            it(`keeps block number ${number.toString()} (above 2^53) exact`, () => {
                const built = buildBlock({ number, transactions: [{}] });
                const block = delivered(built);
                expect(block.number).to.equal(number);
                expect(hex(block.headerHash)).to.equal(hex(headerHash(number, new Uint8Array(), block.dataHash)));
            });
        }

        it('refuses to build a block number the protobuf runtime would round', () => {
            expect(() => buildBlock({ number: 2n ** 53n + 1n, transactions: [] })).to.throw(RangeError, /9007199254740993/);
        });

        it('decodes a block without transactions', () => {
            const block = delivered(buildBlock({ number: 3, transactions: [] }));
            expect(block.transactions).to.deep.equal([]);
            expect(hex(block.dataHash)).to.equal(createHash('sha256').digest('hex'));
        });

        it('refuses a block without a header: it cannot be placed in the chain', () => {
            expect(() => parseBlock(TEST_CHANNEL, new common.Block())).to.throw(/a block of channel atlantic has no header/);
        });
    });

    describe('endorser transactions', () => {
        it('decodes every fact of a transaction', () => {
            const timestamp = new Date('2026-04-01T08:30:15.123Z');
            const built = buildBlock({
                number: 5,
                transactions: [
                    {
                        txId: 'tx-check-in',
                        creatorMsp: 'AlpineMSP',
                        timestamp,
                        function: 'Visit:checkIn',
                        args: ['{"memberNumber":"HAR-1"}', 'second'],
                        writes: [
                            { key: 'visit-1', value: '{"status":"OPEN"}' },
                            { key: 'openVisit-HAR-1', delete: true },
                            { namespace: 'other', key: 'raw', value: Uint8Array.of(0, 255) },
                        ],
                        event: { name: 'VisitCheckedIn', payload: 'not json at all' },
                    },
                ],
            });

            const tx = only(delivered(built).transactions);

            expect(tx).to.include({ txIndex: 0, txId: 'tx-check-in', type: 'ENDORSER_TRANSACTION', creatorMsp: 'AlpineMSP', validationCode: 'VALID', isValid: true });
            expect(tx.timestamp.toISOString()).to.equal(timestamp.toISOString());
            expect(tx.chaincode).to.deep.equal({ name: TEST_CHAINCODE, function: 'Visit:checkIn' });
            expect(tx.writes.map((write) => ({ ...write, value: text(write.value) }))).to.deep.equal([
                { namespace: TEST_CHAINCODE, key: 'visit-1', isDelete: false, value: '{"status":"OPEN"}' },
                { namespace: TEST_CHAINCODE, key: 'openVisit-HAR-1', isDelete: true, value: undefined },
                { namespace: 'other', key: 'raw', isDelete: false, value: '\u0000\ufffd' },
            ]);
            expect(hex(tx.writes[2]?.value)).to.equal('00ff');
            expect(tx.writes[1]).not.to.have.property('value');
            expect(tx.event).to.deep.include({ chaincodeId: TEST_CHAINCODE, name: 'VisitCheckedIn' });
            expect(text(tx.event?.payload)).to.equal('not json at all');
            expect(tx.privateWrites).to.deep.equal([]);
            expect(tx).not.to.have.property('malformed');
        });

        it('carries a LedgerEvent emitted by the chaincode as its JSON, with its transaction facts', async () => {
            const ledger = new FakeLedger();
            const { event } = await ledger.submit(admin(HARBOUR), (ctx) =>
                new ClubContract().register(ctx, JSON.stringify(clubRegistration(HARBOUR))),
            );
            const ledgerEvent = event!;

            const tx = only(delivered(buildBlock({ number: 1, transactions: [ledgerEventTransaction(ledgerEvent, { function: 'Club:register' })] })).transactions);

            expect(tx).to.include({ txId: ledgerEvent.txId, creatorMsp: HARBOUR });
            expect(tx.timestamp.toISOString()).to.equal(ledgerEvent.timestamp);
            expect(tx.chaincode).to.deep.equal({ name: TEST_CHAINCODE, function: 'Club:register' });
            expect(tx.event).to.include({ chaincodeId: TEST_CHAINCODE, name: 'ClubRegistered' });
            expect(JSON.parse(text(tx.event?.payload)!) as LedgerEvent).to.deep.equal(ledgerEvent);
        });

        it('has no event when the transaction set none, and its function when it passed no arguments', () => {
            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ chaincode: 'other', function: 'ping' }] })).transactions);
            expect(tx).not.to.have.property('event');
            expect(tx.chaincode).to.deep.equal({ name: 'other', function: 'ping' });
            expect(tx.writes).to.deep.equal([]);
        });

        it('gives each transaction its own position, ID and defaults', () => {
            const built = buildBlock({ number: 2, transactions: [{}, {}, {}] });
            const transactions = delivered(built).transactions;
            expect(transactions.map((tx) => tx.txIndex)).to.deep.equal([0, 1, 2]);
            expect(transactions.map((tx) => tx.txId)).to.deep.equal(built.txIds);
            expect(new Set(built.txIds).size).to.equal(3);
            expect(transactions.map((tx) => tx.creatorMsp)).to.deep.equal([TEST_CLUB, TEST_CLUB, TEST_CLUB]);
            expect(transactions.map((tx) => tx.timestamp.getTime())).to.deep.equal([TEST_TIME.getTime(), TEST_TIME.getTime(), TEST_TIME.getTime()]);
        });
    });

    describe('validation codes', () => {
        it("names the committing peer's verdict and decodes invalid transactions too", () => {
            const built = buildBlock({
                number: 9,
                transactions: [
                    { validationCode: 'MVCC_READ_CONFLICT', writes: [{ key: 'usage', value: '2' }], event: { name: 'VisitCheckedIn', payload: '{}' } },
                    { validationCode: 'ENDORSEMENT_POLICY_FAILURE' },
                    {},
                ],
            });

            const [conflicted, unendorsed, valid] = delivered(built).transactions;

            expect(conflicted).to.include({ validationCode: 'MVCC_READ_CONFLICT', isValid: false, type: 'ENDORSER_TRANSACTION' });
            expect(conflicted?.writes.map((write) => write.key)).to.deep.equal(['usage']);
            expect(conflicted?.event?.name).to.equal('VisitCheckedIn');
            expect(unendorsed).to.include({ validationCode: 'ENDORSEMENT_POLICY_FAILURE', isValid: false });
            expect(valid).to.include({ validationCode: 'VALID', isValid: true });
        });

        it('reads a transaction missing from the transactions filter as NOT_VALIDATED', () => {
            const built = buildBlock({ number: 1, transactions: [{}, {}] });
            const metadata = built.block.getMetadata()!.getMetadataList_asU8();
            metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.of(peer.TxValidationCode.VALID);
            built.block.getMetadata()!.setMetadataList(metadata);

            expect(delivered(built).transactions.map((tx) => [tx.validationCode, tx.isValid])).to.deep.equal([
                ['VALID', true],
                ['NOT_VALIDATED', false],
            ]);
        });

        it('reads every transaction as NOT_VALIDATED when the block has no metadata', () => {
            const built = buildBlock({ number: 1, transactions: [{}] });
            built.block.clearMetadata();
            expect(only(delivered(built).transactions)).to.include({ validationCode: 'NOT_VALIDATED', isValid: false });
        });

        it('names a code this fabric-protos does not know instead of failing', () => {
            const built = buildBlock({ number: 1, transactions: [{}] });
            const metadata = built.block.getMetadata()!.getMetadataList_asU8();
            metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = Uint8Array.of(200);
            built.block.getMetadata()!.setMetadataList(metadata);
            expect(only(delivered(built).transactions)).to.include({ validationCode: 'UNKNOWN_VALIDATION_CODE_200', isValid: false });
        });
    });

    describe('private writes', () => {
        const spec = {
            number: 4,
            transactions: [
                { writes: [{ key: 'member', value: '{"hash":"abc"}' }] },
                {
                    privateWrites: [
                        { collection: '_implicit_org_HarbourMSP', key: 'person-1', value: '{"name":"Ada"}' },
                        { collection: '_implicit_org_HarbourMSP', key: 'person-0', delete: true as const },
                        { collection: 'shared', namespace: 'other', key: 'k', value: 'v' },
                    ],
                },
            ],
        };

        it('decodes the private writes of the transactions present in the private data map', () => {
            const [publicOnly, personal] = delivered(buildBlock(spec)).transactions;

            expect(publicOnly?.privateWrites).to.deep.equal([]);
            expect(personal?.privateWrites.map((write) => ({ ...write, value: text(write.value) }))).to.deep.equal([
                { namespace: TEST_CHAINCODE, collection: '_implicit_org_HarbourMSP', key: 'person-1', isDelete: false, value: '{"name":"Ada"}' },
                { namespace: TEST_CHAINCODE, collection: '_implicit_org_HarbourMSP', key: 'person-0', isDelete: true, value: undefined },
                { namespace: 'other', collection: 'shared', key: 'k', isDelete: false, value: 'v' },
            ]);
        });

        it('has no private writes when the block came without private data', () => {
            const built = buildBlock(spec);
            const block = parseBlock(TEST_CHANNEL, common.Block.deserializeBinary(built.block.serializeBinary()));
            expect(block.transactions.map((tx) => tx.privateWrites)).to.deep.equal([[], []]);
        });

        it("reads the private data map of fabric-gateway's block-and-private-data events", () => {
            const built = buildBlock(spec);
            const event = new peer.BlockAndPrivateData();
            event.setBlock(built.block);
            for (const [txIndex, set] of built.privateData) {
                event.getPrivateDataMapMap().set(txIndex, set);
            }
            const received = peer.BlockAndPrivateData.deserializeBinary(event.serializeBinary());

            const block = parseBlock(TEST_CHANNEL, received.getBlock()!, received.getPrivateDataMapMap());

            expect(block.transactions.map((tx) => tx.privateWrites.map((write) => write.key))).to.deep.equal([[], ['person-1', 'person-0', 'k']]);
        });
    });

    describe('malformed envelopes', () => {
        it('keeps an undecodable envelope as MALFORMED with its validation code and the reason, and decodes the others', () => {
            const built = buildBlock({
                number: 6,
                transactions: [{ txId: 'before' }, { kind: 'raw', envelope: Buffer.from('not a protobuf'), validationCode: 'BAD_PAYLOAD' }, { txId: 'after' }],
            });

            const [before, broken, after] = delivered(built).transactions;

            expect(before).to.include({ txId: 'before', type: 'ENDORSER_TRANSACTION' });
            expect(after).to.include({ txId: 'after', type: 'ENDORSER_TRANSACTION', txIndex: 2 });
            expect(broken).to.deep.include({
                txIndex: 1,
                type: MALFORMED,
                txId: '',
                creatorMsp: '',
                validationCode: 'BAD_PAYLOAD',
                isValid: false,
                writes: [],
                privateWrites: [],
            });
            expect(broken?.timestamp.getTime()).to.equal(0);
            expect(broken?.malformed).to.match(/^envelope 1 cannot be decoded: .+/);
            expect(broken).not.to.have.property('chaincode');
        });

        it('names an empty envelope (NIL_ENVELOPE) as one without a header', () => {
            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: new Uint8Array(), validationCode: 'NIL_ENVELOPE' }] })).transactions);
            expect(tx).to.include({ type: MALFORMED, validationCode: 'NIL_ENVELOPE' });
            expect(tx.malformed).to.equal('envelope 0 cannot be decoded: its payload has no header');
        });

        it('keeps the header facts of an envelope whose transaction cannot be decoded', () => {
            const timestamp = new Date('2026-05-05T05:05:05.000Z');
            const broken = envelope({ txId: 'tx-broken', creatorMsp: 'MetroMSP', timestamp, data: Buffer.from('not a transaction') });

            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: broken }] })).transactions);

            expect(tx).to.include({ type: MALFORMED, txId: 'tx-broken', creatorMsp: 'MetroMSP', validationCode: 'VALID' });
            expect(tx.timestamp.toISOString()).to.equal(timestamp.toISOString());
            expect(tx.malformed).to.match(/^ENDORSER_TRANSACTION 0 cannot be decoded: /);
        });

        it('refuses an endorser transaction without exactly one action', () => {
            const empty = envelope({ txId: 'tx-empty', data: new peer.Transaction().serializeBinary() });
            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: empty }] })).transactions);
            expect(tx.malformed).to.equal('ENDORSER_TRANSACTION 0 cannot be decoded: it carries 0 actions where Fabric accepts exactly one');
        });

        it('refuses an endorser transaction whose action carries no endorsed result or names no chaincode', () => {
            const withPayload = (payload: peer.ChaincodeActionPayload) => {
                const action = new peer.TransactionAction();
                action.setPayload(payload.serializeBinary());
                const transaction = new peer.Transaction();
                transaction.setActionsList([action]);
                return envelope({ data: transaction.serializeBinary() });
            };
            const unendorsed = new peer.ChaincodeActionPayload();
            const nameless = new peer.ChaincodeActionPayload();
            nameless.setAction(new peer.ChaincodeEndorsedAction());

            const [first, second] = delivered(
                buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: withPayload(unendorsed) }, { kind: 'raw', envelope: withPayload(nameless) }] }),
            ).transactions;

            expect(first?.malformed).to.match(/its action carries no endorsed result$/);
            expect(second?.malformed).to.match(/its proposal names no chaincode$/);
        });

        it('refuses an envelope of another channel', () => {
            const foreign = envelope({ channel: 'alps', txId: 'tx-alps', data: new Uint8Array() });
            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: foreign }] })).transactions);
            expect(tx).to.include({ type: MALFORMED, txId: 'tx-alps' });
            expect(tx.malformed).to.equal('ENDORSER_TRANSACTION 0 cannot be decoded: it belongs to channel alps');
        });

        it('reports no private writes for a malformed transaction', () => {
            const built = buildBlock({ number: 1, transactions: [{ privateWrites: [{ collection: 'c', key: 'k', value: 'v' }] }] });
            built.block.getData()!.setDataList([Buffer.from('garbage')]);
            expect(only(delivered(built).transactions)).to.deep.include({ type: MALFORMED, privateWrites: [] });
        });
    });

    describe('configuration transactions', () => {
        it('decodes their header facts and no writes', () => {
            const timestamp = new Date('2026-01-01T00:00:00.000Z');
            const tx = only(delivered(buildBlock({ number: 0, transactions: [{ kind: 'config', timestamp }] })).transactions);

            expect(tx).to.deep.equal({
                txIndex: 0,
                txId: '',
                type: 'CONFIG',
                creatorMsp: ORDERER_MSP,
                timestamp,
                validationCode: 'VALID',
                isValid: true,
                writes: [],
                privateWrites: [],
            });
        });

        it('reads a channel header without a timestamp as the epoch', () => {
            const channelHeader = new common.ChannelHeader();
            channelHeader.setType(common.HeaderType.CONFIG);
            channelHeader.setChannelId(TEST_CHANNEL);
            const header = new common.Header();
            header.setChannelHeader(channelHeader.serializeBinary());
            const payload = new common.Payload();
            payload.setHeader(header);
            const untimed = new common.Envelope();
            untimed.setPayload(payload.serializeBinary());

            const tx = only(delivered(buildBlock({ number: 0, transactions: [{ kind: 'raw', envelope: untimed.serializeBinary() }] })).transactions);

            expect(tx).to.include({ type: 'CONFIG', creatorMsp: '' });
            expect(tx.timestamp.getTime()).to.equal(0);
        });

        it('decodes the header type of any other envelope without reading its data', () => {
            const update = envelope({ type: 'CONFIG_UPDATE', txId: 'tx-update', data: Buffer.from('opaque') });
            const tx = only(delivered(buildBlock({ number: 1, transactions: [{ kind: 'raw', envelope: update }] })).transactions);
            expect(tx).to.include({ type: 'CONFIG_UPDATE', txId: 'tx-update' });
            expect(tx.writes).to.deep.equal([]);
        });
    });

    it('decodes a burst of 600 transactions in order, invalid ones included', () => {
        const built = buildBlock({
            number: 100,
            transactions: Array.from({ length: 600 }, (_, index) => ({
                validationCode: index % 10 === 9 ? ('MVCC_READ_CONFLICT' as const) : ('VALID' as const),
                writes: [{ key: `usage-${index.toString()}`, value: index.toString() }],
                event: { name: 'VisitCheckedIn', payload: JSON.stringify({ index }) },
            })),
        });

        const { transactions } = delivered(built);

        expect(transactions).to.have.lengthOf(600);
        expect(transactions.every((tx, index) => tx.txIndex === index && tx.writes[0]?.key === `usage-${index.toString()}`)).to.be.true;
        expect(transactions.filter((tx) => !tx.isValid)).to.have.lengthOf(60);
        expect(new Set(transactions.map((tx) => tx.txId)).size).to.equal(600);
    });
});
