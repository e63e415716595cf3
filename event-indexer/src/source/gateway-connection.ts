import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { type Gateway, connect, hash, signers } from '@hyperledger/fabric-gateway';
import { createPrivateKey } from 'node:crypto';

/** How to reach a club's peer as one of the club's enrolled identities. */
export interface PeerConnectionOptions {
    readonly mspId: string;
    /** `host:port` of the club's peer gateway service. */
    readonly endpoint: string;
    /** The name in the peer's TLS certificate, when it differs from the endpoint's host. */
    readonly hostAlias?: string;
    readonly tlsRootCertPath: string;
    readonly certPath: string;
    readonly keyPath: string;
}

export interface PeerConnection {
    readonly gateway: Gateway;
    close(): void;
}

/** A gateway connection signed by the given identity; evaluate/endorse/submit deadlines are set per call kind. */
export async function connectToPeer(options: PeerConnectionOptions): Promise<PeerConnection> {
    const [tlsRootCert, certificate, keyPem] = await Promise.all([
        readFile(options.tlsRootCertPath),
        readFile(options.certPath),
        readFile(options.keyPath),
    ]);
    const client = new grpc.Client(options.endpoint, grpc.credentials.createSsl(tlsRootCert), {
        ...(options.hostAlias ? { 'grpc.ssl_target_name_override': options.hostAlias } : {}),
    });
    const gateway = connect({
        client,
        identity: { mspId: options.mspId, credentials: certificate },
        signer: signers.newPrivateKeySigner(createPrivateKey(keyPem)),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + 5_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 15_000 }),
        submitOptions: () => ({ deadline: Date.now() + 5_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    return {
        gateway,
        close() {
            gateway.close();
            client.close();
        },
    };
}
