import type { ServerWritableStream } from '@grpc/grpc-js';
import {
  ConfigServiceService,
  ErrorCode,
  type CannedReply,
  type ConfigServiceServer,
  type Group,
  type UpsertAgentRequest,
  type WatchRequest,
  type WatchResponse,
} from '@switchboard/proto';
import {
  extractGrpcMetadata,
  inSpan,
  SpanKind,
  SwitchboardError,
  toServiceError,
  unaryHandler,
  type GrpcService,
  type Logger,
  type Tracer,
} from '@switchboard/shared';
import type {
  AgentInput,
  CannedReplyInput,
  ConfigAdministration,
  GroupInput,
} from '../domain/config-administration';
import type { ConfigDirectory } from '../domain/config-directory';
import type { ConfigWatch } from '../domain/config-watch';
import { optionalSubjectToken, requireRevision } from '../domain/validation';

export interface ConfigGrpcDeps {
  readonly directory: ConfigDirectory;
  readonly administration: ConfigAdministration;
  readonly watch: ConfigWatch;
  readonly tracer: Tracer;
  readonly logger: Logger;
}

const SERVICE = 'switchboard.v1.ConfigService';

/**
 * ConfigService over gRPC: translates requests to ConfigDirectory (reads), ConfigAdministration (writes)
 * and ConfigWatch calls, and errors to
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
    const { directory, administration, tracer } = deps;
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
      upsertAgent: unary('UpsertAgent', async (req) => ({
        agent: (await administration.upsertAgent(agentInput(req))).value,
      })),
      listWidgetKeys: unary('ListWidgetKeys', async (req) => ({
        widgetKeys: await directory.listWidgetKeys(req.tenantId),
      })),
      listGroups: unary('ListGroups', async (req) => ({ groups: await directory.listGroups(req.tenantId) })),
      upsertGroup: unary('UpsertGroup', async (req) => ({
        group: (await administration.upsertGroup(groupInput(required('group', req.group)))).value,
      })),
      deleteGroup: unary('DeleteGroup', async (req) => {
        await administration.deleteGroup(req.tenantId, req.groupId);
        return {};
      }),
      listCannedReplies: unary('ListCannedReplies', async (req) => ({
        replies: await directory.listCannedReplies(req.tenantId, req.agentId),
      })),
      upsertCannedReply: unary('UpsertCannedReply', async (req) => ({
        reply: (await administration.upsertCannedReply(replyInput(required('reply', req.reply)))).value,
      })),
      deleteCannedReply: unary('DeleteCannedReply', async (req) => {
        await administration.deleteCannedReply(req.tenantId, req.replyId, req.agentId);
        return {};
      }),
      updateTenantSettings: unary('UpdateTenantSettings', async (req) => ({
        tenant: (
          await administration.updateTenantSettings(
            req.tenantId,
            required('settings (send an empty TenantSettings for the defaults)', req.settings),
          )
        ).value,
      })),
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

/** proto3 message fields are optional on the wire; a missing one is the caller's mistake. */
function required<T>(what: string, value: T | undefined): T {
  if (value === undefined) {
    throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `${what} is required`);
  }
  return value;
}

/** Repeated fields cannot be "unset" on the wire, so an upsert over gRPC always replaces the lists. */
function agentInput(req: UpsertAgentRequest): AgentInput {
  const agent = required('agent', req.agent);
  return {
    tenantId: agent.tenantId,
    id: agent.id,
    email: agent.email,
    displayName: agent.displayName,
    role: agent.role,
    maxConcurrent: agent.maxConcurrent,
    groupIds: agent.groupIds,
    skills: agent.skills,
    languages: agent.languages,
    password: req.password === '' ? undefined : req.password,
  };
}

function groupInput(group: Group): GroupInput {
  return {
    tenantId: group.tenantId,
    id: group.id,
    name: group.name,
    skills: group.skills,
    languages: group.languages,
    manualPick: group.manualPick,
    maxConcurrentPerAgent: group.maxConcurrentPerAgent,
    businessHours: group.businessHours,
  };
}

function replyInput(reply: CannedReply): CannedReplyInput {
  return {
    tenantId: reply.tenantId,
    id: reply.id,
    agentId: reply.agentId,
    shortcut: reply.shortcut,
    text: reply.text,
  };
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
