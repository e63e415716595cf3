import { common, peer } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { blockTransactions, chaincodeEventsForBlock } from '../../src/blocks.js';
import { chaincodeActionOf, prepareTransaction } from '../../src/transaction.js';
import { block, chaincodeEvent, readWriteSet, responsePayload, transactionEnvelope } from './fixtures.js';

describe('prepared transaction', () => {
    it('assembles header, input without transient data, the agreed payload and each endorser once', () => {
        const channelHeader = new common.ChannelHeader();
        channelHeader.setChannelId('atlantic');
        channelHeader.setTxId('tx1');
        channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
        const signatureHeader = new common.SignatureHeader();
        signatureHeader.setCreator(Buffer.from('client'));
        signatureHeader.setNonce(Buffer.from('nonce'));
        const header = new common.Header();
        header.setChannelHeader(channelHeader.serializeBinary());
        header.setSignatureHeader(signatureHeader.serializeBinary());
        const proposalPayload = new peer.ChaincodeProposalPayload();
        proposalPayload.setInput(Buffer.from('invocation'));
        proposalPayload.getTransientmapMap().set('secret', Buffer.from('do not leak'));

        const prp = responsePayload({ chaincode: 'cc', results: readWriteSet({ cc: { writes: ['k'] } }), event: chaincodeEvent('cc', 'tx1', 'Created', '{}'), result: 'ok' });
        const endorsement = (who: string): peer.Endorsement => {
            const e = new peer.Endorsement();
            e.setEndorser(Buffer.from(who));
            e.setSignature(Buffer.from(`sig-${who}`));
            return e;
        };
        const envelope = prepareTransaction(header, proposalPayload, prp, [endorsement('harbour'), endorsement('metro'), endorsement('harbour')]);

        expect(envelope.getSignature_asU8()).to.have.length(0);
        const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        expect(payload.getHeader()?.serializeBinary()).to.deep.equal(header.serializeBinary());
        const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
        expect(transaction.getActionsList()).to.have.length(1);
        const action = transaction.getActionsList()[0]!;
        expect(Buffer.from(action.getHeader_asU8())).to.deep.equal(Buffer.from(signatureHeader.serializeBinary()));
        const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
        const input = peer.ChaincodeProposalPayload.deserializeBinary(actionPayload.getChaincodeProposalPayload_asU8());
        expect(Buffer.from(input.getInput_asU8()).toString()).to.equal('invocation');
        expect(input.getTransientmapMap().getLength()).to.equal(0);
        const endorsed = actionPayload.getAction()!;
        expect(Buffer.from(endorsed.getProposalResponsePayload_asU8())).to.deep.equal(Buffer.from(prp));
        expect(endorsed.getEndorsementsList().map((e) => Buffer.from(e.getEndorser_asU8()).toString())).to.deep.equal(['harbour', 'metro']);
        // What the client reads back as the transaction's result.
        expect(Buffer.from(chaincodeActionOf(endorsed.getProposalResponsePayload_asU8()).getResponse()!.getPayload_asU8()).toString()).to.equal('ok');
    });
});

describe('chaincode events from blocks', () => {
    const { VALID, MVCC_READ_CONFLICT } = peer.TxValidationCode;
    const sample = block(
        7,
        [
            transactionEnvelope({ txId: 'a', eventName: 'First' }),
            transactionEnvelope({ txId: 'b', eventName: 'Invalid' }),
            transactionEnvelope({ txId: 'c', chaincode: 'other', eventName: 'OtherChaincode' }),
            transactionEnvelope({ txId: 'd', eventName: 'Second' }),
            transactionEnvelope({ txId: 'e' }),
            transactionEnvelope({ txId: 'f', eventName: 'Third' }),
            transactionEnvelope({ txId: 'g', type: common.HeaderType.CONFIG, eventName: 'NotAnEndorserTx' }),
        ],
        [VALID, MVCC_READ_CONFLICT, VALID, VALID, VALID, VALID, VALID],
    );
    const names = (events: peer.ChaincodeEvent[]): string[] => events.map((event) => event.getEventName());

    it('reads every transaction with its validation code and event', () => {
        const txs = blockTransactions(sample);
        expect(txs.map((tx) => [tx.transactionId, tx.validationCode, tx.events.length])).to.deep.equal([
            ['a', VALID, 1],
            ['b', MVCC_READ_CONFLICT, 1],
            ['c', VALID, 1],
            ['d', VALID, 1],
            ['e', VALID, 0],
            ['f', VALID, 1],
            ['g', VALID, 0],
        ]);
    });

    it('keeps only valid transactions of the named chaincode, in order', () => {
        expect(names(chaincodeEventsForBlock(sample, 'cc'))).to.deep.equal(['First', 'Second', 'Third']);
        expect(names(chaincodeEventsForBlock(sample, 'other'))).to.deep.equal(['OtherChaincode']);
    });

    it('resumes after the checkpointed transaction (exclusive) in the start block', () => {
        expect(names(chaincodeEventsForBlock(sample, 'cc', 'a'))).to.deep.equal(['Second', 'Third']);
        expect(names(chaincodeEventsForBlock(sample, 'cc', 'd'))).to.deep.equal(['Third']);
        expect(names(chaincodeEventsForBlock(sample, 'cc', 'f'))).to.deep.equal([]);
        // A transaction not in the block skips nothing.
        expect(names(chaincodeEventsForBlock(sample, 'cc', 'zzz'))).to.deep.equal(['First', 'Second', 'Third']);
    });
});
