import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveParent } from './child-main.js';

/**
 * A child process standing in for a committing peer: copies block files of a chain into a folder at a fixed
 * rate, each written aside and renamed into place (as burst.ts's writeBlockFile does), and reports when each
 * rename happened. Its own process, so the indexer's event loop never delays a commit nor its timestamp.
 */

export interface WriterJob {
    readonly sourceDir: string;
    readonly targetDir: string;
    readonly channel: string;
    readonly blocks: number;
    readonly blocksPerSecond: number;
}

/** Sent once every block is written: `process.hrtime.bigint()` just before each rename, by block number, as decimal strings. */
export interface WriterReport {
    readonly committedAt: readonly string[];
}

async function writeBlocks(job: WriterJob): Promise<WriterReport> {
    const source = path.join(job.sourceDir, job.channel);
    const target = path.join(job.targetDir, job.channel);
    await mkdir(target, { recursive: true });
    // Read up front: the schedule must not wait on the source disk.
    const files = await Promise.all(Array.from({ length: job.blocks }, (_, n) => readFile(path.join(source, `${n.toString()}.block`))));
    const intervalNs = BigInt(Math.round(1e9 / job.blocksPerSecond));
    const start = process.hrtime.bigint();
    const committedAt: string[] = [];
    for (const [n, bytes] of files.entries()) {
        // Each block at its own slot from the start, so a late write does not push the rest back.
        const waitMs = Number(start + BigInt(n) * intervalNs - process.hrtime.bigint()) / 1e6;
        if (waitMs > 0) {
            await sleep(waitMs);
        }
        const file = path.join(target, `${n.toString()}.block`);
        await writeFile(`${file}.partial`, bytes);
        committedAt.push(process.hrtime.bigint().toString());
        await rename(`${file}.partial`, file);
    }
    return { committedAt };
}

serveParent('the block writer', writeBlocks);
