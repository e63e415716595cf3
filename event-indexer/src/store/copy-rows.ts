import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** A column value as COPY's text format takes it: null is `\N`, everything else its text. */
export type CopyValue = string | number | boolean | bigint | null;

/** The characters COPY's text format gives a meaning of their own: escaped with a backslash. */
const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPED: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function copyField(value: CopyValue): string {
    if (value === null) {
        return '\\N';
    }
    const text = String(value);
    return SPECIAL.test(text) ? text.replace(SPECIAL_ALL, (character) => ESCAPED[character] ?? character) : text;
}

/** One row as a line of COPY's text format. */
export function copyLine(values: readonly CopyValue[]): string {
    return `${values.map(copyField).join('\t')}\n`;
}

/**
 * Streams rows into a table with COPY FROM STDIN, inside the caller's database transaction: PostgreSQL takes
 * each value as text, so a JSON column's value is stored as sent, not parsed into a document first.
 */
export async function copyRows(client: pg.ClientBase, table: string, columns: readonly string[], lines: readonly string[]): Promise<void> {
    const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
    await pipeline(Readable.from([lines.join('')]), stream);
}
