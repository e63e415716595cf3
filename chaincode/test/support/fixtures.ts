import { generateKeyPairSync } from 'node:crypto';
import { ClubContract } from '../../src/clubs/club-contract';
import { endorsersSatisfying } from '../../src/ledger/endorsers';
import type { Club, ClubRegistration } from '../../src/model/club';
import type { Channel, FakeLedger } from './ledger';

export const HARBOUR = 'HarbourMSP';
export const ALPINE = 'AlpineMSP';
export const METRO = 'MetroMSP';

/** The consortia's channels and their clubs: the FakeLedger runs on ATLANTIC unless a test names another. */
export const ATLANTIC: Channel = { name: 'atlantic', clubs: [HARBOUR, ALPINE, METRO] };
export const ALPS: Channel = { name: 'alps', clubs: [ALPINE, METRO] };

export const admin = (mspId: string) => ({ mspId, role: 'admin', actor: `admin@${mspId}` }) as const;
export const staff = (mspId: string) => ({ mspId, role: 'staff', actor: `staff@${mspId}` }) as const;
export const auditor = (mspId: string) => ({ mspId, role: 'auditor', actor: `auditor@${mspId}` }) as const;

export const passPublicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();

const prefixes: Record<string, string> = { [HARBOUR]: 'HAR', [ALPINE]: 'ALP', [METRO]: 'MET' };

export function clubRegistration(mspId: string, overrides: Partial<ClubRegistration> = {}): ClubRegistration {
    return {
        name: `${mspId.replace(/MSP$/, '')} Club`,
        city: 'Zurich',
        country: 'CH',
        timezone: 'Europe/Zurich',
        facilities: ['DINING', 'ACCOMMODATION', 'FITNESS'],
        passPublicKey,
        memberPrefix: prefixes[mspId] ?? mspId.slice(0, 3).toUpperCase(),
        ...overrides,
    };
}

/**
 * The endorsing organizations the API names for a change of keys that `owners` own: it lists the clubs on the
 * ledger and takes those that satisfy the owners-and-majority policy.
 */
export async function endorsersNamedFor(ledger: FakeLedger, ...owners: string[]): Promise<string[]> {
    const listed = await ledger.evaluate(auditor(HARBOUR), (ctx) => new ClubContract().list(ctx));
    return endorsersSatisfying(owners, (JSON.parse(listed) as Club[]).map((club) => club.mspId));
}

/** Registers the given clubs (default: every club of the ledger's channel) as their own admins, on the channel. */
export async function registerClubs(ledger: FakeLedger, ...mspIds: string[]): Promise<void> {
    const clubs = new ClubContract();
    for (const mspId of mspIds.length > 0 ? mspIds : [...ledger.channel.clubs]) {
        ledger.joinChannel(mspId);
        await ledger.submit(admin(mspId), (ctx) => clubs.register(ctx, JSON.stringify(clubRegistration(mspId))));
    }
}
