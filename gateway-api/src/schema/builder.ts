import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import type { ApiContext } from '../context.js';

/** The one Pothos builder: object types, queries, mutations and subscriptions all register on it. */
export const builder = new SchemaBuilder<{
    Context: ApiContext;
    Scalars: {
        /** ISO 8601 instant, UTC. */
        DateTime: { Input: string; Output: string };
        /** Calendar date `YYYY-MM-DD`. */
        Date: { Input: string; Output: string };
        /** A 64-bit integer as a decimal string (block numbers). */
        BigInt: { Input: string; Output: string };
        /** Any JSON value. */
        JSON: { Input: unknown; Output: unknown };
    };
    DefaultEdgesNullability: false;
    DefaultNodeNullability: false;
}>({
    plugins: [RelayPlugin],
    relay: {
        clientMutationId: 'omit',
        cursorType: 'String',
        edgesFieldOptions: { nullable: false },
        nodeFieldOptions: { nullable: false },
    },
});

builder.queryType({});
builder.mutationType({});
builder.subscriptionType({});
