#!/usr/bin/env node
import { parseArgs } from 'node:util';
import type { Gateway } from '@hyperledger/fabric-gateway';
import { LedgerHeartbeat, chainInfoRoundTrip, connectToGateway } from '@reciprocal-clubs/ledger-connection';
import { type Logger, pino } from 'pino';
import { type IndexerConfig, loadConfig } from './config.js';
import { startIndexer } from './indexer/indexer.js';
import { type LedgerReader, verifyIndexIntegrity } from './integrity.js';
import { type BlockSource, GatewayBlockSource } from './source/block-source.js';
import { FileBlockSource } from './source/file-block-source.js';
import { FileLedgerReader, PeerLedgerReader } from './source/ledger-readers.js';
import { openPool } from './store/database.js';
import { failureOf } from './startup/failure.js';

const usage = `usage: rcn-indexer [run]                 index every channel of INDEXER_CLUB until stopped
       rcn-indexer verify --channel <c>  compare the indexed hash chain with the ledger; exit 1 on a mismatch
Configuration comes from the environment (see README.md); defaults from .network/network.json.`;

const logger = pino({ base: { service: 'event-indexer' } });
/** Whether a failure happened before the indexer ran, for its log line. */
let phase: 'start-up' | 'running' = 'start-up';

interface Ledger {
    readonly source: BlockSource;
    readonly reader: LedgerReader;
    /** The club's gateway, when blocks come from its peer. */
    readonly gateway?: Gateway;
    close(): void;
}

async function openLedger(config: IndexerConfig): Promise<Ledger> {
    if (config.source.kind === 'files') {
        return { source: new FileBlockSource(config.source.dir), reader: new FileLedgerReader(config.source.dir), close: () => undefined };
    }
    const connection = await connectToGateway({ mspId: config.club, gateway: config.source.gateway, identities: { auditor: config.source.identity } });
    const gateway = connection.as('auditor');
    return {
        source: new GatewayBlockSource((channel) => gateway.getNetwork(channel)),
        reader: new PeerLedgerReader(gateway),
        gateway,
        close: () => {
            connection.close();
        },
    };
}

/** Round trips to the club's peer on each channel, for readiness; state changes are logged. */
function heartbeatOf(config: IndexerConfig, gateway: Gateway, log: Logger): LedgerHeartbeat {
    return new LedgerHeartbeat({
        channels: config.channels,
        roundTrip: chainInfoRoundTrip(gateway),
        onChange: (channel, reachable, error) => {
            if (reachable) {
                log.info({ channel }, 'the peer answers');
            } else {
                log.warn({ channel, err: error }, 'the peer does not answer');
            }
        },
    });
}

async function run(config: IndexerConfig, log: Logger): Promise<void> {
    const ledger = await openLedger(config);
    const heartbeat = ledger.gateway === undefined ? undefined : heartbeatOf(config, ledger.gateway, log);
    await heartbeat?.start();
    const indexer = await startIndexer({
        config,
        source: ledger.source,
        logger: log,
        readiness: heartbeat === undefined ? {} : { ledger: () => Promise.resolve(heartbeat.isReady()) },
    });
    phase = 'running';
    const shutdown = (signal: string) => {
        log.info({ signal }, 'stopping');
        heartbeat?.stop();
        void indexer.stop().finally(() => {
            ledger.close();
        });
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    await indexer.done;
}

async function verify(config: IndexerConfig, channel: string): Promise<boolean> {
    const ledger = await openLedger(config);
    const pool = openPool(config.database);
    try {
        const report = await verifyIndexIntegrity(pool, ledger.reader, channel);
        console.log(JSON.stringify(report, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
        return report.ok;
    } finally {
        await pool.end();
        ledger.close();
    }
}

async function main(): Promise<number> {
    const { positionals, values } = parseArgs({ allowPositionals: true, options: { channel: { type: 'string' }, help: { type: 'boolean' } } });
    const command = positionals[0] ?? 'run';
    if (values.help === true || !['run', 'verify'].includes(command)) {
        console.log(usage);
        return values.help === true ? 0 : 2;
    }
    const config = loadConfig();
    logger.level = config.logLevel;
    if (command === 'verify') {
        if (values.channel === undefined) {
            console.error('verify needs --channel');
            return 2;
        }
        return (await verify(config, values.channel)) ? 0 : 1;
    }
    await run(config, logger.child({ club: config.club }));
    return 0;
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        const { code, reason } = failureOf(error);
        logger.error({ err: error, code, phase }, phase === 'start-up' ? `could not start: ${reason}` : `stopped: ${reason}`);
        // Whatever the failure left open (a pool, a NATS connection, a timer) must not keep the process alive.
        process.exit(1);
    },
);
