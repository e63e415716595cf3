/**
 * A value as a jsonb query parameter. Ledger strings may carry NUL, which PostgreSQL text and jsonb
 * cannot hold: it becomes U+FFFD rather than making the change impossible to index.
 */
export function jsonbParameter(value: unknown): string {
    return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'string' ? member.replaceAll('\u0000', '\uFFFD') : member));
}
