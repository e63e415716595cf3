import { status, type Deadline } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { deadlineWithin } from './connections.js';
import { endpointOf, localPeerInfo, type GatewayContext } from './context.js';
import { interestFromResults, planForOrganizations, selectLayout } from './endorsement-plan.js';
import { rpcError, type EndpointFailure } from './error-detail.js';
import { chaincodePeers } from './evaluate.js';
import { propose, type ProposalOutcome } from './peer-call.js';
import { bytesEqual } from './protobuf.js';
import { parseSignedProposal, type ProposalInfo } from './proposal.js';
import type { ChannelView, PeerInfo } from './registry.js';
import { chaincodeActionOf, prepareTransaction } from './transaction.js';

const endorseFailed = 'failed to endorse transaction, see attached details for more info';

/**
 * Endorse: collect endorsements that satisfy the chaincode's policy (or exactly the named
 * organizations), check they all succeeded and agree, and return the transaction for the client
 * to sign. The gateway adds no signature of its own.
 */
export async function endorse(context: GatewayContext, request: gateway.EndorseRequest, callerDeadline?: Deadline): Promise<gateway.EndorseResponse> {
    const proposal = parseSignedProposal(request.getProposedTransaction());
    const signedProposal = proposal.signedProposal;
    const view = await context.registry.channel(proposal.channel);
    const ask = (targets: readonly PeerInfo[]): Promise<ProposalOutcome[]> => {
        const deadline = deadlineWithin(context.options.endorsementTimeoutMs, callerDeadline);
        return Promise.all(targets.map((target) => propose(endpointOf(context, view, target), signedProposal, deadline)));
    };

    const organizations = request.getEndorsingOrganizationsList();
    const outcomes =
        organizations.length > 0
            ? await ask(planForOrganizations(byOrganization(context, view, proposal.chaincode, organizations), organizations, context.connections.local.address))
            : await endorseByPolicy(context, view, proposal, ask);

    if (outcomes.some((outcome) => !outcome.ok && outcome.code === status.UNAVAILABLE)) {
        context.registry.invalidate(proposal.channel); // a peer went away: ask discovery afresh next time
    }
    const responses = checkEndorsements(outcomes, context);
    const [reference] = responses;
    if (!reference) {
        throw rpcError(status.ABORTED, endorseFailed);
    }
    const endorsements = responses.flatMap((response) => response.getEndorsement() ?? []);
    const response = new gateway.EndorseResponse();
    response.setPreparedTransaction(prepareTransaction(proposal.header, proposal.payload, reference.getPayload_asU8(), endorsements));
    context.logger.debug({ channel: proposal.channel, chaincode: proposal.chaincode, txId: proposal.transactionId, endorsers: outcomes.map((o) => o.endpoint.address) }, 'endorsed');
    return response;
}

function byOrganization(context: GatewayContext, view: ChannelView, chaincode: string, organizations: readonly string[]): Map<string, PeerInfo[]> {
    return new Map(organizations.map((org) => [org, chaincodePeers(context, view, chaincode, [org])]));
}

/**
 * No organizations named: endorse first on the gateway's own organization, derive the chaincode
 * interest from that simulation's read-write set, ask discovery who else must endorse it, and ask
 * the fewest extra peers (concurrently) that complete a layout.
 */
async function endorseByPolicy(
    context: GatewayContext,
    view: ChannelView,
    proposal: ProposalInfo,
    ask: (targets: readonly PeerInfo[]) => Promise<ProposalOutcome[]>,
): Promise<ProposalOutcome[]> {
    const ownPeers = chaincodePeers(context, view, proposal.chaincode, [context.identity.mspId]);
    if (ownPeers.length === 0) {
        if (proposal.hasTransientData) {
            throw rpcError(status.FAILED_PRECONDITION, "no endorsers found in the gateway's organization; retry specifying endorsing organization(s) to protect transient data");
        }
        const descriptor = await context.registry.endorsementDescriptor(proposal.channel, [{ chaincode: proposal.chaincode, collections: [] }]);
        return ask(selectLayout(descriptor).additional);
    }

    const details: EndpointFailure[] = [];
    let first: { info: PeerInfo; outcome: ProposalOutcome & { ok: true } } | undefined;
    for (const info of ownPeers) {
        const [outcome] = await ask([info]);
        if (outcome?.ok) {
            first = { info, outcome };
            break;
        }
        if (outcome) {
            details.push(outcome.detail);
            if (outcome.code === status.DEADLINE_EXCEEDED) {
                throw rpcError(status.DEADLINE_EXCEEDED, 'endorsement timeout expired while collecting first endorsement', details);
            }
            if (!outcome.retryable) {
                break;
            }
        }
    }
    if (!first) {
        throw rpcError(status.ABORTED, endorseFailed, details);
    }

    const action = chaincodeActionOf(first.outcome.response.getPayload_asU8());
    const interest = interestFromResults(proposal.chaincode, action.getResults_asU8());
    const descriptor = await context.registry.endorsementDescriptor(proposal.channel, interest);
    const firstInfo = first.info.address === localPeerInfo(context, view).address ? localPeerInfo(context, view) : first.info;
    const choice = selectLayout(descriptor, firstInfo);
    context.logger.debug({ txId: proposal.transactionId, interest, layout: Object.fromEntries(choice.layout), additional: choice.additional.map((p) => p.address) }, 'endorsement plan');
    return [first.outcome, ...(await ask(choice.additional))];
}

/** Every endorsement must have succeeded and carry identical proposal response payloads (results and event). */
export function checkEndorsements(outcomes: readonly ProposalOutcome[], context?: Pick<GatewayContext, 'logger'>): peer.ProposalResponse[] {
    const details: EndpointFailure[] = [];
    const responses: peer.ProposalResponse[] = [];
    let deadlineExceeded = false;
    for (const outcome of outcomes) {
        if (!outcome.ok) {
            details.push(outcome.detail);
            deadlineExceeded ||= outcome.code === status.DEADLINE_EXCEEDED;
            continue;
        }
        const reference = responses[0];
        if (reference && !bytesEqual(reference.getPayload_asU8(), outcome.response.getPayload_asU8())) {
            context?.logger.warn({ endorser: outcome.endpoint.address }, 'ProposalResponsePayloads do not match');
            details.push({ address: outcome.endpoint.address, mspId: outcome.endpoint.mspId, message: 'ProposalResponsePayloads do not match' });
            continue;
        }
        responses.push(outcome.response);
    }
    if (deadlineExceeded) {
        throw rpcError(status.DEADLINE_EXCEEDED, 'endorsement timeout expired while collecting endorsements', details);
    }
    if (details.length > 0 || responses.length === 0) {
        throw rpcError(status.ABORTED, endorseFailed, details);
    }
    return responses;
}
