// Public surface of @switchboard/shared.
export * from './config';
export * from './errors';
export * from './grpc';
export * from './health';
export * from './logger';
export * from './nats';
export * from './partition';
export * from './shutdown';
export * from './telemetry';
