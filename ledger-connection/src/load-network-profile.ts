import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LedgerConnectionError, LedgerConnectionErrorCode } from './errors.js';
import { NetworkProfile } from './network-profile.js';

/** The local network's profile, which test-network.sh writes at the repository root. */
export const LOCAL_NETWORK_PROFILE = fileURLToPath(new URL('../../.network/network.json', import.meta.url));

function isMissing(error: unknown): boolean {
    return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

/** Reads (at start-up, so synchronously) and validates a network profile; the error names the file and, for a bad one, every wrong field. */
export function loadNetworkProfile(path: string): NetworkProfile {
    let text: string;
    try {
        text = readFileSync(path, 'utf8');
    } catch (error) {
        throw isMissing(error)
            ? new LedgerConnectionError(LedgerConnectionErrorCode.NETWORK_PROFILE_MISSING, `no network profile at ${path}`, { cause: error })
            : new LedgerConnectionError(LedgerConnectionErrorCode.NETWORK_PROFILE_INVALID, `the network profile ${path} cannot be read`, { cause: error });
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new LedgerConnectionError(LedgerConnectionErrorCode.NETWORK_PROFILE_INVALID, `the network profile ${path} is not JSON`, { cause: error });
    }
    const parsed = NetworkProfile.safeParse(json);
    if (!parsed.success) {
        throw new LedgerConnectionError(
            LedgerConnectionErrorCode.NETWORK_PROFILE_INVALID,
            `the network profile ${path} is invalid: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}`,
        );
    }
    return parsed.data;
}
