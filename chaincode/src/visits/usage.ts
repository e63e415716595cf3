import type { RecordContext } from '../context';
import { type CompositeKey, Keys } from '../ledger/keys';
import type { EntityChange } from '../model/events';
import type { VisitUsage } from '../model/visit';

/** A member's visits under one agreement in the month and in the year of a visit date. */
export interface UsageCounters {
    readonly month: VisitUsage;
    readonly year: VisitUsage;
}

/** Reads the two counters a visit on `visitDate` counts against: two reads, whatever the visit history. */
export async function readUsage(ctx: RecordContext, agreementId: string, memberNumber: string, visitDate: string): Promise<UsageCounters> {
    const counter = async (period: string): Promise<VisitUsage> =>
        (await ctx.state.get<VisitUsage>(Keys.usage(agreementId, memberNumber, period))) ?? {
            agreementId,
            memberNumber,
            period,
            visits: 0,
        };
    return { month: await counter(visitDate.slice(0, 7)), year: await counter(visitDate.slice(0, 4)) };
}

/** The counters with one visit added (+1) or given back (−1). */
export function countVisit(usage: UsageCounters, change: 1 | -1): UsageCounters {
    return {
        month: { ...usage.month, visits: usage.month.visits + change },
        year: { ...usage.year, visits: usage.year.visits + change },
    };
}

/**
 * Writes both counters and returns their keys, which must carry the key-level policy of both parties
 * of the agreement, so neither the home club can reset them nor the host inflate them.
 */
export async function saveUsage(ctx: RecordContext, usage: UsageCounters): Promise<CompositeKey[]> {
    const keys: CompositeKey[] = [];
    for (const counter of [usage.month, usage.year]) {
        const key = Keys.usage(counter.agreementId, counter.memberNumber, counter.period);
        await ctx.state.put(key, counter);
        keys.push(key);
    }
    return keys;
}

export function usageChanges(usage: UsageCounters): EntityChange[] {
    return [
        { kind: 'usage', value: usage.month },
        { kind: 'usage', value: usage.year },
    ];
}
