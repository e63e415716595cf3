import type { RecordContext } from '../context';
import { type CompositeKey, Keys } from '../ledger/keys';
import type { Introduction } from '../model/introduction';

export async function requireIntroduction(ctx: RecordContext, introductionId: string): Promise<Introduction> {
    return ctx.state.require<Introduction>(Keys.introduction(introductionId), `introduction ${introductionId}`);
}

export function stayCovers(introduction: Introduction, date: string): boolean {
    return introduction.stay.from <= date && date <= introduction.stay.until;
}

/**
 * The introduction named at check-in when it admits this member at this host on `date`:
 * ISSUED (not merely requested, not used, not cancelled) and its stay covers the date.
 */
export async function usableIntroduction(
    ctx: RecordContext,
    introductionId: string,
    memberNumber: string,
    hostClub: string,
    date: string,
): Promise<Introduction | undefined> {
    const introduction = await ctx.state.get<Introduction>(Keys.introduction(introductionId));
    const usable =
        introduction?.status === 'ISSUED' &&
        introduction.memberNumber === memberNumber &&
        introduction.hostClub === hostClub &&
        stayCovers(introduction, date);
    return usable ? introduction : undefined;
}

export async function saveIntroduction(ctx: RecordContext, introduction: Introduction): Promise<void> {
    await ctx.state.put(Keys.introduction(introduction.introductionId), introduction);
}

/** The introductions a pointer index lists (its values are introduction IDs), in index order. */
export async function introductionsIndexedUnder(ctx: RecordContext, index: CompositeKey): Promise<Introduction[]> {
    const introductions: Introduction[] = [];
    for (const introductionId of await ctx.state.list<string>(index)) {
        introductions.push(await requireIntroduction(ctx, introductionId));
    }
    return introductions;
}
