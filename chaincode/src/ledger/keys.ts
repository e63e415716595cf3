/** A composite key before the stub encodes it: object type and attributes. */
export interface CompositeKey {
    readonly objectType: string;
    readonly attributes: readonly string[];
}

const key = (objectType: string, ...attributes: string[]): CompositeKey => ({ objectType, attributes });

/** Every key the chaincode writes. Indexes hold pointers so listing costs what it returns. */
export const Keys = {
    club: (mspId: string) => key('club', mspId),
    allClubs: () => key('club'),
    memberPrefix: (prefix: string) => key('memberPrefix', prefix),
    memberSequence: (mspId: string) => key('memberSequence', mspId),
    member: (homeClub: string, memberNumber: string) => key('member', homeClub, memberNumber),
    membersOf: (homeClub: string) => key('member', homeClub),
    agreement: (agreementId: string) => key('agreement', agreementId),
    agreementsOf: (mspId: string) => key('agreementByClub', mspId),
    agreementOfClub: (mspId: string, agreementId: string) => key('agreementByClub', mspId, agreementId),
    /** The one current (not final) agreement of a pair of clubs, whichever proposed it. */
    agreementOfPair: (clubA: string, clubB: string) => key('agreementByPair', ...[clubA, clubB].sort()),
    bar: (hostClub: string, memberNumber: string) => key('bar', hostClub, memberNumber),
    barsAt: (hostClub: string) => key('bar', hostClub),
    introduction: (introductionId: string) => key('introduction', introductionId),
    introductionAtHost: (hostClub: string, introductionId: string) => key('introductionByHost', hostClub, introductionId),
    introductionsAtHost: (hostClub: string) => key('introductionByHost', hostClub),
    introductionOfMember: (memberNumber: string, introductionId: string) =>
        key('introductionByMember', memberNumber, introductionId),
    introductionsOfMember: (memberNumber: string) => key('introductionByMember', memberNumber),
    visit: (visitId: string) => key('visit', visitId),
    visitOfMember: (memberNumber: string, visitId: string) => key('visitByMember', memberNumber, visitId),
    visitsOfMember: (memberNumber: string) => key('visitByMember', memberNumber),
    openVisit: (memberNumber: string) => key('openVisit', memberNumber),
    /** A host's check-in request IDs: scoped by host, as each host's clients choose their own. */
    checkInRequest: (hostClub: string, requestId: string) => key('checkInRequest', hostClub, requestId),
    usage: (agreementId: string, memberNumber: string, period: string) => key('usage', agreementId, memberNumber, period),
    rules: () => key('rules'),
    admission: (mspId: string) => key('admission', mspId),
    proposal: (proposalId: string) => key('proposal', proposalId),
    openProposal: (proposalId: string) => key('openProposal', proposalId),
    openProposals: () => key('openProposal'),
    vote: (proposalId: string, mspId: string) => key('vote', proposalId, mspId),
    votesOn: (proposalId: string) => key('vote', proposalId),
} as const;

/** The implicit private data collection of a club: only its own peers hold the data. */
export function implicitCollectionOf(mspId: string): string {
    return `_implicit_org_${mspId}`;
}
