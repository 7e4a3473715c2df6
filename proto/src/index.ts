// Public surface of @switchboard/proto: generated contracts plus the subject catalog.
export * from '../gen/switchboard/v1/config.pb';
export * from '../gen/switchboard/v1/conversation.pb';
export * from '../gen/switchboard/v1/errors.pb';
export * from '../gen/switchboard/v1/gateway.pb';
export * from '../gen/switchboard/v1/history.pb';
export * from '../gen/switchboard/v1/message.pb';
export * from '../gen/switchboard/v1/routing.pb';
export * from '../gen/switchboard/v1/session.pb';
export * from './close-codes';
export * from './subjects';
export * from './visitor-context';
export * from './tenant-policy';
