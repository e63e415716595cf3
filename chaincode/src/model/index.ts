// The chaincode's vocabulary for its clients (`@reciprocal-clubs/chaincode/model`): entities, events, error
// codes and key layout, without loading the contracts.
export * from '../errors';
export { type CompositeKey, Keys, implicitCollectionOf } from '../ledger/keys';
export { endorsersSatisfying } from '../ledger/endorsers';
export { toLedgerBytes } from '../ledger/state';
export * from './agreement';
export * from './bar';
export * from './club';
export * from './common';
export * from './events';
export * from './governance';
export * from './introduction';
export * from './member';
export * from './visit';
