import type pg from 'pg';

/** Where a channel's stream resumes: the next block, and within it the next transaction not yet applied. */
export interface Checkpoint {
    readonly nextBlock: bigint;
    readonly nextTxIndex: number;
}

/** A brand-new index starts at block 0, never at "newest". */
export const GENESIS: Checkpoint = { nextBlock: 0n, nextTxIndex: 0 };

/** Reads the checkpoint; with `lock`, holds it until the surrounding database transaction ends. */
export async function readCheckpoint(client: pg.ClientBase | pg.Pool, channel: string, lock = false): Promise<Checkpoint> {
    const result = await client.query<{ next_block: string; next_tx_index: number }>(
        `SELECT next_block, next_tx_index FROM checkpoints WHERE channel = $1${lock ? ' FOR UPDATE' : ''}`,
        [channel],
    );
    const row = result.rows[0];
    return row === undefined ? GENESIS : { nextBlock: BigInt(row.next_block), nextTxIndex: row.next_tx_index };
}

export async function writeCheckpoint(client: pg.ClientBase, channel: string, checkpoint: Checkpoint): Promise<void> {
    await client.query(
        `INSERT INTO checkpoints (channel, next_block, next_tx_index) VALUES ($1, $2, $3)
         ON CONFLICT (channel) DO UPDATE SET next_block = excluded.next_block, next_tx_index = excluded.next_tx_index, updated_at = now()`,
        [channel, checkpoint.nextBlock.toString(), checkpoint.nextTxIndex],
    );
}
