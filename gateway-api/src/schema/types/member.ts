import type { Member } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef } from './common.js';
import { MemberStatusEnum, MembershipTypeEnum } from './enums.js';

export const MemberRef = builder.objectRef<Member>('Member').implement({
    description: 'The public member record every club on the channel holds: no personal data.',
    fields: (t) => ({
        memberNumber: t.exposeString('memberNumber'),
        homeClub: t.exposeString('homeClub'),
        membershipType: t.expose('membershipType', { type: MembershipTypeEnum }),
        status: t.expose('status', { type: MemberStatusEnum }),
        validUntil: t.expose('validUntil', { type: 'Date' }),
        personalDataHash: t.exposeString('personalDataHash', {
            nullable: true,
            description: 'SHA-256 (hex) of the sealed personal record, once recorded.',
        }),
        enrolled: t.expose('enrolled', { type: ChangeStampRef }),
        updated: t.expose('updated', { type: ChangeStampRef }),
    }),
});
