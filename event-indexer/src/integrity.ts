import { isDeepStrictEqual } from 'node:util';
import type pg from 'pg';
import { headerHash } from './blocks/header-hash.js';
import type { ParsedBlock } from './blocks/parsed-block.js';
import { type HistoryRow, historyRow } from './store/history.js';

/** Reads the peer's own copy of a block: the ledger the index must equal. */
export interface LedgerReader {
    block(channel: string, blockNumber: bigint): Promise<ParsedBlock>;
}

export type IntegrityReport =
    | { readonly ok: true; readonly channel: string; readonly blocks: number }
    | { readonly ok: false; readonly channel: string; readonly blockNumber: bigint; readonly problem: string };

interface BlockRow {
    block_number: string;
    data_hash: Buffer;
    previous_hash: Buffer;
    header_hash: Buffer;
    tx_count: number;
}

/**
 * Walks the indexed chain of a channel from block 0: every header hash recomputed from the row,
 * every previous hash linking to the block before, and each block and its transactions compared with
 * the peer's block. Reports the first mismatch, naming its block.
 */
export async function verifyIndexIntegrity(pool: pg.Pool, ledger: LedgerReader, channel: string): Promise<IntegrityReport> {
    const { rows } = await pool.query<BlockRow>(
        `SELECT block_number, data_hash, previous_hash, header_hash, tx_count FROM blocks WHERE channel = $1 ORDER BY block_number`,
        [channel],
    );
    let previous: BlockRow | undefined;
    for (const row of rows) {
        const blockNumber = BigInt(row.block_number);
        const problem =
            chainProblem(row, previous, blockNumber) ?? (await ledgerProblem(pool, ledger, channel, row, blockNumber));
        if (problem !== undefined) {
            return { ok: false, channel, blockNumber, problem };
        }
        previous = row;
    }
    return { ok: true, channel, blocks: rows.length };
}

function chainProblem(row: BlockRow, previous: BlockRow | undefined, blockNumber: bigint): string | undefined {
    const expectedNumber = previous === undefined ? 0n : BigInt(previous.block_number) + 1n;
    if (blockNumber !== expectedNumber) {
        return `block ${expectedNumber.toString()} is missing from the index`;
    }
    const recomputed = headerHash(blockNumber, row.previous_hash, row.data_hash);
    if (!Buffer.from(recomputed).equals(row.header_hash)) {
        return 'the stored header hash does not match the stored header';
    }
    if (previous !== undefined && !row.previous_hash.equals(previous.header_hash)) {
        return `the previous hash does not link to block ${previous.block_number}`;
    }
    return undefined;
}

async function ledgerProblem(pool: pg.Pool, ledger: LedgerReader, channel: string, row: BlockRow, blockNumber: bigint): Promise<string | undefined> {
    const peerBlock = await ledger.block(channel, blockNumber);
    if (!Buffer.from(peerBlock.headerHash).equals(row.header_hash)) {
        return "the block's header hash differs from the peer's";
    }
    if (peerBlock.transactions.length !== row.tx_count) {
        return `the block holds ${row.tx_count} transactions; the peer's holds ${peerBlock.transactions.length}`;
    }
    const { rows } = await pool.query<Record<keyof HistoryRow, unknown>>(
        `SELECT tx_index, tx_id, type, creator_msp, created_at, validation_code, is_valid,
                chaincode, function, event_name, event, writes
         FROM transactions WHERE channel = $1 AND block_number = $2 ORDER BY tx_index`,
        [channel, blockNumber.toString()],
    );
    for (const tx of peerBlock.transactions) {
        const expected = historyRow(tx);
        const indexed = rows.find((candidate) => candidate.tx_index === tx.txIndex);
        const differing =
            indexed === undefined
                ? ['the row is missing']
                : (Object.keys(expected) as (keyof HistoryRow)[]).filter((column) => !sameValue(column, indexed[column], expected[column]));
        if (differing.length > 0) {
            return `transaction ${tx.txIndex} (${tx.txId}) differs from the peer's: ${differing.join(', ')}`;
        }
    }
    // A row the peer's block lacks is a forged transaction: the block row's tx_count alone does not show it.
    if (rows.length > peerBlock.transactions.length) {
        return `the index holds ${rows.length} transactions of the block; the peer's holds ${peerBlock.transactions.length}`;
    }
    return undefined;
}

/** Timestamps come back from PostgreSQL as Dates: compare instants; JSON columns come back parsed: compare values. */
function sameValue(column: keyof HistoryRow, indexed: unknown, expected: HistoryRow[keyof HistoryRow]): boolean {
    if (column === 'created_at') {
        return indexed instanceof Date && indexed.getTime() === new Date(String(expected)).getTime();
    }
    if ((column === 'event' || column === 'writes') && typeof expected === 'string') {
        return isDeepStrictEqual(indexed, JSON.parse(expected));
    }
    return isDeepStrictEqual(indexed, expected);
}
