import type { ServerWritableStream } from '@grpc/grpc-js';
import {
  ConfigServiceService,
  type ConfigServiceServer,
  type WatchRequest,
  type WatchResponse,
} from '@switchboard/proto';
import {
  extractGrpcMetadata,
  inSpan,
  SpanKind,
  toServiceError,
  unaryHandler,
  type GrpcService,
  type Logger,
  type Tracer,
} from '@switchboard/shared';
import type { ConfigDirectory } from '../domain/config-directory';
import type { ConfigWatch } from '../domain/config-watch';
import { optionalSubjectToken, requireRevision } from '../domain/validation';

export interface ConfigGrpcDeps {
  readonly directory: ConfigDirectory;
  readonly watch: ConfigWatch;
  readonly tracer: Tracer;
  readonly logger: Logger;
}

const SERVICE = 'switchboard.v1.ConfigService';

/**
 * ConfigService over gRPC: translates requests to ConfigDirectory / ConfigWatch calls and errors to
 * statuses. `closeStreams()` ends every open Watch (clients reconnect elsewhere) so shutdown does not
 * wait for streams that would never finish on their own.
 */
export class ConfigGrpcService implements GrpcService {
  readonly definition = ConfigServiceService;
  readonly implementation: ConfigServiceServer;
  private readonly streams = new Set<AbortController>();
  private readonly log: Logger;

  constructor(private readonly deps: ConfigGrpcDeps) {
    this.log = deps.logger.child({ component: 'grpc' });
    const { directory, tracer } = deps;
    const unary = <Req, Res>(method: string, handler: (req: Req) => Promise<Res>) =>
      unaryHandler(tracer, this.log, `${SERVICE}/${method}`, handler);
    this.implementation = {
      getTenant: unary('GetTenant', async (req) => ({ tenant: await directory.getTenant(req.tenantId) })),
      resolveWidgetKey: unary('ResolveWidgetKey', (req) => directory.resolveWidgetKey(req.key)),
      authenticateAgent: unary('AuthenticateAgent', async (req) => ({
        agent: await directory.authenticateAgent(req.tenantId, req.email, req.password),
      })),
      listAgents: unary('ListAgents', async (req) => ({ agents: await directory.listAgents(req.tenantId) })),
      getConversation: unary('GetConversation', async (req) => ({
        conversation: await directory.getConversation(req.tenantId, req.conversationId),
      })),
      listConversations: unary('ListConversations', async (req) => ({
        conversations: await directory.listConversations(req),
      })),
      watch: (call) => {
        this.watch(call);
      },
    };
  }

  /** Ends every open Watch stream with OK. */
  closeStreams(): void {
    for (const controller of this.streams) controller.abort();
  }

  private watch(call: ServerWritableStream<WatchRequest, WatchResponse>): void {
    const method = `${SERVICE}/Watch`;
    const controller = new AbortController();
    const abort = controller.signal;
    this.streams.add(controller);
    const cancel = (): void => {
      controller.abort();
    };
    call.on('cancelled', cancel);
    call.on('error', cancel);
    const attributes = { 'rpc.system': 'grpc', 'rpc.method': method };
    void inSpan(
      this.deps.tracer,
      method,
      extractGrpcMetadata(call.metadata),
      attributes,
      async () => {
        const request = {
          tenantId: optionalSubjectToken('tenant_id', call.request.tenantId),
          fromRevision: requireRevision(call.request.fromRevision),
        };
        await this.deps.watch.stream(request, (change) => write(call, change, abort), abort);
      },
      SpanKind.SERVER,
    )
      .then(
        () => {
          if (!call.cancelled) call.end();
        },
        (err: unknown) => {
          if (!call.cancelled) call.emit('error', toServiceError(err, this.log, method));
        },
      )
      .finally(() => {
        this.streams.delete(controller);
      });
  }
}

/** Writes one message, waiting for 'drain' when the client reads slower than changes arrive. */
function write(
  call: ServerWritableStream<WatchRequest, WatchResponse>,
  msg: WatchResponse,
  abort: AbortSignal,
): Promise<void> {
  if (call.write(msg)) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      abort.removeEventListener('abort', done);
      resolve();
    };
    call.once('drain', done);
    abort.addEventListener('abort', done, { once: true });
  });
}
