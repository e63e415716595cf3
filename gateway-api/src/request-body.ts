import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import bodyParser from 'body-parser';
import { ApiErrorCode } from './errors.js';

/** The largest request body the API reads (1 MiB): a larger one is refused before any of it is parsed. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Yoga's node adapter (whatwg-node) enumerates the keys of a Buffer body, one per byte (some 230 ms of blocked event
 * loop for a 1 MiB body), so a body larger than this reaches it as a stream instead.
 */
const LARGEST_BUFFERED_BODY = 1024;

/** body-parser's errors carry the HTTP status and a type such as `entity.too.large`. */
interface BodyError {
    readonly type: string;
    readonly status: number;
}

function isBodyError(error: unknown): error is BodyError {
    return typeof error === 'object' && error !== null && 'type' in error && typeof error.type === 'string' && 'status' in error && typeof error.status === 'number';
}

const readRaw: (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void = bodyParser.raw({
    type: () => true,
    limit: MAX_REQUEST_BODY_BYTES,
});

/** A body refused while it was read, answered as GraphQL errors are: PAYLOAD_TOO_LARGE (413), or BAD_USER_INPUT. */
function refuse(error: unknown, response: ServerResponse): void {
    if (response.headersSent) {
        response.destroy();
        return;
    }
    const refusal = !isBodyError(error)
        ? { status: 500, body: { message: 'Unexpected error.', extensions: { code: ApiErrorCode.INTERNAL_SERVER_ERROR } } }
        : error.type === 'entity.too.large'
          ? {
                status: error.status,
                body: { message: `the request body exceeds ${MAX_REQUEST_BODY_BYTES.toString()} bytes`, extensions: { code: ApiErrorCode.PAYLOAD_TOO_LARGE, limit: MAX_REQUEST_BODY_BYTES } },
            }
          : { status: error.status, body: { message: 'the request body could not be read', extensions: { code: ApiErrorCode.BAD_USER_INPUT, reason: error.type } } };
    // The rest of an oversized body is not read: the connection closes after the answer.
    response
        .writeHead(refusal.status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' })
        .end(JSON.stringify({ errors: [refusal.body] }));
}

/**
 * Reads the body, at most MAX_REQUEST_BODY_BYTES of it (a declared Content-Length over it is refused unread),
 * decompressed, into `request.body`, which Yoga takes as the body; then `next`. A body that cannot be read is
 * answered here, and `next` is not called.
 */
export function readRequestBody(request: IncomingMessage, response: ServerResponse, next: () => void): void {
    readRaw(request, response, (error: unknown) => {
        if (error !== undefined && error !== null) {
            refuse(error, response);
            return;
        }
        // The body is decompressed already: Yoga must not decompress it again.
        delete request.headers['content-encoding'];
        const read = request as IncomingMessage & { body?: unknown };
        if (read.body instanceof Buffer && read.body.length > LARGEST_BUFFERED_BODY) {
            read.body = Readable.from([read.body]);
        }
        next();
    });
}
