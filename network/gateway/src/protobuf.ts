import { status } from '@grpc/grpc-js';
import { rpcError } from './error-detail.js';

interface Decodable<T> {
    deserializeBinary(bytes: Uint8Array): T;
}

/**
 * Decodes protobuf bytes that came from outside (a client or a peer). google-protobuf throws
 * assertion errors on garbage; those become one INVALID_ARGUMENT naming what was being read.
 */
export function decode<T>(type: Decodable<T>, bytes: Uint8Array | string, what: string): T {
    try {
        return type.deserializeBinary(typeof bytes === 'string' ? Buffer.from(bytes, 'base64') : bytes);
    } catch (error) {
        throw rpcError(status.INVALID_ARGUMENT, `failed to unmarshal ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

/** Like decode, for bytes from our own peers: a failure is a plain Error, reported with the caller's code. */
export function decodeTrusted<T>(type: Decodable<T>, bytes: Uint8Array, what: string): T {
    try {
        return type.deserializeBinary(bytes);
    } catch (error) {
        throw new Error(`failed to unmarshal ${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

interface Serializable {
    serializeBinary(): Uint8Array;
}

function serializeAny(message: Serializable): Buffer {
    const bytes = message.serializeBinary();
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * A generated service definition whose serializers do not insist on `instanceof` the generated
 * class: a message built by another copy of fabric-protos (another package's node_modules, or a
 * loader that instantiates the module twice) serializes the same.
 */
export function withPlainSerializers<Definition extends Record<string, { requestSerialize: unknown; responseSerialize: unknown }>>(definition: Definition): Definition {
    const result: Record<string, unknown> = {};
    for (const [name, method] of Object.entries(definition)) {
        result[name] = { ...method, requestSerialize: serializeAny, responseSerialize: serializeAny };
    }
    return result as Definition;
}
