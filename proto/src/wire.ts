// Browser-safe surface of @switchboard/proto (`@switchboard/proto/wire`): what a WebSocket client needs and
// nothing that imports Node or @grpc/grpc-js. config.pb and history.pb hold gRPC clients, so only types
// cross over from them; the index re-exports everything for services.
export * from '../gen/switchboard/v1/conversation.pb';
export * from '../gen/switchboard/v1/errors.pb';
export * from '../gen/switchboard/v1/gateway.pb';
export * from '../gen/switchboard/v1/message.pb';
export * from '../gen/switchboard/v1/routing.pb';
export * from '../gen/switchboard/v1/session.pb';
export type { CannedReply, TenantSettings } from '../gen/switchboard/v1/config.pb';
export * from './close-codes';
export * from './subjects';
export * from './visitor-context';
export * from './tenant-policy';
