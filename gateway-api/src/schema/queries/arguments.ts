import { CalendarDate } from '@reciprocal-clubs/chaincode/model';
import { z } from 'zod';
import { ApiError } from '../../errors.js';

/** A Fabric channel name: lower case letters, digits, dots and dashes, starting with a letter. */
export const ChannelName = z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a channel name such as atlantic');

/** A calendar month `YYYY-MM`. */
export const CalendarMonth = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'must be a month such as 2026-03');

/** How the month arguments of a range are described to clients. */
export const monthArgument = { description: '`YYYY-MM`, inclusive' } as const;

/** An argument as the schema requires it, or BAD_USER_INPUT naming the argument and what is wrong. */
export function parsedArgument<T>(schema: z.ZodType<T>, value: unknown, name: string): T {
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
        throw new ApiError('BAD_USER_INPUT', `${name}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
    }
    return parsed.data;
}

/** An optional argument: absent and null both mean "not given". */
export function optionalArgument<T>(schema: z.ZodType<T>, value: unknown, name: string): T | undefined {
    return value === undefined || value === null ? undefined : parsedArgument(schema, value, name);
}

export interface Range<T> {
    readonly from?: T;
    readonly until?: T;
}

/** Both ends inclusive, either open; the end must not come before the start. */
function orderedRange<T extends string>(schema: z.ZodType<T>, from: unknown, until: unknown, names: readonly [string, string]): Range<T> {
    const range = { from: optionalArgument(schema, from, names[0]), until: optionalArgument(schema, until, names[1]) };
    if (range.from !== undefined && range.until !== undefined && range.until < range.from) {
        throw new ApiError('BAD_USER_INPUT', `${names[1]} (${range.until}) must not come before ${names[0]} (${range.from})`);
    }
    return range;
}

export function dateRange(from: unknown, until: unknown): Range<string> {
    return orderedRange(CalendarDate, from, until, ['from', 'until']);
}

/** A month range, both ends given: the first days of the months, as the views' month columns hold them. */
export function monthRange(fromMonth: string, untilMonth: string): Required<Range<string>> {
    orderedRange(CalendarMonth, fromMonth, untilMonth, ['fromMonth', 'untilMonth']);
    return { from: `${fromMonth}-01`, until: `${untilMonth}-01` };
}
