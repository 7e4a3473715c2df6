import { credentials } from '@grpc/grpc-js';
import { ConfigServiceClient } from '@switchboard/proto';
import { traceContextInterceptor } from '@switchboard/shared';

/** A ConfigService client for admin at `address` (host:port), plaintext, with trace context on every call. */
export function createConfigClient(address: string): ConfigServiceClient {
  return new ConfigServiceClient(address, credentials.createInsecure(), {
    interceptors: [traceContextInterceptor],
  });
}
