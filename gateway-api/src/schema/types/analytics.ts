import { builder } from '../builder.js';

/** Which side of its visits a club counts: those it hosted, or those its members made elsewhere. */
export const VisitSide = ['HOST', 'HOME'] as const;
export type VisitSide = (typeof VisitSide)[number];

export const VisitSideEnum = builder.enumType('VisitSide', {
    description: 'HOST: visits the club received. HOME: visits its members made at other clubs.',
    values: VisitSide,
});

export interface ClubMonthVisits {
    readonly side: VisitSide;
    /** `YYYY-MM`. */
    readonly month: string;
    readonly visits: number;
    readonly cancelledVisits: number;
    readonly visitingMembers: number;
    readonly guests: number;
}

export const ClubMonthVisitsRef = builder.objectRef<ClubMonthVisits>('ClubMonthVisits').implement({
    description: 'The caller’s club’s visits of one month, on one side; cancelled visits are counted apart.',
    fields: (t) => ({
        side: t.expose('side', { type: VisitSideEnum }),
        month: t.exposeString('month', { description: '`YYYY-MM`.' }),
        visits: t.exposeInt('visits'),
        cancelledVisits: t.exposeInt('cancelledVisits'),
        visitingMembers: t.exposeInt('visitingMembers', { description: 'Distinct members among the visits.' }),
        guests: t.exposeInt('guests'),
    }),
});

export interface PartnerUsage {
    readonly agreementId: string;
    readonly homeClub: string;
    readonly hostClub: string;
    /** `YYYY-MM`. */
    readonly month: string;
    readonly visits: number;
    readonly visitingMembers: number;
    readonly membersAtLimit: number;
    readonly monthlyLimit: number;
}

export const PartnerUsageRef = builder.objectRef<PartnerUsage>('PartnerUsage').implement({
    description: 'How much of an agreement one partner’s members used in one month, from the counters check-in enforces.',
    fields: (t) => ({
        agreementId: t.exposeString('agreementId'),
        homeClub: t.exposeString('homeClub'),
        hostClub: t.exposeString('hostClub'),
        month: t.exposeString('month', { description: '`YYYY-MM`.' }),
        visits: t.exposeInt('visits'),
        visitingMembers: t.exposeInt('visitingMembers'),
        membersAtLimit: t.exposeInt('membersAtLimit', { description: 'Members who reached the monthly limit.' }),
        monthlyLimit: t.exposeInt('monthlyLimit'),
    }),
});
