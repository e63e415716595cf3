import type { RecordContext } from '../context';
import { Keys } from '../ledger/keys';
import { type ConsortiumRules, defaultConsortiumRules } from '../model/governance';

/** The channel's consortium rules: the stored ones once amended, the defaults before. */
export async function currentRules(ctx: RecordContext): Promise<ConsortiumRules> {
    return (await ctx.state.get<ConsortiumRules>(Keys.rules())) ?? defaultConsortiumRules;
}
