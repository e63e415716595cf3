import { execFile } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import * as grpc from '@grpc/grpc-js';
import { type Contract, type Gateway, type Network, connect, hash, signers } from '@hyperledger/fabric-gateway';
import { type NetworkProfile, loadNetworkProfile as loadProfile } from '@reciprocal-clubs/ledger-connection';
import type { ClubProfile } from '../../../chaincode/src/model/club';
import { clubRegistration } from '../../../chaincode/test/support/fixtures';

export const ROOT = path.resolve(__dirname, '../../..');
export const CHAINCODE = 'reciprocal';

export type { NetworkProfile };

export function loadNetworkProfile(): NetworkProfile {
    return loadProfile(process.env.RCN_NETWORK_PROFILE ?? path.join(ROOT, '.network/network.json'));
}

export interface ClubConnection {
    readonly gateway: Gateway;
    network(channel: string): Network;
    contract(channel: string): Contract;
    close(): void;
}

/**
 * A @hyperledger/fabric-gateway connection as one of a club's identities, to that club's gateway endpoint
 * or to the one of `gatewayOf`.
 */
export function connectAs(profile: NetworkProfile, mspId: string, role: string, gatewayOf = mspId): ClubConnection {
    const identity = profile.clubs[mspId]?.identities[role];
    const endpoint = profile.clubs[gatewayOf]?.gateway;
    if (identity === undefined || endpoint === undefined) {
        throw new Error(`no identity ${role} of ${mspId} or no gateway of ${gatewayOf} in the network profile`);
    }
    const client = new grpc.Client(endpoint.endpoint, grpc.credentials.createSsl(readFileSync(endpoint.tlsRootCertPath)), {
        ...(endpoint.hostAlias === undefined ? {} : { 'grpc.ssl_target_name_override': endpoint.hostAlias }),
    });
    const gateway = connect({
        client,
        identity: { mspId, credentials: readFileSync(identity.certPath) },
        signer: signers.newPrivateKeySigner(createPrivateKey(readFileSync(identity.keyPath))),
        hash: hash.sha256,
        evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
        endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
        submitOptions: () => ({ deadline: Date.now() + 10_000 }),
        commitStatusOptions: () => ({ deadline: Date.now() + 30_000 }),
    });
    return {
        gateway,
        network: (channel) => gateway.getNetwork(channel),
        contract: (channel) => gateway.getNetwork(channel).getContract(CHAINCODE),
        close() {
            gateway.close();
            client.close();
        },
    };
}

/** A Club:updateProfile argument from the test registration, for updates that must be refused. */
export function clubProfileUpdate(mspId: string, city: string): string {
    const { memberPrefix: _, ...profile } = clubRegistration(mspId, { city });
    return JSON.stringify(profile);
}

/** A Club:updateProfile argument: the club's profile on the ledger with another city (its pass key kept). */
export async function movedClubProfile(contract: Contract, mspId: string, city: string): Promise<string> {
    const { name, country, timezone, facilities, passPublicKey } = JSON.parse(utf8(await contract.evaluateTransaction('Club:get', mspId))) as ClubProfile;
    return JSON.stringify({ name, city, country, timezone, facilities, passPublicKey } satisfies ClubProfile);
}

/** Registers each club on each of its channels unless it already is (the ledger outlives test runs). */
export async function ensureClubsRegistered(profile: NetworkProfile): Promise<void> {
    for (const [channel, members] of Object.entries(profile.channels)) {
        for (const mspId of members) {
            const connection = connectAs(profile, mspId, 'admin');
            try {
                const contract = connection.contract(channel);
                const clubs = JSON.parse(utf8(await contract.evaluateTransaction('Club:list'))) as { mspId: string }[];
                if (!clubs.some((club) => club.mspId === mspId)) {
                    await contract.submitTransaction('Club:register', JSON.stringify(clubRegistration(mspId)));
                }
            } finally {
                connection.close();
            }
        }
    }
}

const run = promisify(execFile);

/** Runs ./test-network.sh with the given arguments. */
export async function testNetwork(...args: string[]): Promise<string> {
    const { stdout } = await run(path.join(ROOT, 'test-network.sh'), args, { cwd: ROOT, timeout: 300_000 });
    return stdout;
}

export const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');
