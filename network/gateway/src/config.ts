import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');
const filePath = z.string().min(1);
const milliseconds = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const Environment = z.object({
    GATEWAY_LISTEN: hostPort,
    GATEWAY_TLS_CERT: filePath,
    GATEWAY_TLS_KEY: filePath,
    GATEWAY_MSP_ID: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'must be an MSP ID such as HarbourMSP'),
    GATEWAY_CERT: filePath,
    GATEWAY_KEY: filePath,
    PEER_ENDPOINT: hostPort,
    PEER_TLS_ROOT_CERT: filePath,
    PEER_HOST_ALIAS: z.string().min(1).optional(),
    GATEWAY_OPERATIONS_LISTEN: hostPort.optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    GATEWAY_ENDORSEMENT_TIMEOUT_MS: milliseconds(30_000),
    GATEWAY_BROADCAST_TIMEOUT_MS: milliseconds(30_000),
    GATEWAY_QUERY_TIMEOUT_MS: milliseconds(10_000),
    GATEWAY_DISCOVERY_TTL_MS: milliseconds(30_000),
    GATEWAY_HEALTHY_WITHIN_MS: milliseconds(30_000),
});

export interface GatewayConfig {
    readonly listen: string;
    readonly tls: { readonly cert: Buffer; readonly key: Buffer };
    readonly identity: { readonly mspId: string; readonly certificate: Buffer; readonly privateKey: Buffer };
    readonly peer: { readonly endpoint: string; readonly tlsRootCert: Buffer; readonly hostAlias?: string | undefined };
    readonly operationsListen?: string | undefined;
    readonly logLevel: string;
    readonly endorsementTimeoutMs: number;
    readonly broadcastTimeoutMs: number;
    readonly queryTimeoutMs: number;
    readonly discoveryTtlMs: number;
    readonly healthyWithinMs: number;
}

/** A PEM file, or the single file of an MSP folder such as signcerts/ or keystore/. */
function readPem(name: string, path: string): Buffer {
    try {
        const target = statSync(path).isDirectory() ? join(path, onlyFile(path)) : path;
        return readFileSync(target);
    } catch (error) {
        throw new Error(`${name}: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
}

function onlyFile(directory: string): string {
    const files = readdirSync(directory).filter((file) => !file.startsWith('.'));
    if (files.length !== 1 || files[0] === undefined) {
        throw new Error(`expected exactly one file in ${directory}, found ${files.length}`);
    }
    return files[0];
}

export function splitHostPort(address: string): { host: string; port: number } {
    const index = address.lastIndexOf(':');
    return { host: address.slice(0, index), port: Number(address.slice(index + 1)) };
}

/** Validated configuration from the environment; throws one error listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
    const parsed = Environment.safeParse(env);
    if (!parsed.success) {
        throw new Error(`invalid gateway configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    }
    const vars = parsed.data;
    return {
        listen: vars.GATEWAY_LISTEN,
        tls: { cert: readPem('GATEWAY_TLS_CERT', vars.GATEWAY_TLS_CERT), key: readPem('GATEWAY_TLS_KEY', vars.GATEWAY_TLS_KEY) },
        identity: { mspId: vars.GATEWAY_MSP_ID, certificate: readPem('GATEWAY_CERT', vars.GATEWAY_CERT), privateKey: readPem('GATEWAY_KEY', vars.GATEWAY_KEY) },
        peer: { endpoint: vars.PEER_ENDPOINT, tlsRootCert: readPem('PEER_TLS_ROOT_CERT', vars.PEER_TLS_ROOT_CERT), hostAlias: vars.PEER_HOST_ALIAS },
        operationsListen: vars.GATEWAY_OPERATIONS_LISTEN,
        logLevel: vars.LOG_LEVEL,
        endorsementTimeoutMs: vars.GATEWAY_ENDORSEMENT_TIMEOUT_MS,
        broadcastTimeoutMs: vars.GATEWAY_BROADCAST_TIMEOUT_MS,
        queryTimeoutMs: vars.GATEWAY_QUERY_TIMEOUT_MS,
        discoveryTtlMs: vars.GATEWAY_DISCOVERY_TTL_MS,
        healthyWithinMs: vars.GATEWAY_HEALTHY_WITHIN_MS,
    };
}
