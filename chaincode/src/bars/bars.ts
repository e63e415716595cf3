import type { RecordContext } from '../context';
import { Keys } from '../ledger/keys';
import type { MemberBar } from '../model/bar';

/** The host's bar on a member that covers `date`, if one is in force. */
export async function barInForce(ctx: RecordContext, hostClub: string, memberNumber: string, date: string): Promise<MemberBar | undefined> {
    const bar = await ctx.state.get<MemberBar>(Keys.bar(hostClub, memberNumber));
    return bar !== undefined && !bar.lifted && bar.window.from <= date && date <= bar.window.until ? bar : undefined;
}

export async function requireBar(ctx: RecordContext, hostClub: string, memberNumber: string): Promise<MemberBar> {
    return ctx.state.require<MemberBar>(Keys.bar(hostClub, memberNumber), `bar of ${hostClub} on member ${memberNumber}`);
}

/** Every bar a host club has set, lifted ones included, in member-number order. */
export async function barsAtHost(ctx: RecordContext, hostClub: string): Promise<MemberBar[]> {
    return ctx.state.list<MemberBar>(Keys.barsAt(hostClub));
}
