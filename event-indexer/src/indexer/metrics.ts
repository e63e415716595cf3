import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The indexer's Prometheus metrics, on a registry of its own (served at /metrics). */
export class IndexerMetrics {
    readonly registry = new Registry();
    readonly blocks = new Counter({ name: 'rcn_indexer_blocks_total', help: 'Blocks applied', labelNames: ['channel'], registers: [this.registry] });
    readonly transactions = new Counter({
        name: 'rcn_indexer_transactions_total',
        help: 'Transactions recorded, by validation code',
        labelNames: ['channel', 'validation_code'],
        registers: [this.registry],
    });
    readonly unprojected = new Counter({
        name: 'rcn_indexer_unprojected_transactions_total',
        help: 'Valid transactions recorded in the history but not projected (malformed or unknown events)',
        labelNames: ['channel'],
        registers: [this.registry],
    });
    readonly errors = new Counter({ name: 'rcn_indexer_errors_total', help: 'Failures, by stage', labelNames: ['channel', 'stage'], registers: [this.registry] });
    readonly lastBlock = new Gauge({ name: 'rcn_indexer_last_block', help: 'Number of the last block applied', labelNames: ['channel'], registers: [this.registry] });
    readonly lagSeconds = new Gauge({
        name: 'rcn_indexer_lag_seconds',
        help: 'Seconds between the newest applied transaction timestamp and its indexing',
        labelNames: ['channel'],
        registers: [this.registry],
    });
    readonly lagBlocks = new Gauge({ name: 'rcn_indexer_lag_blocks', help: 'Blocks the peer has that the index has not', labelNames: ['channel'], registers: [this.registry] });
    readonly outboxDepth = new Gauge({ name: 'rcn_indexer_outbox_depth', help: 'Notifications not yet acknowledged by NATS', registers: [this.registry] });
    readonly blockSeconds = new Histogram({
        name: 'rcn_indexer_block_apply_seconds',
        help: 'Time to apply one database transaction of blocks to PostgreSQL (one block when caught up)',
        labelNames: ['channel'],
        buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [this.registry],
    });

    constructor() {
        collectDefaultMetrics({ register: this.registry, prefix: 'rcn_indexer_' });
    }
}
