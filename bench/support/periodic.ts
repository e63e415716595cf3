/** Runs `task` every `intervalMs`, never two at once (a slow run delays the next), until stopped. */
export class Periodic {
    readonly #task: () => Promise<void>;
    readonly #intervalMs: number;
    #timer: NodeJS.Timeout | undefined;
    #running: Promise<void> = Promise.resolve();
    #stopped = true;

    constructor(task: () => Promise<void>, intervalMs: number) {
        this.#task = task;
        this.#intervalMs = intervalMs;
    }

    start(): void {
        this.#stopped = false;
        const tick = () => {
            const started = performance.now();
            this.#running = this.#task().then(() => {
                if (!this.#stopped) this.#timer = setTimeout(tick, Math.max(0, this.#intervalMs - (performance.now() - started)));
            });
        };
        tick();
    }

    /** Resolves once the run in progress, if any, has finished. */
    async stop(): Promise<void> {
        this.#stopped = true;
        clearTimeout(this.#timer);
        await this.#running;
    }
}
