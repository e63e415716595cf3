import { GraphQLError, Kind, type ValueNode } from 'graphql';
import { z } from 'zod';
import { builder } from './builder.js';

function parsedBy<T>(name: string, schema: z.ZodType<T>) {
    const parse = (value: unknown): T => {
        const parsed = schema.safeParse(value);
        if (!parsed.success) {
            throw new GraphQLError(`${name}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`, {
                extensions: { code: 'BAD_USER_INPUT' },
            });
        }
        return parsed.data;
    };
    return {
        serialize: (value: unknown) => parse(value),
        parseValue: (value: unknown) => parse(value),
        parseLiteral: (node: ValueNode) => parse(node.kind === Kind.STRING ? node.value : undefined),
    };
}

builder.scalarType('DateTime', { description: 'ISO 8601 instant, UTC', ...parsedBy('DateTime', z.iso.datetime()) });
builder.scalarType('Date', { description: 'Calendar date YYYY-MM-DD', ...parsedBy('Date', z.iso.date()) });
builder.scalarType('BigInt', { description: '64-bit integer as a decimal string', ...parsedBy('BigInt', z.string().regex(/^(0|[1-9][0-9]{0,19})$/)) });
builder.scalarType('JSON', {
    description: 'Any JSON value',
    serialize: (value) => value,
    parseValue: (value) => value,
});
