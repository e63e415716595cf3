import { type DocumentNode, type ExecutionArgs, type ExecutionResult, GraphQLError, OperationTypeNode, type Source, getOperationAST } from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/** graphql-jit places an error by line and column; graphql-js by offset in the document's source. */
function positionIn(source: Source, location: { readonly line: number; readonly column: number }): number {
    const lineBreak = /\r\n|[\n\r]/g;
    let lineStart = 0;
    for (let line = 1; line < location.line && lineBreak.exec(source.body) !== null; line++) {
        lineStart = lineBreak.lastIndex;
    }
    return lineStart + location.column - 1;
}

/**
 * A field's error as graphql-js would have made it: the same message, path and cause (whose `extensions` it keeps),
 * located in the document, so that error masking and what clients see do not depend on the executor.
 */
function asGraphqlJsError(error: GraphQLError, source: Source | undefined): GraphQLError {
    return new GraphQLError(error.message, {
        source,
        positions: source === undefined ? undefined : error.locations?.map((location) => positionIn(source, location)),
        path: error.path,
        originalError: error.originalError,
    });
}

/**
 * Queries run as JavaScript compiled for their document and operation (graphql-jit), once per document Yoga's
 * parser cache holds: resolving a page of visits field by field through the standard executor cost several times
 * the rest of the request. Mutations and subscriptions keep the standard executor. Variables that do not coerce are
 * left to the standard executor too, which refuses them in its own words before any resolver runs; a resolver's
 * error is turned into graphql-js's (asGraphqlJsError).
 */
export function useCompiledQueries(): Plugin {
    const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | undefined>>();

    function compiledFor(args: ExecutionArgs): CompiledQuery | undefined {
        const operationName = args.operationName ?? '';
        let byOperation = compiled.get(args.document);
        if (byOperation === undefined) {
            byOperation = new Map();
            compiled.set(args.document, byOperation);
        }
        if (!byOperation.has(operationName)) {
            const compilation = compileQuery(args.schema, args.document, args.operationName ?? undefined);
            byOperation.set(operationName, isCompiledQuery(compilation) ? compilation : undefined);
        }
        return byOperation.get(operationName);
    }

    return {
        // envelop types the arguments loosely (it serves any GraphQL engine); Yoga runs graphql-js's.
        onExecute({ args, executeFn, setExecuteFn }) {
            if (getOperationAST(args.document as DocumentNode, args.operationName as string | undefined)?.operation !== OperationTypeNode.QUERY) {
                return;
            }
            const query = compiledFor(args);
            if (query === undefined) {
                return;
            }
            setExecuteFn(async (executionArgs: ExecutionArgs): Promise<ExecutionResult> => {
                const result = await query.query(executionArgs.rootValue, executionArgs.contextValue, executionArgs.variableValues);
                if (result.errors === undefined) {
                    return result;
                }
                if (!('data' in result)) {
                    return await executeFn(executionArgs);
                }
                const source = executionArgs.document.loc?.source;
                return { ...result, errors: result.errors.map((error) => asGraphqlJsError(error, source)) };
            });
        },
    };
}
