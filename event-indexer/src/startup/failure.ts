/** How a process names the error it ends on, in its one log line: a stable code and a readable reason. */
export interface Failure {
    /** The error's own `code` (INVALID_CONFIGURATION, POSTGRES_UNREACHABLE, CREDENTIALS_UNREADABLE, ENOENT, …), else UNEXPECTED. */
    readonly code: string;
    readonly reason: string;
}

/** Node gives a refused connection to `localhost` (tried on ::1 and 127.0.0.1) as an AggregateError with no message. */
function messageOf(error: unknown): string {
    if (!(error instanceof Error)) {
        return String(error);
    }
    if (error.message !== '') {
        return error.message;
    }
    const code = 'code' in error ? error.code : undefined;
    return typeof code === 'string' ? code : error.name;
}

/** The error's message followed by those of its causes, each once: "PostgreSQL did not answer within 30 s: connect ECONNREFUSED …". */
export function reasonOf(error: unknown): string {
    let reason = messageOf(error);
    for (let cause = error instanceof Error ? error.cause : undefined; cause !== undefined; cause = cause instanceof Error ? cause.cause : undefined) {
        const message = messageOf(cause);
        if (!reason.includes(message)) {
            reason = `${reason}: ${message}`;
        }
    }
    return reason;
}

export function failureOf(error: unknown): Failure {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'UNEXPECTED';
    return { code, reason: reasonOf(error) };
}
