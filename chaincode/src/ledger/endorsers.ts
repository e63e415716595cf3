/** Who must endorse changes of a key that `owners` own: every owner and enough other clubs for a majority. */
export interface OwnersAndMajority {
    /** Every club of the channel, the owners included, in MSP ID order. */
    readonly clubs: readonly string[];
    readonly owners: readonly string[];
    /** The clubs that own nothing here, in MSP ID order, of which `othersNeeded` must endorse as well. */
    readonly others: readonly string[];
    readonly othersNeeded: number;
}

/**
 * Fabric counts each endorsement once across a whole policy: an owner's endorsement cannot count again towards
 * the majority, so the majority is completed from the other clubs.
 */
export function ownersAndMajority(owners: readonly string[], channelClubs: readonly string[]): OwnersAndMajority {
    const clubs = [...new Set([...channelClubs, ...owners])].sort();
    const distinctOwners = [...new Set(owners)].sort();
    const majority = Math.floor(clubs.length / 2) + 1;
    return {
        clubs,
        owners: distinctOwners,
        others: clubs.filter((club) => !distinctOwners.includes(club)),
        othersNeeded: Math.max(0, majority - distinctOwners.length),
    };
}

/**
 * Clubs whose endorsements satisfy the owners-and-majority key-level policy: every owner, then other clubs in
 * MSP ID order as many as the policy needs. The gateway names them, since discovery cannot plan key-level policies.
 */
export function endorsersSatisfying(owners: readonly string[], channelClubs: readonly string[]): string[] {
    const { owners: required, others, othersNeeded } = ownersAndMajority(owners, channelClubs);
    return [...required, ...others.slice(0, othersNeeded)].sort();
}
