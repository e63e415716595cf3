import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import { SignJWT, UnsecuredJWT } from 'jose';
import { ApiError } from '../../src/errors.js';
import { VISIT_PASS_AUDIENCE, claimedHomeClub, issueVisitPass, verifyVisitPass } from '../../src/passes/visit-pass.js';

describe('visit passes', () => {
    const alpineKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forgerKeys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const alpinePublished = alpineKeys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const now = new Date('2026-03-02T10:00:00Z');
    const issue = (overrides: { signingKey?: typeof alpineKeys.privateKey; channel?: string; now?: Date } = {}) =>
        issueVisitPass({ memberNumber: 'ALP000001', homeClub: 'AlpineMSP', channel: 'atlantic', signingKey: alpineKeys.privateKey, now, ...overrides });

    async function refusal(promise: Promise<unknown>): Promise<ApiError> {
        try {
            await promise;
        } catch (error) {
            if (error instanceof ApiError) {
                return error;
            }
            throw error;
        }
        throw new Error('expected a refusal');
    }

    it('verifies a pass signed with the key the home club published, for five minutes', async () => {
        const { pass, claims } = await issue();
        const verified = await verifyVisitPass(pass, alpinePublished, 'atlantic', new Date(now.getTime() + 299_000));
        expect(verified).to.deep.equal(claims);
        expect(verified).to.include({ memberNumber: 'ALP000001', homeClub: 'AlpineMSP', channel: 'atlantic' });
        expect(claimedHomeClub(pass)).to.equal('AlpineMSP');
    });

    it('refuses a pass signed with any other key (a forgery) as VISIT_PASS_INVALID', async () => {
        const { pass } = await issue({ signingKey: forgerKeys.privateKey });
        const error = await refusal(verifyVisitPass(pass, alpinePublished, 'atlantic', now));
        expect(error.extensions).to.deep.equal({ code: 'FORBIDDEN', reason: 'VISIT_PASS_INVALID' });
    });

    it('refuses a stale pass as VISIT_PASS_EXPIRED', async () => {
        const { pass } = await issue();
        const error = await refusal(verifyVisitPass(pass, alpinePublished, 'atlantic', new Date(now.getTime() + 301_000)));
        expect(error.extensions).to.deep.equal({ code: 'FORBIDDEN', reason: 'VISIT_PASS_EXPIRED' });
    });

    it('refuses a pass for another channel', async () => {
        const { pass } = await issue({ channel: 'alps' });
        const error = await refusal(verifyVisitPass(pass, alpinePublished, 'atlantic', now));
        expect(error.message).to.equal('the visit pass is for channel alps');
    });

    it('refuses a pass whose payload was edited after signing', async () => {
        const { pass } = await issue();
        const [header, payload, signature] = pass.split('.');
        const edited = Buffer.from(
            JSON.stringify({ ...(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object), sub: 'ALP000002' }),
        ).toString('base64url');
        const error = await refusal(verifyVisitPass(`${header ?? ''}.${edited}.${signature ?? ''}`, alpinePublished, 'atlantic', now));
        expect(error.extensions.reason).to.equal('VISIT_PASS_INVALID');
    });

    it('refuses an unsigned pass and one for another audience', async () => {
        const unsigned = new UnsecuredJWT({ channel: 'atlantic' })
            .setSubject('ALP000001')
            .setIssuer('AlpineMSP')
            .setAudience(VISIT_PASS_AUDIENCE)
            .setJti('x')
            .setIssuedAt(now)
            .setExpirationTime(new Date(now.getTime() + 60_000))
            .encode();
        expect((await refusal(verifyVisitPass(unsigned, alpinePublished, 'atlantic', now))).extensions.reason).to.equal('VISIT_PASS_INVALID');

        const session = await new SignJWT({ channel: 'atlantic' })
            .setProtectedHeader({ alg: 'ES256' })
            .setSubject('ALP000001')
            .setIssuer('AlpineMSP')
            .setAudience('rcn-gateway-api')
            .setJti('y')
            .setIssuedAt(now)
            .setExpirationTime(new Date(now.getTime() + 60_000))
            .sign(alpineKeys.privateKey);
        expect((await refusal(verifyVisitPass(session, alpinePublished, 'atlantic', now))).extensions.reason).to.equal('VISIT_PASS_INVALID');
    });

    it('refuses what is not a pass at all before looking for a key', () => {
        expect(() => claimedHomeClub('not a pass')).to.throw(ApiError, 'the visit pass is not a pass');
    });
});
