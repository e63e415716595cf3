import { status } from '@grpc/grpc-js';
import { rpcError } from './error-detail.js';

/** Resolves as the promise does, or rejects with CANCELLED once the caller has gone away. */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
    if (signal.aborted) {
        return Promise.reject(rpcError(status.CANCELLED, 'the call was cancelled'));
    }
    return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
            reject(rpcError(status.CANCELLED, 'the call was cancelled'));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        promise.then(
            (value) => {
                signal.removeEventListener('abort', onAbort);
                resolve(value);
            },
            (error: unknown) => {
                signal.removeEventListener('abort', onAbort);
                reject(error instanceof Error ? error : new Error(String(error)));
            },
        );
    });
}
