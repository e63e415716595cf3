import type { LedgerEvent } from '@reciprocal-clubs/chaincode/model';
import type { ParsedTransaction } from '../blocks/parsed-block.js';
import { payloadJson } from './event-payload.js';

/** The chaincode whose events the indexer projects. */
export interface ChaincodeSelection {
    readonly chaincodeName: string;
}

export type EventReading =
    | { readonly kind: 'none' }
    | { readonly kind: 'event'; readonly event: LedgerEvent }
    | { readonly kind: 'malformed'; readonly reason: string };

/**
 * The LedgerEvent a valid transaction of our chaincode carries. Events of invalid transactions are
 * never read: Fabric keeps them in the block, but nothing they say happened.
 */
export function readLedgerEvent(tx: ParsedTransaction, selection: ChaincodeSelection): EventReading {
    if (!tx.isValid || tx.event?.chaincodeId !== selection.chaincodeName) {
        return { kind: 'none' };
    }
    const reading = payloadJson(tx.event.payload);
    if ('failure' in reading) {
        return { kind: 'malformed', reason: `event ${tx.event.name} is not JSON: ${String(reading.failure)}` };
    }
    const event = reading.json as LedgerEvent | null;
    if (event?.name !== tx.event.name || event.txId !== tx.txId || !Array.isArray(event.changes) || !Array.isArray(event.parties)) {
        return { kind: 'malformed', reason: `event ${tx.event.name} does not describe transaction ${tx.txId}` };
    }
    return { kind: 'event', event };
}
