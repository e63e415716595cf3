import { type KeyObject, createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { type Gateway, connect } from '@hyperledger/fabric-gateway';
import { LedgerConnectionError, LedgerConnectionErrorCode } from './errors.js';
import { signingOptionsFor } from './native-signer.js';
import type { IdentityFiles, TlsEndpoint } from './network-profile.js';

/** How long each kind of gateway call may take before it fails with DEADLINE_EXCEEDED. */
export const CALL_DEADLINES_MS = { evaluate: 5_000, endorse: 15_000, submit: 5_000, commitStatus: 60_000 } as const;

/**
 * grpc-js backs off up to two minutes between reconnection attempts by default: a peer back after a
 * restart would stay unreached (and the process unready) that long.
 */
const RECONNECT_BACKOFF = { 'grpc.initial_reconnect_backoff_ms': 500, 'grpc.max_reconnect_backoff_ms': 5_000 } as const;

/** How to reach a club's gateway endpoint, and as which of the club's enrolled identities. */
export interface GatewayConnectionOptions<Role extends string> {
    readonly mspId: string;
    readonly gateway: TlsEndpoint;
    /** The identities to sign with, by role: every file is read now, so a missing one fails here rather than on first use. */
    readonly identities: Readonly<Record<Role, IdentityFiles>>;
}

/** One gRPC channel to the club's gateway endpoint, and a fabric-gateway Gateway on it per identity. */
export interface GatewayConnection<Role extends string> {
    /** The Gateway signing as the role's identity. */
    as(role: Role): Gateway;
    close(): void;
}

async function readCredential(path: string, what: string): Promise<Buffer> {
    try {
        return await readFile(path);
    } catch (error) {
        throw new LedgerConnectionError(LedgerConnectionErrorCode.CREDENTIALS_UNREADABLE, `cannot read the ${what} ${path}`, { cause: error });
    }
}

function privateKeyOf(pem: Buffer, path: string): KeyObject {
    try {
        return createPrivateKey(pem);
    } catch (error) {
        throw new LedgerConnectionError(LedgerConnectionErrorCode.CREDENTIALS_INVALID, `no private key in ${path}`, { cause: error });
    }
}

/** Connects lazily (gRPC dials on the first call) after reading the TLS root and every identity's files. */
export async function connectToGateway<Role extends string>(options: GatewayConnectionOptions<Role>): Promise<GatewayConnection<Role>> {
    const tlsRootCert = await readCredential(options.gateway.tlsRootCertPath, 'gateway TLS root certificate');
    const roles = Object.entries<IdentityFiles>(options.identities);
    const credentials = await Promise.all(
        roles.map(async ([role, files]) => {
            const [certificate, keyPem] = await Promise.all([
                readCredential(files.certPath, `certificate of ${options.mspId} ${role}`),
                readCredential(files.keyPath, `private key of ${options.mspId} ${role}`),
            ]);
            return { role, certificate, privateKey: privateKeyOf(keyPem, files.keyPath) };
        }),
    );
    const client = new grpc.Client(options.gateway.endpoint, grpc.credentials.createSsl(tlsRootCert), {
        ...RECONNECT_BACKOFF,
        ...(options.gateway.hostAlias === undefined ? {} : { 'grpc.ssl_target_name_override': options.gateway.hostAlias }),
    });
    const gateways = new Map<string, Gateway>(
        credentials.map(({ role, certificate, privateKey }) => [
            role,
            connect({
                client,
                identity: { mspId: options.mspId, credentials: certificate },
                ...signingOptionsFor(privateKey),
                evaluateOptions: () => ({ deadline: Date.now() + CALL_DEADLINES_MS.evaluate }),
                endorseOptions: () => ({ deadline: Date.now() + CALL_DEADLINES_MS.endorse }),
                submitOptions: () => ({ deadline: Date.now() + CALL_DEADLINES_MS.submit }),
                commitStatusOptions: () => ({ deadline: Date.now() + CALL_DEADLINES_MS.commitStatus }),
            }),
        ]),
    );
    return {
        as(role) {
            const gateway = gateways.get(role);
            if (gateway === undefined) {
                throw new LedgerConnectionError(LedgerConnectionErrorCode.IDENTITY_NOT_CONFIGURED, `no ${role} identity of ${options.mspId} was configured`);
            }
            return gateway;
        },
        close() {
            for (const gateway of gateways.values()) {
                gateway.close();
            }
            client.close();
        },
    };
}
