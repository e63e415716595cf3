import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { ApiErrorCode } from './errors.js';

/** The largest request body the API reads (1 MiB): a larger one is refused before any of it is parsed. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** body-parser's errors carry the HTTP status and a type such as `entity.too.large`. */
interface BodyError {
    readonly type: string;
    readonly status: number;
}

function isBodyError(error: unknown): error is BodyError {
    return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' && 'status' in error && typeof error.status === 'number';
}

/**
 * Reads the body, at most MAX_REQUEST_BODY_BYTES of it (a declared Content-Length over it is refused
 * unread), decompressed, and hands it on as a Buffer, which Yoga takes as the body.
 */
export function limitedRequestBody(): RequestHandler[] {
    return [
        express.raw({ type: () => true, limit: MAX_REQUEST_BODY_BYTES }),
        (request, _response, next) => {
            // The body is decompressed already: Yoga must not decompress it again.
            delete request.headers['content-encoding'];
            next();
        },
    ];
}

/** A body refused while it was read, answered as GraphQL errors are: PAYLOAD_TOO_LARGE (413), or BAD_USER_INPUT. */
export const refusedRequestBody: ErrorRequestHandler = (error: unknown, _request, response, next) => {
    if (!isBodyError(error) || response.headersSent) {
        next(error);
        return;
    }
    const tooLarge = error.type === 'entity.too.large';
    const body = tooLarge
        ? { message: `the request body exceeds ${MAX_REQUEST_BODY_BYTES.toString()} bytes`, extensions: { code: ApiErrorCode.PAYLOAD_TOO_LARGE, limit: MAX_REQUEST_BODY_BYTES } }
        : { message: 'the request body could not be read', extensions: { code: ApiErrorCode.BAD_USER_INPUT, reason: error.type } };
    // The rest of an oversized body is not read: the connection closes after the answer.
    response.status(error.status).set('connection', 'close').json({ errors: [body] });
};
