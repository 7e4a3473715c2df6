import { createRequire } from 'node:module';
import { ConfigServiceClient } from '@switchboard/proto';
import { traceContextInterceptor } from '@switchboard/shared';

type ChannelCredentials = ConstructorParameters<typeof ConfigServiceClient>[1];

interface GrpcRuntime {
  readonly credentials: { createInsecure(): ChannelCredentials };
}

/**
 * @grpc/grpc-js as @switchboard/proto resolves it: the very copy its generated clients were made with
 * (credentials are checked with instanceof). Routing's package.json does not list @grpc/grpc-js itself;
 * once it does, this becomes a plain import.
 */
function grpcRuntime(): GrpcRuntime {
  const fromProto = createRequire(require.resolve('@switchboard/proto'));
  return fromProto('@grpc/grpc-js') as GrpcRuntime;
}

/** A ConfigService client for admin at `address` (host:port), plaintext, with trace context on every call. */
export function createConfigClient(address: string): ConfigServiceClient {
  return new ConfigServiceClient(address, grpcRuntime().credentials.createInsecure(), {
    interceptors: [traceContextInterceptor],
  });
}
