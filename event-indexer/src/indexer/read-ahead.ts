export interface ReadAheadOptions<T> {
    /** What one item counts against `limit`. */
    readonly weigh: (item: T) => number;
    /** How much is read ahead, and the most one batch holds unless a single item weighs more. */
    readonly limit: number;
}

/**
 * Batches of what `source` yields, read ahead while the consumer works on the previous batch: each batch is
 * everything that arrived meanwhile, up to `limit`, and never splits an item. A consumer that keeps up gets each
 * item alone as soon as it arrives; one that falls behind gets the backlog in batches. A failure of the source
 * ends the batches after what it delivered before failing.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, { weigh, limit }: ReadAheadOptions<T>): AsyncGenerator<T[], void, undefined> {
    const buffer: { readonly item: T; readonly weight: number }[] = [];
    let buffered = 0;
    let end: { readonly failure?: unknown } | undefined;
    let stopped = false;
    let wakeConsumer: () => void = () => undefined;
    let wakeReader: () => void = () => undefined;

    const read = async () => {
        try {
            for await (const item of source) {
                const weight = weigh(item);
                buffer.push({ item, weight });
                buffered += weight;
                wakeConsumer();
                while (buffered >= limit && !stopped) {
                    await new Promise<void>((resolve) => (wakeReader = resolve));
                }
                if (stopped) {
                    return;
                }
            }
            end = {};
        } catch (failure) {
            end = { failure };
        }
        wakeConsumer();
    };
    void read();

    try {
        for (;;) {
            if (buffer.length > 0) {
                yield takeBatch();
                continue;
            }
            if (end !== undefined) {
                if ('failure' in end) {
                    throw end.failure;
                }
                return;
            }
            await new Promise<void>((resolve) => (wakeConsumer = resolve));
        }
    } finally {
        stopped = true;
        wakeReader();
    }

    function takeBatch(): T[] {
        const batch: T[] = [];
        let weight = 0;
        for (let next = buffer[0]; next !== undefined && (batch.length === 0 || weight + next.weight <= limit); next = buffer[0]) {
            buffer.shift();
            batch.push(next.item);
            weight += next.weight;
        }
        buffered -= weight;
        wakeReader();
        return batch;
    }
}
