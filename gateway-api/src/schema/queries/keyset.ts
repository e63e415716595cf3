import { type DefaultConnectionArguments, resolveCursorConnection } from '@pothos/plugin-relay';
import { CalendarDate } from '@reciprocal-clubs/chaincode/model';
import type pg from 'pg';
import { z } from 'zod';
import { ApiError } from '../../errors.js';
import type { ReadModel } from '../../read-model.js';

export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

/** The conditions of a WHERE clause and the values they bind, numbered in the order they are bound. */
export class SqlConditions {
    readonly #conditions: string[] = [];
    readonly #values: unknown[] = [];

    /** Binds a value and returns its placeholder. */
    param(value: unknown): string {
        this.#values.push(value);
        return `$${this.#values.length}`;
    }

    add(condition: string): this {
        this.#conditions.push(condition);
        return this;
    }

    get text(): string {
        return this.#conditions.length === 0 ? 'TRUE' : this.#conditions.join(' AND ');
    }

    get values(): readonly unknown[] {
        return this.#values;
    }
}

/** How a sort column's values read in a cursor, and the SQL type they are compared as. */
const sortValues = {
    text: z.string().max(1000),
    date: CalendarDate,
    timestamptz: z.iso.datetime({ offset: true }),
} as const;

export interface SortKey<Node> {
    /** A column (or expression) of the listing's FROM clause. */
    readonly column: string;
    readonly type: keyof typeof sortValues;
    /** The node's value of the column, as the cursor keeps it. */
    readonly of: (node: Node) => string;
}

/** One list the API pages through: its rows, filtered, in a stable total order (the last key is unique). */
export interface Listing<Row extends pg.QueryResultRow, Node> {
    /** Names the list inside its cursors, so a cursor of one list is refused by another. */
    readonly name: string;
    /** SQL from the schema's own constants, never from input: inputs are bound through `where.param`. */
    readonly select: string;
    readonly from: string;
    readonly where: SqlConditions;
    readonly orderBy: readonly [SortKey<Node>, ...SortKey<Node>[]];
    readonly toNode: (row: Row) => Node;
}

/** A listing of the chaincode entities a table keeps in its `data` column. */
export function entityListing<Node>(
    name: string,
    from: string,
    where: SqlConditions,
    orderBy: Listing<{ data: Node }, Node>['orderBy'],
): Listing<{ data: Node }, Node> {
    return { name, select: 'data', from, where, orderBy, toNode: (row) => row.data };
}

/**
 * A relay connection over a listing in the caller's club read model, by keyset pagination: the cursor holds
 * the sort key of an edge, and a page starts strictly after (or before) it, so pages never skip or repeat
 * rows and cost the same however deep they go.
 */
export async function keysetConnection<Row extends pg.QueryResultRow, Node>(
    readModel: ReadModel,
    club: string,
    args: DefaultConnectionArguments,
    listing: Listing<Row, Node>,
) {
    requirePageSize(args);
    return resolveCursorConnection<Promise<readonly Node[]>>(
        {
            args,
            defaultSize: DEFAULT_PAGE_SIZE,
            maxSize: MAX_PAGE_SIZE,
            toCursor: (node: Node) => encodeCursor(listing.name, listing.orderBy.map((key) => key.of(node))),
        },
        async ({ after, before, limit, inverted }): Promise<readonly Node[]> => {
            const { where, orderBy } = listing;
            const columns = `(${orderBy.map((key) => key.column).join(', ')})`;
            const bound = (values: readonly string[]) =>
                `(${orderBy.map((key, index) => `${where.param(values[index])}::${key.type}`).join(', ')})`;
            if (after !== undefined) {
                where.add(`${columns} > ${bound(decodeCursor(after, 'after', listing))}`);
            }
            if (before !== undefined) {
                where.add(`${columns} < ${bound(decodeCursor(before, 'before', listing))}`);
            }
            const direction = inverted ? 'DESC' : 'ASC';
            const rows = await readModel.query<Row>(
                club,
                `SELECT ${listing.select} FROM ${listing.from} WHERE ${where.text}
                 ORDER BY ${orderBy.map((key) => `${key.column} ${direction}`).join(', ')}
                 LIMIT ${where.param(limit)}`,
                where.values,
            );
            return rows.map(listing.toNode);
        },
    );
}

function requirePageSize(args: DefaultConnectionArguments): void {
    for (const name of ['first', 'last'] as const) {
        const size = args[name];
        if (size !== undefined && size !== null && (size < 0 || size > MAX_PAGE_SIZE)) {
            throw new ApiError('BAD_USER_INPUT', `${name} must be between 0 and ${MAX_PAGE_SIZE}`);
        }
    }
}

function encodeCursor(list: string, values: readonly string[]): string {
    return Buffer.from(JSON.stringify([list, ...values])).toString('base64url');
}

const CursorContent = z.array(z.string());

/** The strings a cursor holds, or undefined when it is anything else. */
function cursorContent(cursor: string): string[] | undefined {
    try {
        const parsed = CursorContent.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
        return parsed.success ? parsed.data : undefined;
    } catch {
        return undefined;
    }
}

interface CursorLayout {
    readonly name: string;
    readonly orderBy: readonly Pick<SortKey<never>, 'type'>[];
}

function decodeCursor(cursor: string, argument: string, listing: CursorLayout): string[] {
    const [list, ...values] = cursorContent(cursor) ?? [];
    const valid =
        list === listing.name &&
        values.length === listing.orderBy.length &&
        listing.orderBy.every((key, index) => sortValues[key.type].safeParse(values[index]).success);
    if (!valid) {
        throw new ApiError('BAD_USER_INPUT', `${argument}: not a cursor of ${listing.name}`);
    }
    return values;
}
