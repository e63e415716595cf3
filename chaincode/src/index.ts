import { ClubContract } from './clubs/club-contract';

export * from './errors';
export * from './model';
export { ACTOR_TRANSIENT_KEY } from './context';

/** The contracts the chaincode server hosts (fabric-chaincode-node reads `contracts`). */
export const contracts = [ClubContract];
