import type { ChangeStamp, DateRange, Money } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';

export const ChangeStampRef = builder.objectRef<ChangeStamp>('ChangeStamp').implement({
    description: 'Who made a change on the ledger, for which club, when, in which transaction.',
    fields: (t) => ({
        by: t.exposeString('by', { description: 'The acting person (JWT subject), or the submitting certificate.' }),
        club: t.exposeString('club', { description: 'MSP ID of the submitting club.' }),
        at: t.expose('at', { type: 'DateTime' }),
        txId: t.exposeString('txId'),
    }),
});

export const MoneyRef = builder.objectRef<Money>('Money').implement({
    description: 'An amount in minor units (cents) and its ISO 4217 currency.',
    fields: (t) => ({
        amountMinor: t.exposeInt('amountMinor'),
        currency: t.exposeString('currency'),
    }),
});

export const DateRangeRef = builder.objectRef<DateRange>('DateRange').implement({
    description: 'Calendar dates, both ends inclusive.',
    fields: (t) => ({
        from: t.expose('from', { type: 'Date' }),
        until: t.expose('until', { type: 'Date' }),
    }),
});
