import type { Introduction } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef, DateRangeRef } from './common.js';
import { IntroductionStatusEnum } from './enums.js';

export const IntroductionRef = builder.objectRef<Introduction>('Introduction').implement({
    description: 'A letter of introduction from a member’s home club to a host club, for a stay.',
    fields: (t) => ({
        introductionId: t.exposeString('introductionId'),
        memberNumber: t.exposeString('memberNumber'),
        homeClub: t.exposeString('homeClub'),
        hostClub: t.exposeString('hostClub'),
        stay: t.expose('stay', { type: DateRangeRef }),
        note: t.exposeString('note', { nullable: true }),
        status: t.expose('status', { type: IntroductionStatusEnum }),
        visitId: t.exposeString('visitId', { nullable: true, description: 'The visit that used it, once used.' }),
        created: t.expose('created', { type: ChangeStampRef }),
        updated: t.expose('updated', { type: ChangeStampRef }),
    }),
});
