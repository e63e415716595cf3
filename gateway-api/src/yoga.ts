import { randomUUID } from 'node:crypto';
import { createYoga, type Plugin, type YogaServerInstance, type YogaServerOptions } from 'graphql-yoga';
import { admission, type ApiServerContext } from './auth/admission.js';
import { useRequireCaller } from './auth/require-caller.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import { useCompiledQueries } from './compiled-queries.js';
import type { ApiContext, ApiServices } from './context.js';
import { maskError } from './errors.js';
import { useQueryLimits } from './limits/query-limits.js';
import { DEFAULT_RATE_LIMITS, RequestRateLimiter, type RateLimits } from './limits/rate-limit.js';
import { buildSchema } from './schema/index.js';

export type { ApiServerContext } from './auth/admission.js';

export interface ApiYogaOptions {
    readonly services: ApiServices;
    readonly tokens: TokenVerifier;
    /** GraphiQL in development only. */
    readonly graphiql?: boolean;
    /** Requests per window per caller, and per address without a valid token; default DEFAULT_RATE_LIMITS. */
    readonly rateLimits?: RateLimits;
    /** Where Yoga logs, the original of every masked error among others; default the console. */
    readonly logging?: YogaServerOptions<ApiServerContext, ApiContext>['logging'];
}

/** An upstream proxy's request ID is kept when it is a plain token; otherwise the API makes one. */
const FORWARDED_REQUEST_ID = /^[\w.:-]{1,128}$/;
const requestIds = new WeakMap<Request, string>();

function requestIdOf(request: Request): string {
    let id = requestIds.get(request);
    if (id === undefined) {
        const forwarded = request.headers.get('x-request-id');
        id = forwarded !== null && FORWARDED_REQUEST_ID.test(forwarded) ? forwarded : randomUUID();
        requestIds.set(request, id);
    }
    return id;
}

/** Every response, errors and refusals included, names its request in `x-request-id`. */
function useRequestId(): Plugin {
    return {
        onResponse({ request, response }) {
            response.headers.set('x-request-id', requestIdOf(request));
        },
    };
}

/**
 * The GraphQL API as a Yoga instance: tests call `yoga.fetch` without a socket; the HTTP app serves it.
 * Each request is admitted first (token, rate limit: see `admission`), its document then held to QUERY_LIMITS
 * (QUERY_TOO_COMPLEX), and any field but `__typename` needs a caller (UNAUTHENTICATED); queries run compiled
 * (`useCompiledQueries`). Clients see ApiErrors and errors about their own request; anything else is masked (see
 * `maskError`).
 */
export function createApiYoga(options: ApiYogaOptions): YogaServerInstance<ApiServerContext, ApiContext> {
    const admitted = admission(options.tokens, new RequestRateLimiter(options.rateLimits ?? DEFAULT_RATE_LIMITS));
    return createYoga<ApiServerContext, ApiContext>({
        schema: buildSchema(),
        graphiql: options.graphiql ?? false,
        landingPage: false,
        logging: options.logging,
        maskedErrors: { maskError },
        // The HTTP app has read the body, at most MAX_REQUEST_BODY_BYTES of it; Yoga's own limit would pipe it through
        // a counting stream again on every request.
        maxRequestBodySize: false,
        plugins: [useRequestId(), admitted.plugin, useQueryLimits(), useRequireCaller(), useCompiledQueries()],
        context: ({ request }): ApiContext => ({
            requestId: requestIdOf(request),
            caller: admitted.callerOf(request),
            services: options.services,
        }),
    });
}
