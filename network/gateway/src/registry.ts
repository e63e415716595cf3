import { status } from '@grpc/grpc-js';
import { discovery, gossip, msp, peer } from '@hyperledger/fabric-protos';
import { deadlineWithin, methods, unary, type Endpoint } from './connections.js';
import { failureMessage, GatewayRpcError, rpcError } from './error-detail.js';
import type { GatewayIdentity } from './identity.js';
import { decodeTrusted } from './protobuf.js';

/** A peer of a channel, as discovery describes it. */
export interface PeerInfo {
    readonly mspId: string;
    readonly address: string;
    readonly ledgerHeight: number;
    /** Chaincodes the peer advertises for the channel (gossip state info). */
    readonly chaincodes: readonly string[];
    /** The peer's serialized identity: what its endorsements carry as `endorser`. */
    readonly identity: Uint8Array;
}

export interface MspInfo {
    readonly mspId: string;
    readonly rootCerts: readonly Uint8Array[];
    readonly intermediateCerts: readonly Uint8Array[];
    readonly tlsRootCerts: readonly Uint8Array[];
}

export interface OrdererInfo {
    readonly mspId: string;
    readonly address: string;
}

/** What the gateway knows of one channel: its organizations' MSPs, its orderers and its peers. */
export interface ChannelView {
    readonly channel: string;
    readonly msps: ReadonlyMap<string, MspInfo>;
    readonly orderers: readonly OrdererInfo[];
    readonly peers: readonly PeerInfo[];
}

/** Discovery's answer to "who can endorse this": peers in groups, and the group quantities that satisfy the policy. */
export interface EndorsementDescriptor {
    readonly chaincode: string;
    readonly groups: ReadonlyMap<string, readonly PeerInfo[]>;
    readonly layouts: readonly ReadonlyMap<string, number>[];
}

/** A chaincode the transaction touches and the private collections it writes: what discovery plans for. */
export interface ChaincodeCallInterest {
    readonly chaincode: string;
    readonly collections: readonly string[];
}

/** Sends discovery queries and returns their results in order. */
export type DiscoveryTransport = (queries: readonly discovery.Query[]) => Promise<discovery.QueryResult[]>;

/** Discovery through the gateway's peer, each request signed by the gateway's own identity (no TLS binding). */
export function peerDiscovery(identity: GatewayIdentity, localPeer: Endpoint, timeoutMs: number): DiscoveryTransport {
    return async (queries) => {
        const auth = new discovery.AuthInfo();
        auth.setClientIdentity(identity.creator);
        auth.setClientTlsCertHash(new Uint8Array());
        const request = new discovery.Request();
        request.setAuthentication(auth);
        request.setQueriesList([...queries]);
        const payload = request.serializeBinary();
        const signed = new discovery.SignedRequest();
        signed.setPayload(payload);
        signed.setSignature(await identity.sign(payload));
        const response = await unary(localPeer, methods.discover, signed, (bytes) => discovery.Response.deserializeBinary(bytes), deadlineWithin(timeoutMs));
        return response.getResultsList();
    };
}

export interface RegistryOptions {
    /** How long a channel's membership and config are reused before discovery is asked again. */
    readonly channelTtlMs: number;
    /** How long an endorsement descriptor for one chaincode interest is reused. */
    readonly descriptorTtlMs: number;
}

interface Cached<T> {
    readonly at: number;
    readonly value: Promise<T>;
}

/** The channel's peers by organization, MSPs and orderers from the peer's discovery service, cached per channel. */
export class Registry {
    readonly #discover: DiscoveryTransport;
    readonly #options: RegistryOptions;
    readonly #channels = new Map<string, Cached<ChannelView>>();
    readonly #descriptors = new Map<string, Cached<EndorsementDescriptor>>();

    constructor(discover: DiscoveryTransport, options: RegistryOptions = { channelTtlMs: 30_000, descriptorTtlMs: 10_000 }) {
        this.#discover = discover;
        this.#options = options;
    }

    /** The channel's view, from cache unless stale or `refresh`; NOT_FOUND when discovery refuses the channel. */
    channel(channel: string, refresh = false): Promise<ChannelView> {
        return this.#cached(this.#channels, channel, this.#options.channelTtlMs, refresh, () => this.#queryChannel(channel));
    }

