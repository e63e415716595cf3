import type { PersonalData } from '@reciprocal-clubs/chaincode/model';
import { builder } from '../builder.js';

type Address = NonNullable<PersonalData['address']>;
type EmergencyContact = NonNullable<PersonalData['emergencyContact']>;
type NotificationPreferences = NonNullable<PersonalData['notificationPreferences']>;

const AddressRef = builder.objectRef<Address>('Address').implement({
    fields: (t) => ({
        line1: t.exposeString('line1'),
        line2: t.exposeString('line2', { nullable: true }),
        city: t.exposeString('city'),
        postalCode: t.exposeString('postalCode'),
        country: t.exposeString('country'),
    }),
});

const EmergencyContactRef = builder.objectRef<EmergencyContact>('EmergencyContact').implement({
    fields: (t) => ({
        name: t.exposeString('name'),
        phone: t.exposeString('phone'),
        relationship: t.exposeString('relationship', { nullable: true }),
    }),
});

const NotificationPreferencesRef = builder.objectRef<NotificationPreferences>('NotificationPreferences').implement({
    fields: (t) => ({
        email: t.exposeBoolean('email'),
        sms: t.exposeBoolean('sms'),
        push: t.exposeBoolean('push'),
    }),
});

export const PersonalDataRef = builder.objectRef<PersonalData>('PersonalData').implement({
    description: 'A member’s personal record, sealed in the home club’s private collection and opened by its API: its own staff and admins only.',
    fields: (t) => ({
        givenName: t.exposeString('givenName'),
        familyName: t.exposeString('familyName'),
        dateOfBirth: t.expose('dateOfBirth', { type: 'Date' }),
        email: t.exposeString('email'),
        phone: t.exposeString('phone', { nullable: true }),
        address: t.expose('address', { type: AddressRef, nullable: true }),
        emergencyContact: t.expose('emergencyContact', { type: EmergencyContactRef, nullable: true }),
        notificationPreferences: t.expose('notificationPreferences', { type: NotificationPreferencesRef, nullable: true }),
    }),
});
