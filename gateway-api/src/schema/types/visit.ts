import type { Visit, VisitUsage } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef, MoneyRef } from './common.js';
import { FacilityEnum, VisitClosureEnum, VisitStatusEnum } from './enums.js';

export const VisitRef = builder.objectRef<Visit>('Visit').implement({
    description: 'A member of one club visiting another under their agreement.',
    fields: (t) => ({
        visitId: t.exposeString('visitId'),
        memberNumber: t.exposeString('memberNumber'),
        homeClub: t.exposeString('homeClub'),
        hostClub: t.exposeString('hostClub'),
        agreementId: t.exposeString('agreementId'),
        agreementVersion: t.exposeInt('agreementVersion', { description: 'The agreement version whose terms admitted the visit.' }),
        visitDate: t.expose('visitDate', { type: 'Date', description: 'The check-in date (UTC).' }),
        facility: t.expose('facility', { type: FacilityEnum }),
        guests: t.exposeInt('guests'),
        nights: t.exposeInt('nights'),
        introductionId: t.exposeString('introductionId', { nullable: true }),
        fee: t.expose('fee', { type: MoneyRef, description: 'Owed by the home club to the host club; zero once cancelled.' }),
        status: t.expose('status', { type: VisitStatusEnum }),
        closure: t.expose('closure', { type: VisitClosureEnum, nullable: true }),
        checkedIn: t.expose('checkedIn', { type: ChangeStampRef }),
        closed: t.expose('closed', { type: ChangeStampRef, nullable: true }),
    }),
});

export const VisitUsageRef = builder.objectRef<VisitUsage>('VisitUsage').implement({
    description: 'A member’s visits under one agreement in one period: the counters check-in enforces the limits with.',
    fields: (t) => ({
        agreementId: t.exposeString('agreementId'),
        memberNumber: t.exposeString('memberNumber'),
        period: t.exposeString('period', { description: '`2026-11` for a month, `2026` for a year.' }),
        visits: t.exposeInt('visits'),
    }),
});
