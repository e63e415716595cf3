/** The issuer of the local demo and test tokens (scripts/issue-token.ts); a deployed club names its own issuer. */
export const LOCAL_TOKEN_ISSUER = 'https://issuer.rcn.local';

/** The audience every token for this API must name. */
export const API_TOKEN_AUDIENCE = 'rcn-gateway-api';

/** Where the local issuer keeps its key pair and publishes `jwks.json`, relative to the repository root. */
export const LOCAL_ISSUER_DIRECTORY = '.network/jwt';
