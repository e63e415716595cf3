/** `concurrency` workers through the items, each taking the next one when its previous one is done. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
        for (let index = next++; index < items.length; index = next++) {
            await work(items[index] as T);
        }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
