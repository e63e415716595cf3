import type { Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { type GatewayConnection, type NetworkProfile, connectToGateway, postgresUrlOf } from '@reciprocal-clubs/ledger-connection';
import pg from 'pg';
import { quoteIdentifier } from '../../event-indexer/src/store/database.js';
import { Periodic } from './periodic.js';
import { sampleValue, scrape } from './prometheus.js';

/**
 * Each club's indexer behind its own peer on one channel, as `./test-network.sh status` computes it: the peer's height
 * (qscc GetChainInfo through the club's gateway endpoint, as its auditor) less the indexer's checkpoint (the next block,
 * from `indexer_<club>.checkpoints`); and the indexer's own `rcn_indexer_lag_seconds` gauge (from a block's newest
 * transaction timestamp to its rows committed).
 */

export interface IndexerLag {
    readonly club: string;
    readonly lagBlocks: readonly number[];
    readonly lagSeconds: readonly number[];
    /** Samples in which the peer, PostgreSQL or the indexer did not answer. */
    readonly failedSamples: number;
    /** The peer's height at the first and the last sample it answered. */
    readonly heights: readonly [number, number] | undefined;
}

interface Indexer {
    readonly club: string;
    readonly schema: string;
    readonly metricsUrl: string;
    readonly gateway: Gateway;
    readonly lagBlocks: number[];
    readonly lagSeconds: number[];
    failedSamples: number;
    firstHeight?: number;
    lastHeight?: number;
}

/** The channel's height on the gateway's peer (qscc GetChainInfo): the number of the next block it will commit. */
export async function heightOf(gateway: Gateway, channel: string): Promise<number> {
    const info = await gateway.getNetwork(channel).getContract('qscc').evaluateTransaction('GetChainInfo', channel);
    return common.BlockchainInfo.deserializeBinary(info).getHeight();
}

export class IndexerLagSampler {
    readonly #channel: string;
    readonly #indexers: readonly Indexer[];
    readonly #connections: readonly GatewayConnection<'auditor'>[];
    readonly #pool: pg.Pool;
    readonly #periodic = new Periodic(() => this.#sample(), 500);

    private constructor(channel: string, indexers: readonly Indexer[], connections: readonly GatewayConnection<'auditor'>[], pool: pg.Pool) {
        this.#channel = channel;
        this.#indexers = indexers;
        this.#connections = connections;
        this.#pool = pool;
    }

    /** Every club of the channel whose profile names an indexer and an auditor identity. */
    static async open(profile: NetworkProfile, channel: string): Promise<IndexerLagSampler> {
        const clubs = (profile.channels[channel] ?? []).flatMap((mspId) => {
            const club = profile.clubs[mspId];
            const auditor = club?.identities.auditor;
            return club?.indexer === undefined || auditor === undefined ? [] : [{ mspId, club, indexer: club.indexer, auditor }];
        });
        const connected = await Promise.all(
            clubs.map(async ({ mspId, club, indexer, auditor }) => {
                const connection = await connectToGateway({ mspId, gateway: club.gateway, identities: { auditor } });
                const sampled: Indexer = { club: mspId, schema: indexer.schema, metricsUrl: indexer.url, gateway: connection.as('auditor'), lagBlocks: [], lagSeconds: [], failedSamples: 0 };
                return { connection, sampled };
            }),
        );
        const indexers = connected.map(({ sampled }) => sampled);
        const connections = connected.map(({ connection }) => connection);
        const pool = new pg.Pool({ connectionString: postgresUrlOf(profile), max: 1 });
        // A PostgreSQL restart during the run fails a sample, not the benchmark.
        pool.on('error', () => undefined);
        return new IndexerLagSampler(channel, indexers, connections, pool);
    }

    /** Samples every 500 ms from now. */
    start(): void {
        this.#periodic.start();
    }

    async stop(): Promise<IndexerLag[]> {
        await this.#periodic.stop();
        return this.#indexers.map((indexer) => ({
            club: indexer.club,
            lagBlocks: indexer.lagBlocks,
            lagSeconds: indexer.lagSeconds,
            failedSamples: indexer.failedSamples,
            heights: indexer.firstHeight === undefined || indexer.lastHeight === undefined ? undefined : [indexer.firstHeight, indexer.lastHeight],
        }));
    }

    async close(): Promise<void> {
        await this.#periodic.stop();
        for (const connection of this.#connections) connection.close();
        await this.#pool.end();
    }

    async #sample(): Promise<void> {
        const checkpoints = this.#checkpoints().catch(() => new Map<string, number>());
        await Promise.all(
            this.#indexers.map(async (indexer) => {
                const [height, metrics] = await Promise.all([heightOf(indexer.gateway, this.#channel).catch(() => undefined), scrape(indexer.metricsUrl).catch(() => undefined)]);
                const nextBlock = (await checkpoints).get(indexer.club);
                const lagSeconds = metrics && sampleValue(metrics, 'rcn_indexer_lag_seconds', { channel: this.#channel });
                if (height === undefined || nextBlock === undefined || lagSeconds === undefined) {
                    indexer.failedSamples += 1;
                    return;
                }
                indexer.firstHeight ??= height;
                indexer.lastHeight = height;
                indexer.lagBlocks.push(Math.max(0, height - nextBlock));
                indexer.lagSeconds.push(lagSeconds);
            }),
        );
    }

    async #checkpoints(): Promise<Map<string, number>> {
        const query = this.#indexers
            .map((indexer, index) => `SELECT $${(index + 2).toString()}::text AS club, next_block FROM ${quoteIdentifier(indexer.schema)}.checkpoints WHERE channel = $1`)
            .join(' UNION ALL ');
        const result = await this.#pool.query<{ club: string; next_block: string }>(query, [this.#channel, ...this.#indexers.map((indexer) => indexer.club)]);
        return new Map(result.rows.map((row) => [row.club, Number(row.next_block)]));
    }
}
