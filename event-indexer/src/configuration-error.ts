/** The configuration (environment, network profile) cannot be used; the message names what is wrong. */
export class ConfigurationError extends Error {
    readonly code = 'INVALID_CONFIGURATION';

    constructor(message: string, options: { readonly cause?: unknown } = {}) {
        super(message, options);
        this.name = 'ConfigurationError';
    }
}
