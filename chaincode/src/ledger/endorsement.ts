import { common, msp } from '@hyperledger/fabric-protos';

/**
 * A key-level endorsement policy: every owner AND a majority of the channel's clubs.
 * A key-level policy replaces the chaincode's MAJORITY for that key, so the majority is
 * restated here; the owners are added because a majority could otherwise leave one out.
 */
export function ownersAndMajorityPolicy(owners: readonly string[], channelClubs: readonly string[]): Uint8Array {
    const clubs = [...new Set([...channelClubs, ...owners])].sort();
    const signedBy = (mspId: string): common.SignaturePolicy => {
        const rule = new common.SignaturePolicy();
        rule.setSignedBy(clubs.indexOf(mspId));
        return rule;
    };
    const majority = nOutOf(Math.floor(clubs.length / 2) + 1, clubs.map(signedBy));
    const ownerRules = [...new Set(owners)].sort().map(signedBy);

    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setVersion(0);
    envelope.setIdentitiesList(clubs.map(peerOf));
    envelope.setRule(nOutOf(ownerRules.length + 1, [...ownerRules, majority]));
    return envelope.serializeBinary();
}

function nOutOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
    const nOf = new common.SignaturePolicy.NOutOf();
    nOf.setN(n);
    nOf.setRulesList(rules);
    const policy = new common.SignaturePolicy();
    policy.setNOutOf(nOf);
    return policy;
}

function peerOf(mspId: string): msp.MSPPrincipal {
    const role = new msp.MSPRole();
    role.setMspIdentifier(mspId);
    role.setRole(msp.MSPRole.MSPRoleType.PEER);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(role.serializeBinary());
    return principal;
}
