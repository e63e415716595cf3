import { status } from '@grpc/grpc-js';
import { ledger } from '@hyperledger/fabric-protos';
import { rpcError } from './error-detail.js';
import { decodeTrusted } from './protobuf.js';
import type { ChaincodeCallInterest, EndorsementDescriptor, PeerInfo } from './registry.js';

/**
 * Exactly the named organizations, one peer each (the highest ledger; the gateway's own peer when
 * it is one of them). UNAVAILABLE naming the organizations without a peer for the chaincode.
 */
export function planForOrganizations(byOrg: ReadonlyMap<string, readonly PeerInfo[]>, organizations: readonly string[], localAddress?: string): PeerInfo[] {
    const unique = [...new Set(organizations)];
    const missing = unique.filter((org) => (byOrg.get(org)?.length ?? 0) === 0);
    if (missing.length > 0) {
        throw rpcError(status.UNAVAILABLE, `failed to find any endorsing peers for org(s): ${missing.join(', ')}`);
    }
    return unique.flatMap((org) => {
        const peers = byOrg.get(org) ?? [];
        return peers.find((candidate) => candidate.address === localAddress) ?? peers.slice(0, 1);
    });
}

export interface LayoutChoice {
    /** The layout's group → quantity. */
    readonly layout: ReadonlyMap<string, number>;
    /** Peers still to ask, beyond the endorsement already in hand. */
    readonly additional: PeerInfo[];
}

/**
 * The layout satisfiable with the endorsement already collected (if any) plus the fewest extra
 * peers. A peer counts once, in one group — as Fabric's policy evaluation counts each signature once.
 * FAILED_PRECONDITION when no layout can be filled from the peers discovery named.
 */
export function selectLayout(descriptor: EndorsementDescriptor, endorsed?: PeerInfo): LayoutChoice {
    let best: LayoutChoice | undefined;
    for (const layout of descriptor.layouts) {
        const additional = fillLayout(descriptor, layout, endorsed);
        if (additional && (!best || additional.length < best.additional.length)) {
            best = { layout, additional };
        }
    }
    if (!best) {
        throw rpcError(
            status.FAILED_PRECONDITION,
            `no combination of peers can be derived which satisfy the endorsement policy of chaincode ${descriptor.chaincode}: not enough peers available in any layout`,
        );
    }
    return best;
}

function samePeer(a: PeerInfo, b: PeerInfo): boolean {
    return a.address === b.address && a.mspId === b.mspId;
}

function fillLayout(descriptor: EndorsementDescriptor, layout: ReadonlyMap<string, number>, endorsed?: PeerInfo): PeerInfo[] | undefined {
    const used: PeerInfo[] = endorsed ? [endorsed] : [];
    const credited = endorsed ? [...layout.keys()].find((group) => descriptor.groups.get(group)?.some((member) => samePeer(member, endorsed))) : undefined;
    const additional: PeerInfo[] = [];
    for (const [group, quantity] of layout) {
        const needed = quantity - (group === credited ? 1 : 0);
        if (needed <= 0) {
            continue;
        }
        const candidates = [...(descriptor.groups.get(group) ?? [])]
            .filter((member) => !used.some((taken) => samePeer(taken, member)))
            .sort((a, b) => b.ledgerHeight - a.ledgerHeight);
        if (candidates.length < needed) {
            return undefined;
        }
        const chosen = candidates.slice(0, needed);
        used.push(...chosen);
        additional.push(...chosen);
    }
    return additional;
}

/**
 * The chaincode interest of a simulated transaction, from its read-write set: the invoked chaincode,
 * every other namespace it wrote, and the private collections it wrote in each. (Fabric ≥ 2.4 peers
 * return this as ProposalResponse.interest; 2.1 peers do not.)
 */
export function interestFromResults(chaincode: string, results: Uint8Array): ChaincodeCallInterest[] {
    const collections = new Map<string, Set<string>>([[chaincode, new Set()]]);
    if (results.length === 0) {
        return [{ chaincode, collections: [] }];
    }
    const rwset = decodeTrusted(ledger.rwset.TxReadWriteSet, results, 'read-write set');
    for (const ns of rwset.getNsRwsetList()) {
        const namespace = ns.getNamespace();
        const kv = decodeTrusted(ledger.rwset.kvrwset.KVRWSet, ns.getRwset_asU8(), `read-write set of ${namespace}`);
        const written = new Set<string>();
        for (const collection of ns.getCollectionHashedRwsetList()) {
            const hashed = decodeTrusted(ledger.rwset.kvrwset.HashedRWSet, collection.getHashedRwset_asU8(), `hashed read-write set of ${namespace}/${collection.getCollectionName()}`);
            if (hashed.getHashedWritesList().length > 0 || hashed.getMetadataWritesList().length > 0) {
                written.add(collection.getCollectionName());
            }
        }
        const wrotePublic = kv.getWritesList().length > 0 || kv.getMetadataWritesList().length > 0;
        if (namespace === chaincode || wrotePublic || written.size > 0) {
            const known = collections.get(namespace) ?? new Set<string>();
            written.forEach((name) => known.add(name));
            collections.set(namespace, known);
        }
    }
    return [...collections].map(([name, names]) => ({ chaincode: name, collections: [...names].sort() }));
}
