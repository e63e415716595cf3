import { common, msp } from '@hyperledger/fabric-protos';
import { ownersAndMajority } from './endorsers';

/**
 * A key-level endorsement policy: every owner AND `max(0, majority − owners)` of the other clubs, so that at
 * least a majority of the channel's clubs endorse. A key-level policy replaces the chaincode's MAJORITY for that
 * key, so the majority is restated here; the owners are named because a majority could otherwise leave one out.
 * For example, a member of Harbour on three clubs: NOutOf(2, [Harbour, NOutOf(1, [Alpine, Metro])]); an
 * agreement of Harbour and Alpine: NOutOf(2, [Alpine, Harbour]); on two clubs either needs both.
 */
export function ownersAndMajorityPolicy(owners: readonly string[], channelClubs: readonly string[]): Uint8Array {
    const { clubs, owners: required, others, othersNeeded } = ownersAndMajority(owners, channelClubs);
    const signedBy = (mspId: string): common.SignaturePolicy => {
        const rule = new common.SignaturePolicy();
        rule.setSignedBy(clubs.indexOf(mspId));
        return rule;
    };
    const rules = required.map(signedBy);
    if (othersNeeded > 0) {
        rules.push(nOutOf(othersNeeded, others.map(signedBy)));
    }

    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setVersion(0);
    envelope.setIdentitiesList(clubs.map(peerOf));
    envelope.setRule(nOutOf(rules.length, rules));
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
