import type { Club } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';
import { ChangeStampRef } from './common.js';
import { ClubStatusEnum, FacilityEnum } from './enums.js';

export const ClubRef = builder.objectRef<Club>('Club').implement({
    description: 'A club on the channel, as it registered itself.',
    fields: (t) => ({
        mspId: t.exposeString('mspId'),
        name: t.exposeString('name'),
        city: t.exposeString('city'),
        country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2.' }),
        timezone: t.exposeString('timezone', { description: 'IANA time zone.' }),
        facilities: t.expose('facilities', { type: [FacilityEnum] }),
        memberPrefix: t.exposeString('memberPrefix', { description: 'Prefix of its member numbers.' }),
        passPublicKey: t.exposeString('passPublicKey', { description: 'SPKI PEM of the key that signs its members’ visit passes.' }),
        status: t.expose('status', { type: ClubStatusEnum }),
        registered: t.expose('registered', { type: ChangeStampRef }),
        updated: t.expose('updated', { type: ChangeStampRef }),
    }),
});
