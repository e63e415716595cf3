/** One line of the results table: a figure, the figure it is measured against, and the bar. */
export interface Figure {
    readonly figure: string;
    readonly measured: string;
    readonly comparedWith?: string;
    readonly ratio?: string;
    readonly bar?: string;
    /** Absent when the figure has no bar. */
    readonly meetsBar?: boolean;
}

/** Rows of like facts (per process, per metric), printed as a table after the notes. */
export interface ReportTable {
    readonly title: string;
    readonly rows: readonly Readonly<Record<string, string>>[];
}

/** What one benchmark found: its figures, and how they were measured. */
export interface BenchReport {
    readonly benchmark: string;
    readonly figures: readonly Figure[];
    readonly notes: readonly string[];
    readonly tables?: readonly ReportTable[];
}

/** Writes progress to stderr, so stdout holds only the results. */
export function progress(benchmark: string, message: string): void {
    process.stderr.write(`[${benchmark}] ${message}\n`);
}
