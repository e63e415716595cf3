import * as grpc from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import { expect } from 'chai';
import { decodeStatusDetails, encodeStatusDetails, rpcError, statusDetailsKey, toStatusObject } from '../../src/error-detail.js';

const details = [
    { address: 'peer0.harbour:7051', mspId: 'HarbourMSP', message: 'chaincode response 500, NOT_FOUND: no such club' },
    { address: 'peer0.metro:7051', mspId: 'MetroMSP', message: 'ProposalResponsePayloads do not match' },
];

describe('error details (grpc-status-details-bin)', () => {
    it('encodes google.rpc.Status with one gateway.ErrorDetail per endpoint, as the client decodes them', () => {
        const bytes = encodeStatusDetails(grpc.status.ABORTED, 'failed to endorse transaction, see attached details for more info', details);
        // The decoding @hyperledger/fabric-gateway's newGatewayError does.
        const decoded = google.rpc.Status.deserializeBinary(bytes);
        expect(decoded.getCode()).to.equal(grpc.status.ABORTED);
        expect(decoded.getMessage()).to.equal('failed to endorse transaction, see attached details for more info');
        const fromClient = decoded.getDetailsList().map((any) => {
            const detail = gateway.ErrorDetail.deserializeBinary(any.getValue_asU8());
            return { address: detail.getAddress(), mspId: detail.getMspId(), message: detail.getMessage(), typeUrl: any.getTypeUrl() };
        });
        expect(fromClient).to.deep.equal(details.map((d) => ({ ...d, typeUrl: 'type.googleapis.com/gateway.ErrorDetail' })));
    });

    it('puts the details in the trailer of the status object, and reads them back', () => {
        const status = toStatusObject(rpcError(grpc.status.UNAVAILABLE, 'no orderers could successfully process transaction', details));
        expect(status.code).to.equal(grpc.status.UNAVAILABLE);
        expect(status.details).to.equal('no orderers could successfully process transaction');
        expect(status.metadata?.get(statusDetailsKey)).to.have.length(1);
        expect(decodeStatusDetails(status.metadata!)).to.deep.equal(details);
    });

    it('sends no trailer without details, and turns foreign errors into INTERNAL', () => {
        expect(toStatusObject(rpcError(grpc.status.NOT_FOUND, 'x')).metadata?.get(statusDetailsKey)).to.deep.equal([]);
        expect(toStatusObject(new Error('boom'))).to.include({ code: grpc.status.INTERNAL, details: 'boom' });
    });
});
