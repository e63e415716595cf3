#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type IndexerConfig, loadConfig } from './config.js';
import { startIndexer } from './indexer/indexer.js';
import { type LedgerReader, verifyIndexIntegrity } from './integrity.js';
import { type BlockSource, GatewayBlockSource } from './source/block-source.js';
import { FileBlockSource } from './source/file-block-source.js';
import { connectToPeer } from './source/gateway-connection.js';
import { FileLedgerReader, PeerLedgerReader } from './source/ledger-readers.js';
import { openPool } from './store/database.js';

const usage = `usage: rcn-indexer [run]                 index every channel of INDEXER_CLUB until stopped
       rcn-indexer verify --channel <c>  compare the indexed hash chain with the ledger; exit 1 on a mismatch
Configuration comes from the environment (see README.md); defaults from .network/network.json.`;

interface Ledger {
    readonly source: BlockSource;
    readonly reader: LedgerReader;
    close(): void;
}

async function openLedger(config: IndexerConfig): Promise<Ledger> {
    if (config.source.kind === 'files') {
        return { source: new FileBlockSource(config.source.dir), reader: new FileLedgerReader(config.source.dir), close: () => undefined };
    }
    const connection = await connectToPeer({ mspId: config.club, ...config.source });
    const { gateway } = connection;
    return {
        source: new GatewayBlockSource((channel) => gateway.getNetwork(channel)),
        reader: new PeerLedgerReader(gateway),
        close: () => {
            connection.close();
        },
    };
}

async function run(config: IndexerConfig): Promise<void> {
    const logger = pino({ level: config.logLevel, base: { service: 'event-indexer', club: config.club } });
    const ledger = await openLedger(config);
    const indexer = await startIndexer(config, ledger.source, logger);
    const shutdown = (signal: string) => {
        logger.info({ signal }, 'stopping');
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
    if (command === 'verify') {
        if (values.channel === undefined) {
            console.error('verify needs --channel');
            return 2;
        }
        return (await verify(config, values.channel)) ? 0 : 1;
    }
    await run(config);
    return 0;
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exitCode = 1;
    },
);
