import { BREAK, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ApiContext } from '../context.js';
import { ApiError, ApiErrorCode } from '../errors.js';
import { TokenRefusal } from './token-verifier.js';

/** Whether the document selects nothing but `__typename` (a liveness probe): introspection and data need a caller. */
function asksForNothing(document: DocumentNode): boolean {
    let trivial = true;
    visit(document, {
        Field(field) {
            if (field.name.value !== '__typename') {
                trivial = false;
                return BREAK;
            }
            return undefined;
        },
    });
    return trivial;
}

function refuseAnonymous(document: DocumentNode, context: ApiContext): void {
    if (context.caller === undefined && !asksForNothing(document)) {
        throw new ApiError(ApiErrorCode.UNAUTHENTICATED, 'a bearer token is required', { reason: TokenRefusal.MISSING });
    }
}

/**
 * Every operation that selects any field but `__typename` needs an authenticated caller: checked once per
 * operation, before any resolver runs, so no resolver can forget it.
 */
export function useRequireCaller(): Plugin<ApiContext> {
    return {
        // envelop types the document loosely (it serves any GraphQL engine); Yoga runs graphql-js.
        onExecute({ args }) {
            refuseAnonymous(args.document as DocumentNode, args.contextValue);
        },
        onSubscribe({ args }) {
            refuseAnonymous(args.document as DocumentNode, args.contextValue);
        },
    };
}
