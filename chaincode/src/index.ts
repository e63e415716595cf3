import { AgreementContract } from './agreements/agreement-contract';
import { AuditContract } from './audit/audit-contract';
import { BarContract } from './bars/bar-contract';
import { ClubContract } from './clubs/club-contract';
import { GovernanceContract } from './governance/governance-contract';
import { IntroductionContract } from './introductions/introduction-contract';
import { MemberContract } from './members/member-contract';
import { VisitContract } from './visits/visit-contract';

export * from './model';

/** The contracts the chaincode server hosts (fabric-chaincode-node reads `contracts`). */
export const contracts = [
    ClubContract,
    MemberContract,
    AgreementContract,
    BarContract,
    IntroductionContract,
    VisitContract,
    GovernanceContract,
    AuditContract,
];
