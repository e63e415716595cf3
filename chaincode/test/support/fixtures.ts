import { generateKeyPairSync } from 'node:crypto';
import { ClubContract } from '../../src/clubs/club-contract';
import type { ClubRegistration } from '../../src/model/club';
import type { FakeLedger } from './ledger';

export const HARBOUR = 'HarbourMSP';
export const ALPINE = 'AlpineMSP';
export const METRO = 'MetroMSP';

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

/** Registers the given clubs (default: all three) as their own admins. */
export async function registerClubs(ledger: FakeLedger, ...mspIds: string[]): Promise<void> {
    const clubs = new ClubContract();
    for (const mspId of mspIds.length > 0 ? mspIds : [HARBOUR, ALPINE, METRO]) {
        await ledger.submit(admin(mspId), (ctx) => clubs.register(ctx, JSON.stringify(clubRegistration(mspId))));
    }
}
