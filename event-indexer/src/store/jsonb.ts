/** An escaped NUL in JSON text: `\u0000` after an even run of backslashes (each pair one escaped backslash). */
const ESCAPED_NUL = /(?<!\\)((?:\\\\)*)\\u0000/g;

/**
 * A value as a jsonb query parameter. Ledger strings may carry NUL, which PostgreSQL text and jsonb
 * cannot hold: it becomes U+FFFD rather than making the change impossible to index.
 */
export function jsonbParameter(value: unknown): string {
    return withoutNul(JSON.stringify(value));
}

/** JSON text with every escaped NUL made U+FFFD: the text stays valid for jsonb, which refuses NUL. */
export function withoutNul(json: string): string {
    return json.includes('\\u0000') ? json.replace(ESCAPED_NUL, '$1\\ufffd') : json;
}
