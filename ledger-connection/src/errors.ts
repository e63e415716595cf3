/** Why the network profile or a club's gateway connection could not be had. */
export const LedgerConnectionErrorCode = {
    /** No network profile at the configured path. */
    NETWORK_PROFILE_MISSING: 'NETWORK_PROFILE_MISSING',
    /** The profile is not JSON, or not of the profile's shape. */
    NETWORK_PROFILE_INVALID: 'NETWORK_PROFILE_INVALID',
    /** A TLS root, certificate or private key file could not be read. */
    CREDENTIALS_UNREADABLE: 'CREDENTIALS_UNREADABLE',
    /** A private key file does not hold a private key. */
    CREDENTIALS_INVALID: 'CREDENTIALS_INVALID',
    /** A connection was asked for an identity it was not opened with. */
    IDENTITY_NOT_CONFIGURED: 'IDENTITY_NOT_CONFIGURED',
} as const;
export type LedgerConnectionErrorCode = (typeof LedgerConnectionErrorCode)[keyof typeof LedgerConnectionErrorCode];

export class LedgerConnectionError extends Error {
    readonly code: LedgerConnectionErrorCode;

    constructor(code: LedgerConnectionErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
        super(message, options);
        this.name = 'LedgerConnectionError';
        this.code = code;
    }
}
