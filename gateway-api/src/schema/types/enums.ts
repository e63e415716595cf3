import {
    AgreementStatus,
    ClubStatus,
    Facility,
    IntroductionStatus,
    MemberStatus,
    MembershipType,
    PassRule,
    ProposalStatus,
    ProposalType,
    VisitClosure,
    VisitStatus,
    VoteChoice,
    Weekday,
} from '@reciprocal-clubs/chaincode/model';
import { ApiRole } from '../../caller.js';
import { builder } from '../builder.js';

// The chaincode's own vocabularies: a value it adds reaches the schema without a change here.

export const ApiRoleEnum = builder.enumType('Role', { values: ApiRole.options });
export const ClubStatusEnum = builder.enumType('ClubStatus', { values: ClubStatus.options });
export const FacilityEnum = builder.enumType('Facility', { values: Facility.options });
export const MembershipTypeEnum = builder.enumType('MembershipType', { values: MembershipType.options });
export const MemberStatusEnum = builder.enumType('MemberStatus', { values: MemberStatus.options });
export const WeekdayEnum = builder.enumType('Weekday', { values: Weekday.options });
export const AgreementStatusEnum = builder.enumType('AgreementStatus', { values: AgreementStatus.options });
export const IntroductionStatusEnum = builder.enumType('IntroductionStatus', { values: IntroductionStatus.options });
export const VisitStatusEnum = builder.enumType('VisitStatus', { values: VisitStatus.options });
export const VisitClosureEnum = builder.enumType('VisitClosure', { values: VisitClosure.options });
export const ProposalTypeEnum = builder.enumType('ProposalType', { values: ProposalType.options });
export const ProposalStatusEnum = builder.enumType('ProposalStatus', { values: ProposalStatus.options });
export const PassRuleEnum = builder.enumType('PassRule', { values: PassRule.options });
export const VoteChoiceEnum = builder.enumType('VoteChoice', { values: VoteChoice.options });
