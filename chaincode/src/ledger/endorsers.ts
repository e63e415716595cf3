/**
 * Clubs whose endorsements satisfy an "owners AND a majority" key-level policy: every owner, then other
 * clubs in MSP ID order until a majority of the channel's clubs is reached. The gateway names them, since
 * discovery cannot plan key-level policies.
 */
export function endorsersSatisfying(owners: readonly string[], channelClubs: readonly string[]): string[] {
    const clubs = [...new Set(channelClubs)].sort();
    const majority = Math.floor(clubs.length / 2) + 1;
    const endorsers = new Set(owners);
    const counted = () => [...endorsers].filter((endorser) => clubs.includes(endorser)).length;
    for (const club of clubs) {
        if (counted() >= majority) {
            break;
        }
        endorsers.add(club);
    }
    return [...endorsers].sort();
}
