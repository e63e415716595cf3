import { Metadata, status, type ServiceError, type StatusObject } from '@grpc/grpc-js';
import { gateway, google } from '@hyperledger/fabric-protos';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';

/** The trailer in which gRPC carries a serialized google.rpc.Status with typed details. */
export const statusDetailsKey = 'grpc-status-details-bin';
const errorDetailTypeUrl = 'type.googleapis.com/gateway.ErrorDetail';

/** One endpoint's part in a failure, as Fabric's gateway reports it (gateway.ErrorDetail). */
export interface EndpointFailure {
    readonly address: string;
    readonly mspId: string;
    readonly message: string;
}

/**
 * A failure an RPC returns: a gRPC status code, a message and the per-endpoint details the client
 * (@hyperledger/fabric-gateway) decodes into `GatewayError.details`.
 */
export class GatewayRpcError extends Error {
    readonly code: status;
    readonly details: readonly EndpointFailure[];

    constructor(code: status, message: string, details: readonly EndpointFailure[] = []) {
        super(message);
        this.name = 'GatewayRpcError';
        this.code = code;
        this.details = details;
    }
}

export function rpcError(code: status, message: string, details: readonly EndpointFailure[] = []): GatewayRpcError {
    return new GatewayRpcError(code, message, details);
}

/** google.rpc.Status{code, message, details: [Any(gateway.ErrorDetail)…]} bytes for the details trailer. */
export function encodeStatusDetails(code: status, message: string, details: readonly EndpointFailure[]): Uint8Array {
    const rpcStatus = new google.rpc.Status();
    rpcStatus.setCode(code);
    rpcStatus.setMessage(message);
    rpcStatus.setDetailsList(
        details.map((detail) => {
            const errorDetail = new gateway.ErrorDetail();
            errorDetail.setAddress(detail.address);
            errorDetail.setMspId(detail.mspId);
            errorDetail.setMessage(detail.message);
            const any = new anyPb.Any();
            any.setTypeUrl(errorDetailTypeUrl);
            any.setValue(errorDetail.serializeBinary());
            return any;
        }),
    );
    return rpcStatus.serializeBinary();
}

/** Reads the endpoint failures back out of a status-details trailer (the inverse of encodeStatusDetails). */
export function decodeStatusDetails(metadata: Metadata): EndpointFailure[] {
    return metadata.get(statusDetailsKey).flatMap((value) =>
        google.rpc.Status.deserializeBinary(typeof value === 'string' ? Buffer.from(value) : value)
            .getDetailsList()
            .filter((any) => any.getTypeUrl() === errorDetailTypeUrl)
            .map((any) => {
                const detail = gateway.ErrorDetail.deserializeBinary(any.getValue_asU8());
                return { address: detail.getAddress(), mspId: detail.getMspId(), message: detail.getMessage() };
            }),
    );
}

/** The status object a grpc-js handler returns (callback(err) / call.emit('error', err)). */
export function toStatusObject(error: unknown): Partial<StatusObject> {
    const failure = asGatewayRpcError(error);
    const metadata = new Metadata();
    if (failure.details.length > 0) {
        metadata.set(statusDetailsKey, Buffer.from(encodeStatusDetails(failure.code, failure.message, failure.details)));
    }
    return { code: failure.code, details: failure.message, metadata };
}

/** Any thrown value as a GatewayRpcError: gRPC errors keep their code, everything else is INTERNAL. */
export function asGatewayRpcError(error: unknown): GatewayRpcError {
    if (error instanceof GatewayRpcError) {
        return error;
    }
    if (isServiceError(error)) {
        return new GatewayRpcError(error.code, error.details || error.message);
    }
    return new GatewayRpcError(status.INTERNAL, error instanceof Error ? error.message : String(error));
}

export function isServiceError(error: unknown): error is ServiceError {
    return error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && (error as Partial<ServiceError>).metadata instanceof Metadata;
}

/** The message of an upstream failure, as a detail names it: a gRPC error's details, else the error text. */
export function failureMessage(error: unknown): string {
    if (isServiceError(error)) {
        return error.details || error.message;
    }
    return error instanceof Error ? error.message : String(error);
}
