import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The shape of .network/network.json that test-network.sh writes. */
export interface NetworkProfile {
    readonly stateDir: string;
    readonly clubs: Record<
        string,
        {
            readonly key: string;
            readonly name: string;
            readonly ca: { readonly url: string; readonly name: string; readonly tlsCertPath: string };
            readonly identities: Record<string, { readonly certPath: string; readonly keyPath: string }>;
        }
    >;
    readonly channels: Record<string, readonly string[]>;
    readonly postgres: { readonly host: string; readonly port: number; readonly user: string; readonly database: string };
    readonly nats: { readonly servers: string };
}

export function loadNetworkProfile(): NetworkProfile {
    const file = process.env.RCN_NETWORK_PROFILE ?? path.resolve(__dirname, '../../../.network/network.json');
    return JSON.parse(readFileSync(file, 'utf8')) as NetworkProfile;
}
