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
import { actorOf, type LifecycleCommand } from '../domain/conversation';
import type { ConversationService } from '../domain/conversation-service';

export interface PartitionServer {
  /** Starts answering requests of partition p. */
  serve(partition: number): void;
  /** Stops taking requests of p and waits until those already received are answered. */
  unserve(partition: number): Promise<void>;
  readonly served: () => number;
}

/**
 * Answers sb.v1.session.p<P>.append and .command for the partitions this instance owns. Every request gets
 * a reply, a typed error included, so callers never wait for a timeout — except while ownership is moving:
 * an instance that may no longer own p stays silent, so the new owner's answer is the one the caller gets.
 */
export function partitionServer(
  nc: NatsConnection,
  catalog: SubjectCatalog,
  totalPartitions: number,
  owns: (partition: number) => boolean,
  service: ConversationService,
  tracer: Tracer,
  logger: Logger,
): PartitionServer {
  const log = logger.child({ component: 'partitions' });
  const served = new Map<number, { subs: Subscription[]; inFlight: Set<Promise<void>> }>();

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
          return service.command(
            req.tenantId,
            req.conversationId,
            actorOf(req.actor, req.actorIsSupervisor),
            lifecycleCommandOf(req),
          );
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

  const handle = (p: number, msg: Msg, handler: (p: number, msg: Msg) => Promise<void>): void => {
    const entry = served.get(p);
    if (entry === undefined || !owns(p)) {
      log.debug({ partition: p, subject: msg.subject }, 'not the owner (any more): leaving it to the owner');
      return;
    }
    const done = handler(p, msg).finally(() => entry.inFlight.delete(done));
    entry.inFlight.add(done);
  };

  return {
    serve: (p) => {
      if (served.has(p)) return;
      // Whatever was cached for this partition may predate another owner's writes.
      service.forgetWhere((conversationId) => partitionOf(conversationId, totalPartitions) === p);
      served.set(p, {
        subs: [
          nc.subscribe(catalog.sessionAppend(p), {
            callback: (_err, msg) => {
              handle(p, msg, onAppend);
            },
          }),
          nc.subscribe(catalog.sessionCommand(p), {
            callback: (_err, msg) => {
              handle(p, msg, onCommand);
            },
          }),
        ],
        inFlight: new Set(),
      });
    },
    unserve: async (p) => {
      const entry = served.get(p);
      if (entry === undefined) return;
      served.delete(p);
      for (const s of entry.subs) s.unsubscribe();
      await Promise.all([...entry.inFlight]);
    },
    served: () => served.size,
  };
}

/** The lifecycle command a request carries (field checks are the state machine's). */
export function lifecycleCommandOf(req: SessionCommandRequest): LifecycleCommand {
  const c = req.command;
  if (c === undefined)
    throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'command is required');
  switch (c.$case) {
    case 'assign':
      return {
        kind: 'assign',
        agentId: c.value.agentId,
        agentDisplayName: c.value.agentDisplayName,
        accepted: c.value.accepted,
      };
    case 'close':
      return { kind: 'close', reason: c.value.reason, reopenWindowMs: c.value.reopenWindowMs };
    case 'enqueue':
      return {
        kind: 'enqueue',
        groupId: c.value.groupId,
        priority: c.value.priority,
        reason: c.value.reason,
      };
    case 'startBot':
      return { kind: 'start_bot' };
    case 'accept':
      return { kind: 'accept' };
    case 'requeue':
      return { kind: 'requeue', expectedAgentId: c.value.expectedAgentId, reason: c.value.reason };
    case 'transfer':
      return {
        kind: 'transfer',
        toAgentId: c.value.toAgentId,
        toGroupId: c.value.toGroupId,
        note: c.value.note,
      };
    case 'takeOver':
      return { kind: 'take_over' };
    case 'setLabels':
      return { kind: 'set_labels', labels: c.value.labels };
    case 'rate':
      return { kind: 'rate', score: c.value.score, comment: c.value.comment };
  }
}
