// The local token issuer for the demo and tests; prints a signed token for the API:
//   npx tsx scripts/issue-token.ts --club AlpineMSP --role staff --sub alice [--member-number ALP000001] [--ttl 8h]
// The key pair lives in .network/jwt/ (made on first use); the API verifies against .network/jwt/jwks.json.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CallerClaims } from '../gateway-api/src/auth/claims.js';
import { LOCAL_ISSUER_DIRECTORY } from '../gateway-api/src/auth/issuer.js';
import { LocalIssuer } from '../gateway-api/src/auth/local-issuer.js';

const USAGE = 'usage: issue-token --club <MSP ID> --role member|staff|admin|auditor --sub <subject> [--member-number <n>] [--ttl 8h]';

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: {
            club: { type: 'string' },
            role: { type: 'string' },
            sub: { type: 'string' },
            'member-number': { type: 'string' },
            ttl: { type: 'string', default: '8h' },
        },
        strict: true,
    });
    const claims = CallerClaims.safeParse({ sub: values.sub, club: values.club, role: values.role, memberNumber: values['member-number'] });
    if (!claims.success) {
        throw new Error(`${z.prettifyError(claims.error)}\n${USAGE}`);
    }
    const issuer = await LocalIssuer.open(join(__dirname, '..', LOCAL_ISSUER_DIRECTORY));
    process.stdout.write(`${await issuer.issue(claims.data, values.ttl)}\n`);
}

main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
});