    /** Forget what is cached for a channel (after a peer failed), so the next use asks discovery again. */
    invalidate(channel: string): void {
        this.#channels.delete(channel);
        for (const key of this.#descriptors.keys()) {
            if (key.startsWith(`${channel}\u0000`)) {
                this.#descriptors.delete(key);
            }
        }
    }

    /** The channels the gateway has been asked about (refreshed periodically by refreshKnown). */
    knownChannels(): string[] {
        return [...this.#channels.keys()];
    }

    async refreshKnown(): Promise<void> {
        await Promise.allSettled(this.knownChannels().map((channel) => this.channel(channel, true)));
    }

    /** Discovery's endorsement descriptor for the interest; FAILED_PRECONDITION when no peers can satisfy the policy. */
    endorsementDescriptor(channel: string, interest: readonly ChaincodeCallInterest[]): Promise<EndorsementDescriptor> {
        const key = `${channel}\u0000${interest.map((call) => `${call.chaincode}:${[...call.collections].sort().join(',')}`).join(';')}`;
        return this.#cached(this.#descriptors, key, this.#options.descriptorTtlMs, false, () => this.#queryDescriptor(channel, interest));
    }

    #cached<T>(cache: Map<string, Cached<T>>, key: string, ttlMs: number, refresh: boolean, load: () => Promise<T>): Promise<T> {
        const hit = cache.get(key);
        if (hit && !refresh && Date.now() - hit.at < ttlMs) {
            return hit.value;
        }
        const value = load();
        cache.set(key, { at: Date.now(), value });
        value.catch(() => {
            if (cache.get(key)?.value === value) {
                cache.delete(key);
            }
        });
        return value;
    }

    async #ask(queries: discovery.Query[]): Promise<discovery.QueryResult[]> {
        try {
            const results = await this.#discover(queries);
            if (results.length !== queries.length) {
                throw new Error(`discovery returned ${results.length} results for ${queries.length} queries`);
            }
            return results;
        } catch (error) {
            if (error instanceof GatewayRpcError) {
                throw error;
            }
            throw rpcError(status.UNAVAILABLE, `discovery service of the gateway's peer failed: ${failureMessage(error)}`);
        }
    }

    async #queryChannel(channel: string): Promise<ChannelView> {
        const configQuery = new discovery.Query();
        configQuery.setChannel(channel);
        configQuery.setConfigQuery(new discovery.ConfigQuery());
        const peerQuery = new discovery.Query();
        peerQuery.setChannel(channel);
        peerQuery.setPeerQuery(new discovery.PeerMembershipQuery());
        const [configResult, membersResult] = await this.#ask([configQuery, peerQuery]);

        const config = configResult?.getConfigResult();
        if (!config) {
            const reason = configResult?.getError()?.getContent() ?? 'no config result';
            throw rpcError(status.NOT_FOUND, `channel "${channel}" is not available from the gateway's peer (discovery: ${reason})`);
        }
        const members = membersResult?.getMembers();
        if (!members) {
            const reason = membersResult?.getError()?.getContent() ?? 'no membership result';
            throw rpcError(status.UNAVAILABLE, `failed to get the peers of channel "${channel}" (discovery: ${reason})`);
        }
        return parseChannelView(channel, config, members);
    }

    async #queryDescriptor(channel: string, interest: readonly ChaincodeCallInterest[]): Promise<EndorsementDescriptor> {
        const chaincodeInterest = new peer.ChaincodeInterest();
        chaincodeInterest.setChaincodesList(
            interest.map((call) => {
                const chaincodeCall = new peer.ChaincodeCall();
                chaincodeCall.setName(call.chaincode);
                chaincodeCall.setCollectionNamesList([...call.collections]);
                return chaincodeCall;
            }),
        );
        const chaincodeQuery = new discovery.ChaincodeQuery();
        chaincodeQuery.setInterestsList([chaincodeInterest]);
        const query = new discovery.Query();
        query.setChannel(channel);
        query.setCcQuery(chaincodeQuery);
        const [result] = await this.#ask([query]);
        const descriptor = result?.getCcQueryRes()?.getContentList()[0];
        if (!descriptor) {
            const reason = result?.getError()?.getContent() ?? 'no endorsement descriptor';
            throw rpcError(status.FAILED_PRECONDITION, `no combination of peers can be derived which satisfy the endorsement policy: ${reason}`);
        }
        return parseDescriptor(descriptor);
    }
}

