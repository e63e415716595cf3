export { LedgerConnectionError, LedgerConnectionErrorCode } from './errors.js';
export { ClubProfile, IdentityFiles, NetworkProfile, TlsEndpoint, channelsOf, postgresUrlOf } from './network-profile.js';
export { LOCAL_NETWORK_PROFILE, loadNetworkProfile } from './load-network-profile.js';
export { type SigningOptions, signingOptionsFor } from './native-signer.js';
export { CALL_DEADLINES_MS, type GatewayConnection, type GatewayConnectionOptions, connectToGateway } from './gateway-connection.js';
export { type ChannelRoundTrip, LedgerHeartbeat, type LedgerHeartbeatOptions, chainInfoRoundTrip } from './ledger-heartbeat.js';
