import { status, type Deadline } from '@grpc/grpc-js';
import { gateway, peer } from '@hyperledger/fabric-protos';
import { deadlineWithin } from './connections.js';
import { endpointOf, localPeerInfo, type GatewayContext } from './context.js';
import { rpcError, type EndpointFailure } from './error-detail.js';
import { propose } from './peer-call.js';
import { parseSignedProposal } from './proposal.js';
import { peersByOrg, type ChannelView, type PeerInfo } from './registry.js';
import { chaincodeActionOf } from './transaction.js';

/** Chaincodes every peer of a channel runs, which gossip does not advertise. */
const SYSTEM_CHAINCODES = new Set(['qscc', 'cscc', '_lifecycle', 'lscc']);

/**
 * Peers that can run the chaincode, of the given organizations (all when none are named), the
 * gateway's own peer first. Peers that advertise no chaincodes at all are taken as able to, and every
 * peer of the channel runs the system chaincodes.
 */
export function chaincodePeers(context: GatewayContext, view: ChannelView, chaincode: string, organizations: readonly string[]): PeerInfo[] {
    const advertised = !SYSTEM_CHAINCODES.has(chaincode) && view.peers.some((info) => info.chaincodes.length > 0);
    const byOrg = advertised ? peersByOrg(view, chaincode) : groupByOrg(view.peers);
    const orgs = organizations.length > 0 ? [...new Set(organizations)] : [...byOrg.keys()];
    const local = localPeerInfo(context, view);
    const candidates = orgs.flatMap((org) => byOrg.get(org) ?? []);
    if (!advertised && orgs.includes(local.mspId) && !candidates.some((info) => info.address === local.address)) {
        candidates.push(local);
    }
    return candidates.sort((a, b) => Number(b.address === local.address) - Number(a.address === local.address));
}

function groupByOrg(peers: readonly PeerInfo[]): Map<string, PeerInfo[]> {
    const byOrg = new Map<string, PeerInfo[]>();
    for (const info of peers) {
        byOrg.set(info.mspId, [...(byOrg.get(info.mspId) ?? []), info]);
    }
    return byOrg;
}

/**
 * Evaluate: run the proposal on one peer — of the target organizations, else the gateway's own
 * first — and return the chaincode's Response. Nothing is ordered.
 */
export async function evaluate(context: GatewayContext, request: gateway.EvaluateRequest, callerDeadline?: Deadline): Promise<gateway.EvaluateResponse> {
    const proposal = parseSignedProposal(request.getProposedTransaction());
    const view = await context.registry.channel(proposal.channel);

    let targets = request.getTargetOrganizationsList();
    if (targets.length === 0) {
        // Transient data stays in the gateway's organization unless the client names others.
        targets = proposal.hasTransientData ? [context.identity.mspId] : [];
    }
    const candidates = chaincodePeers(context, view, proposal.chaincode, targets);
    if (candidates.length === 0) {
        const where = targets.length > 0 ? ` of organization(s) ${targets.join(', ')}` : '';
        throw rpcError(status.FAILED_PRECONDITION, `no peers${where} available to evaluate chaincode ${proposal.chaincode} in channel ${proposal.channel}`);
    }

    const details: EndpointFailure[] = [];
    let lastCode: status = status.UNAVAILABLE;
    for (const candidate of candidates) {
        const endpoint = endpointOf(context, view, candidate);
        const outcome = await propose(endpoint, proposal.signedProposal, deadlineWithin(context.options.endorsementTimeoutMs, callerDeadline));
        if (outcome.ok) {
            const result = new peer.Response();
            const chaincodeResponse = outcome.response.getResponse();
            result.setStatus(chaincodeResponse?.getStatus() ?? 200);
            result.setMessage(chaincodeResponse?.getMessage() ?? '');
            result.setPayload(resultOf(outcome.response) ?? chaincodeResponse?.getPayload_asU8() ?? new Uint8Array());
            const response = new gateway.EvaluateResponse();
            response.setResult(result);
            return response;
        }
        context.logger.debug({ channel: proposal.channel, chaincode: proposal.chaincode, txId: proposal.transactionId, endorser: outcome.detail, code: outcome.code }, 'evaluate call to endorser failed');
        details.push(outcome.detail);
        lastCode = outcome.code;
        if (outcome.code === status.UNAVAILABLE) {
            context.registry.invalidate(proposal.channel);
        }
        if (outcome.code === status.DEADLINE_EXCEEDED) {
            throw rpcError(status.DEADLINE_EXCEEDED, 'evaluate timeout expired', details);
        }
        if (!outcome.retryable) {
            throw rpcError(outcome.code, `evaluate call to endorser returned error: ${outcome.detail.message}`, details);
        }
        // With no organizations named, the gateway's own peer answers; others stand in only when it cannot be reached.
        if (targets.length === 0 && outcome.code !== status.UNAVAILABLE) {
            break;
        }
    }
    throw rpcError(lastCode, 'failed to evaluate transaction, see attached details for more info', details);
}

function resultOf(response: peer.ProposalResponse): Uint8Array | undefined {
    try {
        return chaincodeActionOf(response.getPayload_asU8()).getResponse()?.getPayload_asU8();
    } catch {
        return undefined;
    }
}
