import type { KeyObject } from 'node:crypto';
import type { IntegrityReport } from '@reciprocal-clubs/event-indexer';
import type { Caller } from './caller.js';
import type { Ledger } from './ledger.js';
import type { NotificationFeed } from './notification-feed.js';
import type { UsedVisitPasses } from './passes/used-passes.js';
import type { PersonalDataKeys } from './personal-data/data-keys.js';
import type { ReadModel } from './read-model.js';

/** Each club's visit-pass signing key, held by the club's own API; undefined for clubs this API does not serve. */
export type PassSigningKeys = (club: string) => Promise<KeyObject | undefined>;

/** Walks a club's indexed hash chain of a channel against its peer's blocks (the event-indexer's integrity check). */
export type IndexVerifier = (club: string, channel: string) => Promise<IntegrityReport>;

/** What the API is built on; tests pass their own. */
export interface ApiServices {
    readonly verifyIndex: IndexVerifier;
    readonly readModel: ReadModel;
    readonly ledger: Ledger;
    readonly passSigningKeys: PassSigningKeys;
    readonly notifications: NotificationFeed;
    readonly usedVisitPasses: UsedVisitPasses;
    /** The data keys that seal the club's members' personal records; destroying one erases the record. */
    readonly personalDataKeys: PersonalDataKeys;
}

/** Per-request GraphQL context. */
export interface ApiContext {
    readonly requestId: string;
    /** Absent for an unauthenticated request: only `__typename`-like introspection is allowed then. */
    readonly caller: Caller | undefined;
    readonly services: ApiServices;
}
