import path from 'node:path';
import { type NetworkProfile, loadNetworkProfile as loadProfile } from '@reciprocal-clubs/ledger-connection';

/** The local network's profile, as test-network.sh writes it. */
export function loadNetworkProfile(): NetworkProfile {
    return loadProfile(process.env.RCN_NETWORK_PROFILE ?? path.resolve(__dirname, '../../../.network/network.json'));
}
