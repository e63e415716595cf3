import type { ObjectRef } from '@pothos/core';
import { type Club, endorsersSatisfying } from '@reciprocal-clubs/chaincode/model';
import pRetry, { AbortError } from 'p-retry';
import type { z } from 'zod';
import type { ApiRole, Caller } from '../../caller.js';
import type { ApiContext } from '../../context.js';
import { ApiError, ApiErrorCode } from '../../errors.js';
import type { CommittedTransaction, LedgerCall } from '../../ledger.js';
import { authenticated } from '../../access.js';
import { builder } from '../builder.js';
import { ChannelName, parsedArgument } from '../queries/arguments.js';

type SchemaTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer Types> ? Types : never;

/** An entity as a committed transaction left it, with the transaction that did it. */
export interface Committed<T> {
    readonly value: T;
    readonly transactionId: string;
    readonly blockNumber: bigint;
}

/** `{ <field>: T!, transactionId: String!, blockNumber: BigInt! }`: what every mutation returns once committed. */
export function committedPayload<T>(name: string, field: string, ref: ObjectRef<SchemaTypes, T>, description: string) {
    return builder.objectRef<Committed<T>>(name).implement({
        description,
        fields: (t) => ({
            // Pothos cannot see through a generic entity type; `ref` and `value` are both T.
            [field]: t.field({ type: ref, resolve: (committed) => committed.value as never }),
            transactionId: t.exposeString('transactionId', { description: 'The committed transaction.' }),
            blockNumber: t.field({ type: 'BigInt', description: 'The block that holds it.', resolve: (committed) => committed.blockNumber.toString() }),
        }),
    });
}

/** A committed transaction whose result is not an entity. */
export const LedgerReceiptRef = builder.objectRef<CommittedTransaction>('LedgerReceipt').implement({
    fields: (t) => ({
        transactionId: t.exposeString('transactionId'),
        blockNumber: t.field({ type: 'BigInt', resolve: (receipt) => receipt.blockNumber.toString() }),
    }),
});

/** The caller, when their role may make this change; the chaincode checks again from the certificate. */
export function callerWithRole(context: ApiContext, ...roles: readonly ApiRole[]): Caller {
    const caller = authenticated(context);
    if (!roles.includes(caller.role)) {
        throw new ApiError('FORBIDDEN', `the role ${caller.role} may not do this`);
    }
    return caller;
}

export function channelArgument(channel: string): string {
    return parsedArgument(ChannelName, channel, 'channel');
}

/** Submits and parses the chaincode's JSON result into the committed entity. */
export async function submitted<T>(context: ApiContext, caller: Caller, call: LedgerCall): Promise<Committed<T>> {
    const { result, transactionId, blockNumber } = await context.services.ledger.submit(caller, call);
    return { value: JSON.parse(result) as T, transactionId, blockNumber };
}

/**
 * Submits a change that follows one the caller's peer has already committed. Another endorsing peer may not have
 * validated that block yet (a peer reconnecting to a restarted orderer can be seconds behind) and refuses with the
 * chaincode's `reason`, the record not there yet, until it has: that refusal alone is submitted again for some seven
 * seconds, then answered LEDGER_UNAVAILABLE, since the record exists and the peer is only behind.
 */
export async function submittedOnceEndorsersCaughtUp<T>(reason: string, submit: () => Promise<Committed<T>>): Promise<Committed<T>> {
    const behind = (error: unknown): error is ApiError => error instanceof ApiError && error.extensions.reason === reason;
    try {
        return await pRetry(
            () =>
                submit().catch((error: unknown) => {
                    throw behind(error) ? error : new AbortError(error as Error);
                }),
            { retries: 10, minTimeout: 100, maxTimeout: 1_000 },
        );
    } catch (error) {
        throw behind(error) ? new ApiError(ApiErrorCode.LEDGER_UNAVAILABLE, 'an endorsing peer has not caught up with the ledger yet; try again', { reason, cause: error }) : error;
    }
}

/** Evaluates on the caller's club peer and parses the JSON result. */
export async function evaluated<T>(context: ApiContext, caller: Caller, call: LedgerCall): Promise<T> {
    return JSON.parse(await context.services.ledger.evaluate(caller, call)) as T;
}

/** GraphQL gives `null` for an optional field left empty; the chaincode's schemas want it absent. */
function withoutNulls(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(withoutNulls);
    }
    if (value !== null && typeof value === 'object') {
        return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== null).map(([key, field]) => [key, withoutNulls(field)]));
    }
    return value;
}

/**
 * An input checked against the chaincode's own schema before anything is submitted: bad input is
 * BAD_USER_INPUT from the API, and the ledger is not asked.
 */
export function ledgerInput<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
    return parsedArgument(schema, withoutNulls(value), name);
}

/** The clubs to name as endorsers of a change to keys owned by `owners`: the owners and a majority (ledger truth). */
export async function endorsersFor(context: ApiContext, caller: Caller, channel: string, owners: readonly string[]): Promise<string[]> {
    const clubs = await evaluated<readonly Club[]>(context, caller, { channel, transaction: 'Club:list', args: [] });
    return endorsersSatisfying(owners, clubs.map((club) => club.mspId));
}
