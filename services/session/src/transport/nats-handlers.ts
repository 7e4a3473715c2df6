import {
  AppendRequest,
  AppendResponse,
  ErrorCode,
  Headers,
  SessionCommandRequest,
  SessionCommandResponse,
  type SubjectCatalog,
} from '@switchboard/proto';
import {
  asSwitchboardError,
  decodeOrBadFrame,
  extractNatsHeaders,
  inSpan,
  partitionOf,
  SpanKind,
  SwitchboardError,
  type Logger,
  type Tracer,
} from '@switchboard/shared';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { LifecycleCommand } from '../domain/conversation';
import type { ConversationService } from '../domain/conversation-service';

export interface PartitionServer {
  readonly subscriptions: readonly Subscription[];
  /** Stops taking requests; requests already received still get their answer. */
  stop(): Promise<void>;
}

/**
 * Answers sb.v1.session.p<P>.append and .command for the owned partitions. Every request gets a reply,
 * a typed error included, so callers never wait for a timeout.
 */
export function servePartitions(
  nc: NatsConnection,
  catalog: SubjectCatalog,
  partitions: readonly number[],
  totalPartitions: number,
  service: ConversationService,
  tracer: Tracer,
  logger: Logger,
): PartitionServer {
  const log = logger.child({ component: 'partitions' });
  const subs: Subscription[] = [];

  const respond = (msg: Msg, data: Uint8Array, err?: SwitchboardError): void => {
    if (msg.reply === undefined || msg.reply === '') {
      log.warn({ subject: msg.subject }, 'request without a reply subject dropped');
      return;
    }
    const h = natsHeaders();
    if (err !== undefined) h.set(Headers.errorCode, ErrorCode[err.code]);
    msg.respond(data, { headers: h });
  };

  const checkPartition = (p: number, conversationId: string): void => {
    if (partitionOf(conversationId, totalPartitions) !== p) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
        `conversation does not belong to partition ${p}`,
      );
    }
  };

  const onAppend = async (p: number, msg: Msg): Promise<void> => {
    let clientMsgId = '';
    try {
      const ack = await inSpan(
        tracer,
        'session.append',
        extractNatsHeaders(msg.headers),
        { partition: p },
        async (span) => {
          const req = decodeOrBadFrame('append request', () => AppendRequest.decode(msg.data));
          const m = req.message;
          if (m === undefined)
            throw new SwitchboardError(ErrorCode.ERROR_CODE_BAD_FRAME, 'append without a message');
          clientMsgId = m.clientMsgId;
          span.setAttributes({ 'sb.tenant': m.tenantId, 'sb.conversation': m.conversationId });
          checkPartition(p, m.conversationId);
          const result = await service.append(m);
          span.setAttributes({ 'sb.seq': result.seq, 'sb.duplicate': result.duplicate });
          return result;
        },
        SpanKind.SERVER,
      );
      respond(msg, AppendResponse.encode({ result: { $case: 'ack', value: ack } }).finish());
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) log.error({ err }, 'append failed');
      respond(
        msg,
        AppendResponse.encode({ result: { $case: 'error', value: e.toDetail(clientMsgId) } }).finish(),
        e,
      );
    }
  };

  const onCommand = async (p: number, msg: Msg): Promise<void> => {
    try {
      const summary = await inSpan(
        tracer,
        'session.command',
        extractNatsHeaders(msg.headers),
        { partition: p },
        async (span) => {
          const req = decodeOrBadFrame('session command', () => SessionCommandRequest.decode(msg.data));
          span.setAttributes({ 'sb.tenant': req.tenantId, 'sb.conversation': req.conversationId });
          checkPartition(p, req.conversationId);
          return service.command(req.tenantId, req.conversationId, req.actor, lifecycleCommandOf(req));
        },
        SpanKind.SERVER,
      );
      respond(
        msg,
        SessionCommandResponse.encode({ result: { $case: 'conversation', value: summary } }).finish(),
      );
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) log.error({ err }, 'command failed');
      respond(
        msg,
        SessionCommandResponse.encode({ result: { $case: 'error', value: e.toDetail() } }).finish(),
        e,
      );
    }
  };

  for (const p of partitions) {
    subs.push(nc.subscribe(catalog.sessionAppend(p), { callback: (_err, msg) => void onAppend(p, msg) }));
    subs.push(nc.subscribe(catalog.sessionCommand(p), { callback: (_err, msg) => void onCommand(p, msg) }));
  }
  log.info({ partitions: partitions.length, total: totalPartitions }, 'serving session partitions');

  return {
    subscriptions: subs,
    stop: async () => {
      await Promise.all(subs.map((s) => s.drain()));
      await service.idle();
    },
  };
}

function lifecycleCommandOf(req: SessionCommandRequest): LifecycleCommand {
  const c = req.command;
  if (c === undefined)
    throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'command is required');
  switch (c.$case) {
    case 'assign':
      if (c.value.agentId === '')
        throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'agent_id is required');
      return { kind: 'assign', agentId: c.value.agentId };
    case 'close':
      return { kind: 'close', reason: c.value.reason };
  }
}
