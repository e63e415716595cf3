import type { CommittedTransaction, Ledger } from '../../gateway-api/src/ledger.js';

/** A ledger that refuses every call and counts them: the read benchmark proves its queries never reach the peer. */
export class UntouchableLedger implements Ledger {
    calls = 0;

    submit(): Promise<CommittedTransaction> {
        return this.#refuse('submit');
    }

    evaluate(): Promise<string> {
        return this.#refuse('evaluate');
    }

    #refuse(method: string): Promise<never> {
        this.calls += 1;
        return Promise.reject(new Error(`a read reached the ledger (${method})`));
    }
}
