import { common, msp } from '@hyperledger/fabric-protos';

const { MSPRoleType } = msp.MSPRole;
type Role = msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap];

/** The identity behind one endorsement, as a committing peer's validator deserializes it. */
export interface Endorser {
    readonly mspId: string;
    readonly role: Role;
}

/** A policy as the validator checks it against a transaction's endorsements. */
export type EndorsementPolicy = (endorsers: readonly Endorser[]) => boolean;

/**
 * The endorsements a transaction carries when the gateway names these organizations: one peer of each, as
 * our network runs one peer per club. Naming an organization twice adds no second peer.
 */
export function endorsementsBy(organizations: readonly string[]): Endorser[] {
    return [...new Set(organizations)].map((mspId) => ({ mspId, role: MSPRoleType.PEER }));
}

/** A ROLE principal (`'<MSP>.peer'`, `'<MSP>.member'`), the only classification our policies use. */
export interface RolePrincipal {
    readonly mspId: string;
    readonly role: Role;
}

export const peerRole = (mspId: string): RolePrincipal => ({ mspId, role: MSPRoleType.PEER });
export const memberRole = (mspId: string): RolePrincipal => ({ mspId, role: MSPRoleType.MEMBER });
export const adminRole = (mspId: string): RolePrincipal => ({ mspId, role: MSPRoleType.ADMIN });

export function signedBy(principalIndex: number): common.SignaturePolicy {
    const rule = new common.SignaturePolicy();
    rule.setSignedBy(principalIndex);
    return rule;
}

export function nOutOf(n: number, rules: common.SignaturePolicy[]): common.SignaturePolicy {
    const nOf = new common.SignaturePolicy.NOutOf();
    nOf.setN(n);
    nOf.setRulesList(rules);
    const rule = new common.SignaturePolicy();
    rule.setNOutOf(nOf);
    return rule;
}

/** A serialized SignaturePolicyEnvelope, as `setStateValidationParameter` takes it. */
export function envelope(principals: readonly RolePrincipal[], rule: common.SignaturePolicy): Uint8Array {
    const policy = new common.SignaturePolicyEnvelope();
    policy.setVersion(0);
    policy.setIdentitiesList(principals.map(serializedPrincipal));
    policy.setRule(rule);
    return policy.serializeBinary();
}

/** `/Channel/Application/<org>/Endorsement` as our channels define it: `OR('<MSP>.peer')`. */
export function orgEndorsementPolicy(mspId: string): EndorsementPolicy {
    return signaturePolicy(envelope([peerRole(mspId)], nOutOf(1, [signedBy(0)])));
}

/** An ImplicitMeta MAJORITY: each sub-policy is evaluated on its own, so one endorsement may serve several. */
export function implicitMajority(subPolicies: readonly EndorsementPolicy[]): EndorsementPolicy {
    // Fabric's special case: a MAJORITY of no sub-policies needs none.
    const threshold = subPolicies.length === 0 ? 0 : Math.floor(subPolicies.length / 2) + 1;
    return (endorsers) => subPolicies.filter((policy) => policy(endorsers)).length >= threshold;
}

/**
 * A SignaturePolicyEnvelope evaluated as Fabric's cauthdsl does: a leaf takes the first endorsement not yet used
 * that satisfies its principal and marks it used, so one endorsement satisfies one leaf of the whole policy; an
 * NOutOf tries each rule in order, keeping the endorsements a satisfied rule used and releasing those of a failed one.
 * A malformed envelope throws, as Fabric fails to compile it.
 */
export function signaturePolicy(bytes: Uint8Array): EndorsementPolicy {
    const policy = common.SignaturePolicyEnvelope.deserializeBinary(bytes);
    if (policy.getVersion() !== 0) {
        throw new Error(`only SignaturePolicyEnvelope version 0 is understood, not ${policy.getVersion()}`);
    }
    const gate = compile(policy.getRule(), policy.getIdentitiesList().map(rolePrincipalOf));
    return (endorsers) => gate(endorsers, endorsers.map(() => false));
}

/** `used[i]` marks endorsement i as spent on a leaf of the policy being evaluated. */
type Gate = (endorsers: readonly Endorser[], used: boolean[]) => boolean;

function compile(rule: common.SignaturePolicy | undefined, principals: readonly RolePrincipal[]): Gate {
    switch (rule?.getTypeCase()) {
        case common.SignaturePolicy.TypeCase.N_OUT_OF:
            return nOutOfGate(rule.getNOutOf()!, principals);
        case common.SignaturePolicy.TypeCase.SIGNED_BY:
            return signedByGate(rule.getSignedBy(), principals);
        default:
            throw new Error('empty policy element');
    }
}

function nOutOfGate(rule: common.SignaturePolicy.NOutOf, principals: readonly RolePrincipal[]): Gate {
    const gates = rule.getRulesList().map((inner) => compile(inner, principals));
    return (endorsers, used) => {
        let satisfied = 0;
        for (const gate of gates) {
            const tentative = [...used];
            if (gate(endorsers, tentative)) {
                satisfied += 1;
                tentative.forEach((spent, index) => (used[index] = spent));
            }
        }
        return satisfied >= rule.getN();
    };
}

function signedByGate(index: number, principals: readonly RolePrincipal[]): Gate {
    const principal = principals[index];
    if (principal === undefined) {
        throw new Error(`identity index out of range, requested ${index}, but identities length is ${principals.length}`);
    }
    return (endorsers, used) => {
        const found = endorsers.findIndex((endorser, at) => !used[at] && satisfiesPrincipal(endorser, principal));
        if (found < 0) {
            return false;
        }
        used[found] = true;
        return true;
    };
}

/** An MSP role principal: MEMBER takes any identity of the MSP, another role only an identity of that role. */
function satisfiesPrincipal(endorser: Endorser, principal: RolePrincipal): boolean {
    return endorser.mspId === principal.mspId && (principal.role === MSPRoleType.MEMBER || principal.role === endorser.role);
}

function rolePrincipalOf(principal: msp.MSPPrincipal): RolePrincipal {
    if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
        throw new Error(`only ROLE principals are modelled, not classification ${principal.getPrincipalClassification()}`);
    }
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    return { mspId: role.getMspIdentifier(), role: role.getRole() };
}

function serializedPrincipal({ mspId, role }: RolePrincipal): msp.MSPPrincipal {
    const mspRole = new msp.MSPRole();
    mspRole.setMspIdentifier(mspId);
    mspRole.setRole(role);
    const principal = new msp.MSPPrincipal();
    principal.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    principal.setPrincipal(mspRole.serializeBinary());
    return principal;
}
