import { status, type Deadline } from '@grpc/grpc-js';
import { peer } from '@hyperledger/fabric-protos';
import { methods, unary, type Endpoint } from './connections.js';
import { failureMessage, isServiceError, type EndpointFailure } from './error-detail.js';

export type ProposalOutcome =
    | { readonly ok: true; readonly endpoint: Endpoint; readonly response: peer.ProposalResponse }
    | {
          readonly ok: false;
          readonly endpoint: Endpoint;
          /** The gRPC code Fabric's gateway gives this kind of failure. */
          readonly code: status;
          readonly detail: EndpointFailure;
          /** True when another peer of the same organization might succeed (unreachable, chaincode 500 without payload). */
          readonly retryable: boolean;
          readonly response?: peer.ProposalResponse;
      };

/** Sends a (client-signed) proposal to one peer and classifies the answer as Fabric's gateway does. */
export async function propose(endpoint: Endpoint, signedProposal: peer.SignedProposal, deadline: Deadline): Promise<ProposalOutcome> {
    const fail = (code: status, message: string, retryable: boolean, response?: peer.ProposalResponse): ProposalOutcome => ({
        ok: false,
        endpoint,
        code,
        retryable,
        detail: { address: endpoint.address, mspId: endpoint.mspId, message },
        ...(response ? { response } : {}),
    });
    let response: peer.ProposalResponse;
    try {
        response = await unary(endpoint, methods.processProposal, signedProposal, (bytes) => peer.ProposalResponse.deserializeBinary(bytes), deadline);
    } catch (error) {
        if (isServiceError(error) && error.code === status.DEADLINE_EXCEEDED) {
            return fail(status.DEADLINE_EXCEEDED, failureMessage(error), true);
        }
        return fail(status.UNAVAILABLE, failureMessage(error), true);
    }
    const chaincodeResponse = response.getResponse();
    const code = chaincodeResponse?.getStatus() ?? 0;
    const message = chaincodeResponse?.getMessage() ?? '';
    if (code < 200 || code >= 400) {
        // A ≥ 2.4 peer returns a chaincode error without payload, so its gateway sees every 500 as
        // "no payload, 500"; a 2.1 peer attaches a payload. Classify by status alone, as ≥ 2.4 does.
        if (code === 500) {
            return fail(status.ABORTED, message, true, response);
        }
        return fail(status.UNKNOWN, `chaincode response ${code}, ${message}`, false, response);
    }
    return { ok: true, endpoint, response };
}