export function parseChannelView(channel: string, config: discovery.ConfigResult, members: discovery.PeerMembershipResult): ChannelView {
    const msps = new Map<string, MspInfo>();
    config.getMspsMap().forEach((mspConfig: msp.FabricMSPConfig, mspId: string) => {
        msps.set(mspId, {
            mspId,
            rootCerts: mspConfig.getRootCertsList_asU8(),
            intermediateCerts: mspConfig.getIntermediateCertsList_asU8(),
            tlsRootCerts: [...mspConfig.getTlsRootCertsList_asU8(), ...mspConfig.getTlsIntermediateCertsList_asU8()],
        });
    });
    const orderers: OrdererInfo[] = [];
    config.getOrderersMap().forEach((endpoints: discovery.Endpoints, mspId: string) => {
        for (const endpoint of endpoints.getEndpointList()) {
            orderers.push({ mspId, address: `${endpoint.getHost()}:${endpoint.getPort()}` });
        }
    });
    const peers: PeerInfo[] = [];
    members.getPeersByOrgMap().forEach((orgPeers: discovery.Peers, mspId: string) => {
        for (const discovered of orgPeers.getPeersList()) {
            const info = parsePeer(discovered, mspId);
            if (info) {
                peers.push(info);
            }
        }
    });
    return { channel, msps, orderers, peers };
}

export function parseDescriptor(descriptor: discovery.EndorsementDescriptor): EndorsementDescriptor {
    const groups = new Map<string, PeerInfo[]>();
    descriptor.getEndorsersByGroupsMap().forEach((groupPeers: discovery.Peers, group: string) => {
        groups.set(
            group,
            groupPeers.getPeersList().flatMap((discovered) => parsePeer(discovered) ?? []),
        );
    });
    const layouts = descriptor.getLayoutsList().map((layout) => {
        const quantities = new Map<string, number>();
        layout.getQuantitiesByGroupMap().forEach((quantity: number, group: string) => quantities.set(group, quantity));
        return quantities;
    });
    return { chaincode: descriptor.getChaincode(), groups, layouts };
}

/** A discovered peer; undefined when it advertises no endpoint (it cannot be called). */
function parsePeer(discovered: discovery.Peer, mspIdHint?: string): PeerInfo | undefined {
    const identityBytes = discovered.getIdentity_asU8();
    let mspId = mspIdHint ?? '';
    if (identityBytes.length > 0) {
        mspId = decodeTrusted(msp.SerializedIdentity, identityBytes, 'peer identity').getMspid() || mspId;
    }
    const membership = discovered.getMembershipInfo();
    const alive = membership ? decodeTrusted(gossip.GossipMessage, membership.getPayload_asU8(), 'membership info').getAliveMsg() : undefined;
    const address = alive?.getMembership()?.getEndpoint() ?? '';
    if (address === '') {
        return undefined;
    }
    const stateInfo = discovered.getStateInfo();
    const properties = stateInfo ? decodeTrusted(gossip.GossipMessage, stateInfo.getPayload_asU8(), 'state info').getStateInfo()?.getProperties() : undefined;
    return {
        mspId,
        address,
        ledgerHeight: properties?.getLedgerHeight() ?? 0,
        chaincodes: properties?.getChaincodesList().map((chaincode) => chaincode.getName()) ?? [],
        identity: identityBytes,
    };
}

/** The channel's peers of each organization that advertise the chaincode, highest ledger first. */
export function peersByOrg(view: ChannelView, chaincode: string): Map<string, PeerInfo[]> {
    const byOrg = new Map<string, PeerInfo[]>();
    for (const info of view.peers) {
        if (!info.chaincodes.includes(chaincode)) {
            continue;
        }
        const list = byOrg.get(info.mspId) ?? [];
        list.push(info);
        byOrg.set(info.mspId, list);
    }
    for (const list of byOrg.values()) {
        list.sort((a, b) => b.ledgerHeight - a.ledgerHeight);
    }
    return byOrg;
}
