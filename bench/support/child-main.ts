/**
 * The main of a benchmark's child process (started with forkTypeScript): runs `work` on the job the parent passed as
 * JSON in the first argument and sends the parent its result, or logs the failure and exits with 1.
 */
export function serveParent<Job, Result>(role: string, work: (job: Job) => Promise<Result>): void {
    if (!process.connected) {
        throw new Error(`${role} runs as a child of a benchmark (forkTypeScript), which it reports to`);
    }
    const job = JSON.parse(process.argv[2] ?? '{}') as Job;
    work(job).then(
        (result) => {
            process.send?.(result);
            process.disconnect();
        },
        (error: unknown) => {
            console.error(error);
            process.exitCode = 1;
            process.disconnect();
        },
    );
}
