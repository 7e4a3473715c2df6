import {
  InterceptingCall,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type Interceptor,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
  type sendUnaryData,
  type ServiceError,
  type CallOptions,
} from '@grpc/grpc-js';
import { SpanKind, type Tracer } from '@opentelemetry/api';
import type { Logger } from './logger';
import { errorCodeFromJSON } from '@switchboard/proto';
import { asSwitchboardError, errorCodeOfGrpc, grpcStatusOf, SwitchboardError } from './errors';
import { extractGrpcMetadata, injectGrpcMetadata, inSpan } from './telemetry';

/** Client interceptor: puts the active W3C trace context into every call's metadata. */
export const traceContextInterceptor: Interceptor = (options, next) =>
  new InterceptingCall(next(options), {
    start(metadata, listener, nextStart) {
      injectGrpcMetadata(metadata);
      nextStart(metadata, listener);
    },
  });

/**
 * Adapts an async handler to grpc-js: runs it in a server span that continues the caller's trace, and
 * maps thrown SwitchboardErrors to a gRPC status (unknown errors to INTERNAL, logged).
 */
export function unaryHandler<Req, Res>(
  tracer: Tracer,
  logger: Logger,
  method: string,
  handler: (request: Req) => Promise<Res>,
): (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void {
  return (call, callback) => {
    const parent = extractGrpcMetadata(call.metadata);
    inSpan(
      tracer,
      method,
      parent,
      { 'rpc.system': 'grpc', 'rpc.method': method },
      () => handler(call.request),
      SpanKind.SERVER,
    ).then(
      (res) => {
        callback(null, res);
      },
      (err: unknown) => {
        callback(toServiceError(err, logger, method));
      },
    );
  };
}

export function toServiceError(err: unknown, logger: Logger, method: string): Partial<ServiceError> {
  const e = asSwitchboardError(err);
  const code = grpcStatusOf(e.code);
  if (code === status.INTERNAL) logger.error({ err, method }, 'gRPC handler failed');
  const metadata = new Metadata();
  metadata.set('sb-error-code', String(e.code));
  return { code, details: e.message, metadata };
}

/** Converts a gRPC client error back into a typed SwitchboardError. */
export function fromServiceError(err: unknown): SwitchboardError {
  const se = err as Partial<ServiceError>;
  if (typeof se.code !== 'number') return asSwitchboardError(err);
  const carried = se.metadata?.get('sb-error-code')[0];
  const code =
    typeof carried === 'string' && carried !== ''
      ? errorCodeFromJSON(Number(carried))
      : errorCodeOfGrpc(se.code);
  return new SwitchboardError(
    code,
    se.details ?? se.message ?? 'gRPC call failed',
    se.code === status.UNAVAILABLE,
    {
      cause: err,
    },
  );
}

export interface GrpcService {
  readonly definition: ServiceDefinition;
  readonly implementation: UntypedServiceImplementation;
}

/** Starts a gRPC server with the given services; resolves to the bound port (0 picks a free one). */
export async function startGrpcServer(
  services: readonly GrpcService[],
  port: number,
  host = '0.0.0.0',
): Promise<{ server: Server; port: number }> {
  const server = new Server({ 'grpc.max_receive_message_length': 4 * 1024 * 1024 });
  for (const s of services) server.addService(s.definition, s.implementation);
  const bound = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, p) => {
      if (err) reject(err);
      else resolve(p);
    });
  });
  return { server, port: bound };
}

/** Stops accepting calls and waits for running ones, forcing after `graceMs`. */
export function stopGrpcServer(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** A generated client's unary method, bound to its client. */
export type UnaryMethod<Req, Res> = (
  req: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  cb: (err: ServiceError | null, res: Res) => void,
) => unknown;

/** Calls a unary gRPC method with a deadline; failures become typed SwitchboardErrors. */
export function unaryCall<Req, Res>(
  method: UnaryMethod<Req, Res>,
  req: Req,
  timeoutMs: number,
): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    method(req, new Metadata(), { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) reject(fromServiceError(err));
      else resolve(res);
    });
  });
}
