import {
    type EndorsementPolicy,
    type Endorser,
    implicitMajority,
    orgEndorsementPolicy,
    signaturePolicy,
} from './signature-policies';

/** What a transaction wrote, as the validator reads it from the read-write set. */
export interface WriteSet {
    /** Public keys written, deleted or given a validation parameter (a metadata write). */
    readonly publicKeys: readonly string[];
    /** Private data collections written, deleted or purged. */
    readonly collections: readonly string[];
}

/** What the committing peer validates against: the channel's organizations and the committed state. */
export interface CommittedChannel {
    readonly clubs: readonly string[];
    /** A public key's committed validation parameter: the one before the transaction, as Fabric uses. */
    readonly validationParameterOf: (key: string) => Uint8Array | undefined;
}

const IMPLICIT_COLLECTION = /^_implicit_org_(.+)$/;
const UNSATISFIED = 'signature set did not satisfy policy';

/**
 * Why committing peers would mark the transaction ENDORSEMENT_POLICY_FAILURE, or undefined if they would not,
 * as Fabric 2.x's state-based validator decides: a public write must satisfy its key's validation parameter, or
 * the chaincode's policy when it has none; a private write its collection's endorsement policy (an implicit
 * collection's is its organization's); a transaction that writes nothing, the chaincode's policy.
 */
export function endorsementPolicyFailure(writes: WriteSet, endorsers: readonly Endorser[], channel: CommittedChannel): string | undefined {
    const chaincodePolicy = implicitMajority(channel.clubs.map(orgEndorsementPolicy));
    const checks = [
        ...writes.publicKeys.map((key) => keyCheck(key, channel, chaincodePolicy)),
        ...writes.collections.map((collection) => collectionCheck(collection, channel, chaincodePolicy)),
    ];
    if (checks.length === 0) {
        checks.push(chaincodeCheck(chaincodePolicy));
    }
    for (const check of checks) {
        const failure = check(endorsers);
        if (failure !== undefined) {
            return failure;
        }
    }
    return undefined;
}

/** One policy check of a transaction's endorsements: the reason it fails, or undefined. */
type Check = (endorsers: readonly Endorser[]) => string | undefined;

function keyCheck(key: string, channel: CommittedChannel, chaincodePolicy: EndorsementPolicy): Check {
    const parameter = channel.validationParameterOf(key);
    if (parameter === undefined) {
        return chaincodeCheck(chaincodePolicy);
    }
    return (endorsers) => {
        const failure = keyPolicyFailure(parameter, endorsers);
        return failure === undefined ? undefined : `validation of key ${printable(key)} failed: ${failure}`;
    };
}

/** A validation parameter that does not compile fails validation too, with the compiler's reason. */
function keyPolicyFailure(parameter: Uint8Array, endorsers: readonly Endorser[]): string | undefined {
    let policy: EndorsementPolicy;
    try {
        policy = signaturePolicy(parameter);
    } catch (error) {
        return error instanceof Error ? error.message : String(error);
    }
    return policy(endorsers) ? undefined : UNSATISFIED;
}

function collectionCheck(collection: string, channel: CommittedChannel, chaincodePolicy: EndorsementPolicy): Check {
    const org = IMPLICIT_COLLECTION.exec(collection)?.[1];
    if (org === undefined) {
        // A collection defined without an endorsement policy of its own takes the chaincode's.
        return chaincodeCheck(chaincodePolicy);
    }
    if (!channel.clubs.includes(org)) {
        return () => `no org found in channel with MSPID '${org}'`;
    }
    const policy = orgEndorsementPolicy(org);
    return (endorsers) =>
        policy(endorsers) ? undefined : `validation of endorsement policy for collection ${collection} failed: ${UNSATISFIED}`;
}

function chaincodeCheck(chaincodePolicy: EndorsementPolicy): Check {
    return (endorsers) =>
        chaincodePolicy(endorsers) ? undefined : `validation of the chaincode's endorsement policy (MAJORITY Endorsement) failed: ${UNSATISFIED}`;
}

/** A composite key with its U+0000 separators shown as slashes. */
function printable(key: string): string {
    return key.split('\u0000').filter((part) => part.length > 0).join('/');
}
