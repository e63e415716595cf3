import type { MemberBar } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef, DateRangeRef } from './common.js';

export const BarRef = builder.objectRef<MemberBar>('Bar').implement({
    description: 'A host club’s bar on one member of another club, within a date window.',
    fields: (t) => ({
        hostClub: t.exposeString('hostClub'),
        memberNumber: t.exposeString('memberNumber'),
        homeClub: t.exposeString('homeClub'),
        reason: t.exposeString('reason'),
        window: t.expose('window', { type: DateRangeRef }),
        lifted: t.exposeBoolean('lifted'),
        created: t.expose('created', { type: ChangeStampRef }),
        updated: t.expose('updated', { type: ChangeStampRef }),
    }),
});
