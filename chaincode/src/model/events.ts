import type { Agreement } from './agreement';
import type { MemberBar } from './bar';
import type { Club } from './club';
import type { ConsortiumRules, Proposal, Vote } from './governance';
import type { Introduction } from './introduction';
import type { Member } from './member';
import type { Visit, VisitUsage } from './visit';

export const EventName = {
    ClubRegistered: 'ClubRegistered',
    ClubUpdated: 'ClubUpdated',
    ClubStatusChanged: 'ClubStatusChanged',
    MemberEnrolled: 'MemberEnrolled',
    MemberUpdated: 'MemberUpdated',
    MemberStatusChanged: 'MemberStatusChanged',
    PersonalDataRecorded: 'PersonalDataRecorded',
    PersonalDataErased: 'PersonalDataErased',
    AgreementProposed: 'AgreementProposed',
    AgreementAccepted: 'AgreementAccepted',
    AgreementRejected: 'AgreementRejected',
    AgreementStatusChanged: 'AgreementStatusChanged',
    AgreementAmendmentProposed: 'AgreementAmendmentProposed',
    AgreementAmended: 'AgreementAmended',
    AgreementAmendmentRejected: 'AgreementAmendmentRejected',
    MemberBarred: 'MemberBarred',
    MemberBarLifted: 'MemberBarLifted',
    IntroductionRequested: 'IntroductionRequested',
    IntroductionIssued: 'IntroductionIssued',
    IntroductionCancelled: 'IntroductionCancelled',
    VisitCheckedIn: 'VisitCheckedIn',
    VisitCheckedOut: 'VisitCheckedOut',
    VisitCancelled: 'VisitCancelled',
    ProposalOpened: 'ProposalOpened',
    VoteCast: 'VoteCast',
    ProposalClosed: 'ProposalClosed',
} as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

/** One entity as it stands after the transaction: the facts an indexer projects. */
export type EntityChange =
    | { readonly kind: 'club'; readonly value: Club }
    | { readonly kind: 'member'; readonly value: Member }
    | { readonly kind: 'agreement'; readonly value: Agreement }
    | { readonly kind: 'bar'; readonly value: MemberBar }
    | { readonly kind: 'introduction'; readonly value: Introduction }
    | { readonly kind: 'visit'; readonly value: Visit }
    | { readonly kind: 'usage'; readonly value: VisitUsage }
    | { readonly kind: 'proposal'; readonly value: Proposal }
    | { readonly kind: 'vote'; readonly value: Vote }
    | { readonly kind: 'rules'; readonly value: ConsortiumRules };

export type EntityKind = EntityChange['kind'];

/**
 * The single chaincode event of a transaction (Fabric delivers only the last one set).
 * It carries every fact of the change and never personal data.
 */
export interface LedgerEvent {
    readonly name: EventName;
    readonly txId: string;
    readonly timestamp: string;
    /** The acting person named by the API (JWT subject), or the submitter's certificate ID. */
    readonly actor: string;
    /** MSP ID of the submitting club. */
    readonly submitter: string;
    /** The clubs this change concerns: each is notified. */
    readonly parties: readonly string[];
    readonly changes: readonly EntityChange[];
}
