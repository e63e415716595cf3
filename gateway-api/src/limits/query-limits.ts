import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLError, ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ApiError, ApiErrorCode } from '../errors.js';

/**
 * What one GraphQL document may ask for. A listing nested in a listing (connection → edges → node, twice) with
 * a related entity's field reaches depth 8. The cost is graphql-armor's (objects 2, scalars 1, ×1.5 per level,
 * × a literal `first`): a full page of 100 members with twenty fields and two related objects costs about
 * 15,000, a page of 20 each with a page of 5 visits about 9,600; a page of 100 each with a page of 10 about
 * 68,000, refused.
 */
export const QUERY_LIMITS = {
    maxDepth: 10,
    maxAliases: 15,
    maxDirectives: 10,
    maxCost: 20_000,
    maxTokens: 1000,
} as const;

/** `extensions.reason` of QUERY_TOO_COMPLEX. */
export const QueryLimit = {
    DEPTH: 'MAX_DEPTH',
    ALIASES: 'MAX_ALIASES',
    DIRECTIVES: 'MAX_DIRECTIVES',
    COST: 'MAX_COST',
    TOKENS: 'MAX_TOKENS',
} as const;

/** Reports the exceeded limit as QUERY_TOO_COMPLEX: among the validation errors, or thrown while parsing (tokens). */
function refusedAs(reason: string) {
    return {
        propagateOnRejection: false,
        onReject: [
            (context: ValidationContext | null, error: GraphQLError) => {
                const refusal = new ApiError(ApiErrorCode.QUERY_TOO_COMPLEX, error.message.replace(/^Syntax Error: /, ''), { reason });
                if (context === null) {
                    throw refusal;
                }
                context.reportError(refusal);
            },
        ],
    };
}

/** graphql-armor with QUERY_LIMITS; it also hides "Did you mean …" field suggestions from unknown-field errors. */
export function useQueryLimits(): Plugin {
    return EnvelopArmorPlugin({
        maxDepth: { n: QUERY_LIMITS.maxDepth, ...refusedAs(QueryLimit.DEPTH) },
        maxAliases: { n: QUERY_LIMITS.maxAliases, ...refusedAs(QueryLimit.ALIASES) },
        maxDirectives: { n: QUERY_LIMITS.maxDirectives, ...refusedAs(QueryLimit.DIRECTIVES) },
        costLimit: { maxCost: QUERY_LIMITS.maxCost, ...refusedAs(QueryLimit.COST) },
        maxTokens: { n: QUERY_LIMITS.maxTokens, ...refusedAs(QueryLimit.TOKENS) },
    });
}
