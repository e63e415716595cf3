import { builder } from '../builder.js';
import { FacilityEnum, MembershipTypeEnum, PassRuleEnum, ProposalTypeEnum, WeekdayEnum } from '../types/enums.js';

// GraphQL shapes of the chaincode's inputs. Their rules live in the chaincode's zod schemas, which
// the mutations apply before submitting (one source of truth), so these only describe the shape.

export const ClubProfileInput = builder.inputType('ClubProfileInput', {
    fields: (t) => ({
        name: t.string({ required: true }),
        city: t.string({ required: true }),
        country: t.string({ required: true, description: 'ISO 3166-1 alpha-2.' }),
        timezone: t.string({ required: true, description: 'IANA time zone.' }),
        facilities: t.field({ type: [FacilityEnum], required: true }),
        passPublicKey: t.string({ required: true, description: 'SPKI PEM of the key that signs the club’s visit passes.' }),
    }),
});

export const ClubRegistrationInput = builder.inputType('ClubRegistrationInput', {
    fields: (t) => ({
        profile: t.field({ type: ClubProfileInput, required: true }),
        memberPrefix: t.string({ required: true, description: 'Three capital letters, unique on the channel.' }),
    }),
});

const AddressInput = builder.inputType('AddressInput', {
    fields: (t) => ({
        line1: t.string({ required: true }),
        line2: t.string(),
        city: t.string({ required: true }),
        postalCode: t.string({ required: true }),
        country: t.string({ required: true }),
    }),
});

const EmergencyContactInput = builder.inputType('EmergencyContactInput', {
    fields: (t) => ({ name: t.string({ required: true }), phone: t.string({ required: true }), relationship: t.string() }),
});

const NotificationPreferencesInput = builder.inputType('NotificationPreferencesInput', {
    fields: (t) => ({ email: t.boolean({ required: true }), sms: t.boolean({ required: true }), push: t.boolean({ required: true }) }),
});

export const PersonalDataInput = builder.inputType('PersonalDataInput', {
    description: 'Reaches the home club’s peer in the transient map only; never an argument on the ledger.',
    fields: (t) => ({
        givenName: t.string({ required: true }),
        familyName: t.string({ required: true }),
        dateOfBirth: t.field({ type: 'Date', required: true }),
        email: t.string({ required: true }),
        phone: t.string(),
        address: t.field({ type: AddressInput }),
        emergencyContact: t.field({ type: EmergencyContactInput }),
        notificationPreferences: t.field({ type: NotificationPreferencesInput }),
    }),
});

export const MemberEnrolmentInput = builder.inputType('MemberEnrolmentInput', {
    fields: (t) => ({
        membershipType: t.field({ type: MembershipTypeEnum, required: true }),
        validUntil: t.field({ type: 'Date', required: true }),
        personalData: t.field({ type: PersonalDataInput, required: true }),
    }),
});

const MoneyInput = builder.inputType('MoneyInput', {
    fields: (t) => ({
        amountMinor: t.int({ required: true, description: 'In minor units (cents).' }),
        currency: t.string({ required: true, description: 'ISO 4217.' }),
    }),
});

const BlackoutRangeInput = builder.inputType('BlackoutRangeInput', {
    fields: (t) => ({ from: t.field({ type: 'Date', required: true }), until: t.field({ type: 'Date', required: true }), reason: t.string() }),
});

export const AgreementTermsInput = builder.inputType('AgreementTermsInput', {
    fields: (t) => ({
        validFrom: t.field({ type: 'Date', required: true }),
        validUntil: t.field({ type: 'Date', required: true }),
        visitsPerMemberPerMonth: t.int({ required: true }),
        visitsPerMemberPerYear: t.int({ required: true }),
        nightsPerStay: t.int({ required: true }),
        guestsPerVisit: t.int({ required: true }),
        allowedWeekdays: t.field({ type: [WeekdayEnum], required: true }),
        blackoutDates: t.field({ type: [BlackoutRangeInput], required: true }),
        facilities: t.field({ type: [FacilityEnum], required: true }),
        eligibleMembershipTypes: t.field({ type: [MembershipTypeEnum], required: true }),
        letterOfIntroductionRequired: t.boolean({ required: true }),
        feePerVisit: t.field({ type: MoneyInput, required: true }),
    }),
});

const PassRulesInput = builder.inputType('PassRulesInput', {
    fields: (t) => ({
        ADMIT_CLUB: t.field({ type: PassRuleEnum, required: true }),
        SUSPEND_CLUB: t.field({ type: PassRuleEnum, required: true }),
        AMEND_RULES: t.field({ type: PassRuleEnum, required: true }),
        GENERAL: t.field({ type: PassRuleEnum, required: true }),
    }),
});

const ConsortiumRulesInput = builder.inputType('ConsortiumRulesInput', {
    fields: (t) => ({
        quorumPercent: t.int({ required: true }),
        passRules: t.field({ type: PassRulesInput, required: true }),
        minVotingHours: t.int({ required: true }),
        maxVotingHours: t.int({ required: true }),
        admissionRequired: t.boolean({ required: true }),
    }),
});

export const ProposalInput = builder.inputType('ProposalInput', {
    fields: (t) => ({
        type: t.field({ type: ProposalTypeEnum, required: true }),
        title: t.string({ required: true }),
        description: t.string({ required: true }),
        votingDeadline: t.field({ type: 'DateTime', required: true }),
        targetClub: t.string({ description: 'For ADMIT_CLUB and SUSPEND_CLUB.' }),
        rules: t.field({ type: ConsortiumRulesInput, description: 'For AMEND_RULES.' }),
    }),
});

export const CheckInInput = builder.inputType('CheckInInput', {
    fields: (t) => ({
        facility: t.field({ type: FacilityEnum, required: true }),
        guests: t.int({ required: true }),
        nights: t.int({ required: true }),
        introductionId: t.string(),
        clientRequestId: t.string({
            description:
                'An idempotency key the client chooses (1 to 64 of A–Z, a–z, 0–9, - and _), unique per check-in at the caller’s club: a retry with the same one never records a second visit, and answers the recorded one with `replayed: true`.',
        }),
    }),
});
