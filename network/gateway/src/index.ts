export { loadConfig, type GatewayConfig } from './config.js';
export { startGateway, type RunningGateway } from './service.js';
export { createGatewayServer, listen } from './server.js';
export { GatewayRpcError, decodeStatusDetails, encodeStatusDetails, toStatusObject, type EndpointFailure } from './error-detail.js';
export { newGatewayIdentity, type GatewayIdentity } from './identity.js';
export { Registry, peerDiscovery, type ChannelView, type EndorsementDescriptor, type PeerInfo } from './registry.js';
