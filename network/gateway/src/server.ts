import * as grpc from '@grpc/grpc-js';
import { gateway } from '@hyperledger/fabric-protos';
import { chaincodeEvents } from './chaincode-events.js';
import { commitStatus } from './commit-status.js';
import type { GatewayContext } from './context.js';
import { deliverRelayDefinition, deliverRelayImplementation } from './deliver-relay.js';
import { endorse } from './endorse.js';
import { asGatewayRpcError, toStatusObject } from './error-detail.js';
import { evaluate } from './evaluate.js';
import { withPlainSerializers } from './protobuf.js';
import { Qscc } from './qscc.js';
import { submit } from './submit.js';

const maxMessageBytes = 100 * 1024 * 1024;

function cancellation(call: grpc.ServerUnaryCall<unknown, unknown>): AbortSignal {
    const controller = new AbortController();
    call.on('cancelled', () => {
        controller.abort();
    });
    return controller.signal;
}

/**
 * The gRPC server: gateway.Gateway (Evaluate, Endorse, Submit, CommitStatus, ChaincodeEvents) and
 * the protos.Deliver relay, over the given context. Bind and start it with bindAsync.
 */
export function createGatewayServer(context: GatewayContext, qscc = new Qscc(context.identity, context.connections.local, context.options.queryTimeoutMs)): grpc.Server {
    const server = new grpc.Server({ 'grpc.max_receive_message_length': maxMessageBytes, 'grpc.max_send_message_length': maxMessageBytes });

    const unary = <Request, Response>(method: string, handle: (request: Request, call: grpc.ServerUnaryCall<Request, Response>) => Promise<Response>): grpc.handleUnaryCall<Request, Response> => {
        return (call, callback) => {
            const end = context.metrics?.duration.startTimer({ method });
            handle(call.request, call).then(
                (response) => {
                    end?.();
                    context.metrics?.requests.inc({ method, code: grpc.status[grpc.status.OK] });
                    callback(null, response);
                },
                (error: unknown) => {
                    end?.();
                    const failure = asGatewayRpcError(error);
                    context.metrics?.requests.inc({ method, code: grpc.status[failure.code] });
                    const log = failure.code === grpc.status.INTERNAL ? context.logger.error.bind(context.logger) : context.logger.info.bind(context.logger);
                    log({ method, code: grpc.status[failure.code], err: failure.message, details: failure.details }, 'request failed');
                    callback(toStatusObject(failure));
                },
            );
        };
    };

    const implementation: gateway.IGatewayServer = {
        evaluate: unary('Evaluate', (request: gateway.EvaluateRequest, call) => evaluate(context, request, call.getDeadline())),
        endorse: unary('Endorse', (request: gateway.EndorseRequest, call) => endorse(context, request, call.getDeadline())),
        submit: unary('Submit', (request: gateway.SubmitRequest, call) => submit(context, request, call.getDeadline())),
        commitStatus: unary('CommitStatus', (request: gateway.SignedCommitStatusRequest, call) => commitStatus(context, qscc, request, cancellation(call))),
        chaincodeEvents: (call) => {
            chaincodeEvents(context, qscc, call).then(
                () => {
                    context.metrics?.requests.inc({ method: 'ChaincodeEvents', code: grpc.status[grpc.status.OK] });
                    if (!call.cancelled) {
                        call.end();
                    }
                },
                (error: unknown) => {
                    const failure = asGatewayRpcError(error);
                    context.metrics?.requests.inc({ method: 'ChaincodeEvents', code: grpc.status[failure.code] });
                    context.logger.info({ method: 'ChaincodeEvents', code: grpc.status[failure.code], err: failure.message }, 'request failed');
                    if (!call.cancelled) {
                        call.emit('error', toStatusObject(failure));
                    }
                },
            );
        },
    };
    server.addService(withPlainSerializers(gateway.GatewayService), implementation);
    server.addService(deliverRelayDefinition, deliverRelayImplementation(context.connections.local, context.metrics));
    return server;
}

/** Binds the server; resolves with the bound port. */
export function listen(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
    return new Promise((resolve, reject) => {
        server.bindAsync(address, credentials, (error, port) => {
            if (error) {
                reject(error);
                return;
            }
            resolve(port);
        });
    });
}
