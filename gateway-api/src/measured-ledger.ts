import { Histogram, type Registry } from 'prom-client';
import type { Caller } from './caller.js';
import { ApiError } from './errors.js';
import type { CommittedTransaction, Ledger, LedgerCall } from './ledger.js';

/** A Ledger whose submit and evaluate latencies, by transaction and outcome, are Prometheus histograms. */
export class MeasuredLedger implements Ledger {
    readonly #ledger: Ledger;
    readonly #seconds: Histogram<'operation' | 'transaction' | 'outcome'>;

    constructor(ledger: Ledger, registry: Registry) {
        this.#ledger = ledger;
        this.#seconds = new Histogram({
            name: 'rcn_api_fabric_seconds',
            help: 'Fabric gateway calls: submit (endorse, order, commit) and evaluate',
            labelNames: ['operation', 'transaction', 'outcome'],
            buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
            registers: [registry],
        });
    }

    submit(caller: Caller, call: LedgerCall): Promise<CommittedTransaction> {
        return this.#measured('submit', call, () => this.#ledger.submit(caller, call));
    }

    evaluate(caller: Caller, call: LedgerCall): Promise<string> {
        return this.#measured('evaluate', call, () => this.#ledger.evaluate(caller, call));
    }

    async #measured<T>(operation: string, call: LedgerCall, run: () => Promise<T>): Promise<T> {
        const stop = this.#seconds.startTimer({ operation, transaction: call.transaction });
        try {
            const result = await run();
            stop({ outcome: 'ok' });
            return result;
        } catch (error) {
            stop({ outcome: error instanceof ApiError ? error.code : 'error' });
            throw error;
        }
    }
}
