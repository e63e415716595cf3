export type { IndexerConfig } from './config.js';
export { loadConfig } from './config.js';
export { verifyIndexIntegrity, type IntegrityReport, type LedgerReader } from './integrity.js';
export { startIndexer, type RunningIndexer } from './indexer/indexer.js';
export type { ParsedBlock, ParsedTransaction } from './blocks/parsed-block.js';
export { subjectFor, type Notification } from './store/outbox.js';
export { NOTIFICATION_STREAM } from './outbox/publisher.js';
export { connectToPeer, type PeerConnection, type PeerConnectionOptions } from './source/gateway-connection.js';
export { type DatabaseOptions, migrate, openPool } from './store/database.js';
