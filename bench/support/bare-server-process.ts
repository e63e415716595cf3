import { createServer } from 'node:http';
import { API_TOKEN_AUDIENCE, LOCAL_TOKEN_ISSUER } from '../../gateway-api/src/auth/issuer.js';
import { bearerTokenOf } from '../../gateway-api/src/auth/bearer-token.js';
import { JwtVerifier } from '../../gateway-api/src/auth/jwt-verifier.js';
import { loadTokenKeys } from '../../gateway-api/src/auth/token-keys.js';
import { serveForParent } from './server-process.js';

/**
 * The floor under the API's framework stack: node:http alone, checking the bearer token as the API does (the same
 * JwtVerifier over the same key set) and answering what the API answers to `{ __typename }`, in a process of its own.
 */

export interface BareServerJob {
    /** The local issuer's `jwks.json`. */
    readonly jwksPath: string;
}

export interface BareServerReport {
    readonly refusedTokens: number;
}

const ANSWER = JSON.stringify({ data: { __typename: 'Query' } });
const REFUSAL = JSON.stringify({ errors: [{ message: 'the token was refused', extensions: { code: 'UNAUTHENTICATED' } }] });

serveForParent<BareServerJob, BareServerReport>('the bare node:http server', async (job) => {
    const tokens = new JwtVerifier({ keys: await loadTokenKeys(job.jwksPath), issuer: LOCAL_TOKEN_ISSUER, audience: API_TOKEN_AUDIENCE });
    let refusedTokens = 0;
    const admitted = async (authorization: string | undefined): Promise<boolean> => {
        const token = bearerTokenOf(authorization);
        if (token === undefined) {
            return false;
        }
        await tokens.verify(token);
        return true;
    };
    const server = createServer((request, response) => {
        // Read to its end as the API reads a body, though the answer does not depend on it.
        request.resume();
        request.once('end', () => {
            void admitted(request.headers.authorization)
                .catch(() => false)
                .then((ok) => {
                    if (ok) {
                        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(ANSWER);
                    } else {
                        refusedTokens += 1;
                        response.writeHead(401, { 'content-type': 'application/json; charset=utf-8' }).end(REFUSAL);
                    }
                });
        });
    });
    return { server, stopped: () => Promise.resolve({ refusedTokens }) };
});
