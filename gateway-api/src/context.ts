import type { Caller } from './caller.js';
import type { Ledger } from './ledger.js';
import type { ReadModel } from './read-model.js';

/** What the API is built on; tests pass their own. */
export interface ApiServices {
    readonly readModel: ReadModel;
    readonly ledger: Ledger;
}

/** Per-request GraphQL context. */
export interface ApiContext {
    readonly requestId: string;
    /** Absent for an unauthenticated request: only `__typename`-like introspection is allowed then. */
    readonly caller: Caller | undefined;
    readonly services: ApiServices;
}
