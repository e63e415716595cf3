import { builder } from '../builder.js';

/** Which way the money goes, seen from the caller's club. */
export const SettlementDirection = ['PAYABLE', 'RECEIVABLE'] as const;
export type SettlementDirection = (typeof SettlementDirection)[number];

export const SettlementDirectionEnum = builder.enumType('SettlementDirection', {
    description: 'PAYABLE: the caller’s club owes it, as its members’ home club. RECEIVABLE: it is owed to the caller’s club, as host.',
    values: SettlementDirection,
});

/** Fees one home club owes one host club for the visits of one month, in one currency. */
export interface SettlementLine {
    readonly homeClub: string;
    readonly hostClub: string;
    /** `YYYY-MM`, the month of the visits. */
    readonly month: string;
    readonly currency: string;
    readonly visits: number;
    /** A sum of fees in minor units, as a decimal string: it may exceed 32 bits. */
    readonly amountMinor: string;
    readonly counterpart: string;
    readonly direction: SettlementDirection;
}

export const SettlementLineRef = builder.objectRef<SettlementLine>('SettlementLine').implement({
    description: 'Fees owed between two clubs for the visits of one month in one currency; cancelled visits owe nothing.',
    fields: (t) => ({
        homeClub: t.exposeString('homeClub', { description: 'The club that owes: the visitors’ home club.' }),
        hostClub: t.exposeString('hostClub', { description: 'The club owed: the host.' }),
        month: t.exposeString('month', { description: '`YYYY-MM`.' }),
        currency: t.exposeString('currency'),
        visits: t.exposeInt('visits'),
        amountMinor: t.expose('amountMinor', { type: 'BigInt' }),
        counterpart: t.exposeString('counterpart', { description: 'The other club.' }),
        direction: t.expose('direction', { type: SettlementDirectionEnum }),
    }),
});
