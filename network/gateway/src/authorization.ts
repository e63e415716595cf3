import { verify, X509Certificate } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { msp } from '@hyperledger/fabric-protos';
import { rpcError } from './error-detail.js';
import { decode } from './protobuf.js';
import type { ChannelView, MspInfo } from './registry.js';

/** Half the order of P-256: Fabric accepts only low-S ECDSA signatures. */
const p256HalfOrder = BigInt('0x7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8');

export interface Caller {
    readonly mspId: string;
    readonly certificate: X509Certificate;
}

/**
 * Checks a signed gateway request (CommitStatus, ChaincodeEvents) as the peer's channel ACL would:
 * the identity's MSP is a member of the channel, its certificate chains to that MSP's roots and is
 * current, and the signature over the request bytes is its (ECDSA P-256, SHA-256, low-S).
 * Every refusal is PERMISSION_DENIED.
 */
export function authorizeSignedRequest(view: ChannelView, requestBytes: Uint8Array, identityBytes: Uint8Array, signature: Uint8Array): Caller {
    if (identityBytes.length === 0) {
        throw rpcError(status.INVALID_ARGUMENT, 'no identity provided');
    }
    const identity = decode(msp.SerializedIdentity, identityBytes, 'identity');
    const mspId = identity.getMspid();
    const member = view.msps.get(mspId);
    if (!member) {
        throw rpcError(status.PERMISSION_DENIED, `access denied: identity's MSP ${JSON.stringify(mspId)} is not a member of channel ${view.channel}`);
    }
    const certificate = memberCertificate(member, mspId, identity.getIdBytes_asU8());
    const now = Date.now();
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) {
        throw rpcError(status.PERMISSION_DENIED, `access denied: the certificate of ${mspId} identity ${certificate.subject} is not valid now`);
    }
    if (!verifySignature(certificate, requestBytes, signature)) {
        throw rpcError(status.PERMISSION_DENIED, `access denied: signature verification failed for ${mspId} identity ${certificate.subject}`);
    }
    return { mspId, certificate };
}

/**
 * Certificates already parsed and chained to a member's roots, by their bytes: a client signs every request with the
 * same one, and parsing and chaining it was most of the cost of a CommitStatus. Keyed by the member's MspInfo, which
 * a new channel configuration replaces, so new roots start afresh. Refusals are not kept.
 */
const chainedCertificates = new WeakMap<MspInfo, Map<string, X509Certificate>>();
const chainedPerMember = 1_000;

function memberCertificate(member: MspInfo, mspId: string, certificateBytes: Uint8Array): X509Certificate {
    const known = chainedCertificates.get(member) ?? new Map<string, X509Certificate>();
    chainedCertificates.set(member, known);
    const key = Buffer.from(certificateBytes).toString('base64');
    const cached = known.get(key);
    if (cached) {
        return cached;
    }
    let certificate: X509Certificate;
    try {
        certificate = new X509Certificate(Buffer.from(certificateBytes));
    } catch {
        throw rpcError(status.PERMISSION_DENIED, `access denied: the identity of ${mspId} is not an X.509 certificate`);
    }
    if (!chainsToRoot(certificate, member)) {
        throw rpcError(status.PERMISSION_DENIED, `access denied: the certificate is not issued by a CA of ${mspId}`);
    }
    known.set(key, certificate);
    if (known.size > chainedPerMember) {
        known.delete(known.keys().next().value ?? key);
    }
    return certificate;
}

function parseCertificates(pems: readonly Uint8Array[]): X509Certificate[] {
    return pems.flatMap((pem) => {
        try {
            return [new X509Certificate(Buffer.from(pem))];
        } catch {
            return [];
        }
    });
}

function issuedBy(certificate: X509Certificate, issuer: X509Certificate): boolean {
    try {
        return certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey);
    } catch {
        return false;
    }
}

export function chainsToRoot(certificate: X509Certificate, member: MspInfo): boolean {
    const roots = parseCertificates(member.rootCerts);
    const intermediates = parseCertificates(member.intermediateCerts);
    let current = certificate;
    for (let depth = 0; depth <= intermediates.length; depth++) {
        if (roots.some((root) => issuedBy(current, root))) {
            return true;
        }
        const next = intermediates.find((intermediate) => intermediate !== current && issuedBy(current, intermediate));
        if (!next) {
            return false;
        }
        current = next;
    }
    return false;
}

export function verifySignature(certificate: X509Certificate, data: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length === 0) {
        return false;
    }
    try {
        if (certificate.publicKey.asymmetricKeyDetails?.namedCurve === 'prime256v1' && !isLowS(signature)) {
            return false;
        }
        return verify('sha256', data, { key: certificate.publicKey, dsaEncoding: 'der' }, signature);
    } catch {
        return false;
    }
}

/** Reads S from a DER ECDSA signature (SEQUENCE { INTEGER r, INTEGER s }) and checks S ≤ n/2. */
function isLowS(signature: Uint8Array): boolean {
    const bytes = Buffer.from(signature);
    let offset = 0;
    const readLength = (): number => {
        const first = bytes[offset++] ?? 0;
        if (first < 0x80) {
            return first;
        }
        let length = 0;
        for (let i = 0; i < (first & 0x7f); i++) {
            length = length * 256 + (bytes[offset++] ?? 0);
        }
        return length;
    };
    if (bytes[offset++] !== 0x30) {
        return false;
    }
    readLength();
    if (bytes[offset++] !== 0x02) {
        return false;
    }
    const rLength = readLength();
    offset += rLength;
    if (bytes[offset++] !== 0x02) {
        return false;
    }
    const sLength = readLength();
    const s = bytes.subarray(offset, offset + sLength);
    return s.length > 0 && BigInt(`0x${s.toString('hex')}`) <= p256HalfOrder;
}
