import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { BENCH_STATE_DIR } from './bench-chain.js';

/**
 * A benchmark's record of what it left in the running network, kept between runs under `.network/bench/` (so
 * `down --clean` removes it with the ledger it describes). Each write replaces the whole file by a rename, so a run
 * killed mid-write leaves the previous record.
 */
export class StateFile<T> {
    readonly path: string;
    readonly #schema: z.ZodType<T>;
    #writing: Promise<void> = Promise.resolve();

    constructor(name: string, schema: z.ZodType<T>) {
        this.path = path.join(BENCH_STATE_DIR, name);
        this.#schema = schema;
    }

    /** The record, or undefined when there is none or it is not one this benchmark wrote. */
    async read(): Promise<T | undefined> {
        const text = await readFile(this.path, 'utf8').catch(() => undefined);
        if (text === undefined) return undefined;
        try {
            const parsed = this.#schema.safeParse(JSON.parse(text));
            return parsed.success ? parsed.data : undefined;
        } catch {
            return undefined;
        }
    }

    /** Writes `value` as it is when its turn comes: writes never overlap, and the last one wins. */
    write(value: T): Promise<void> {
        // A failed write fails its caller only, not the writes queued after it.
        const written = this.#writing.catch(() => undefined).then(async () => {
            await mkdir(BENCH_STATE_DIR, { recursive: true });
            await writeFile(`${this.path}.partial`, `${JSON.stringify(value, null, 2)}\n`);
            await rename(`${this.path}.partial`, this.path);
        });
        this.#writing = written;
        return written;
    }
}
