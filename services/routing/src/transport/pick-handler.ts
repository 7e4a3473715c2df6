import { ErrorCode, Headers, PickRequest, PickResponse, type SubjectCatalog } from '@switchboard/proto';
import {
  asSwitchboardError,
  decodeOrBadFrame,
  extractNatsHeaders,
  inSpan,
  SpanKind,
  type Logger,
  type Tracer,
} from '@switchboard/shared';
import { headers as natsHeaders, type Msg, type NatsConnection, type Subscription } from 'nats';
import type { RoutingService } from '../domain/routing-service';

/**
 * Request/reply on sb.v1.routing.pick: an agent takes a queued conversation. Every request is answered, with
 * the conversation or a typed error (also in the Sb-Error-Code header).
 */
export function servePick(
  nc: NatsConnection,
  catalog: SubjectCatalog,
  service: RoutingService,
  tracer: Tracer,
  logger: Logger,
): { stop(): Promise<void> } {
  const log = logger.child({ component: 'pick' });
  const inFlight = new Set<Promise<void>>();
  const handle = async (msg: Msg): Promise<void> => {
    let res: PickResponse;
    let code: ErrorCode | undefined;
    try {
      const conversation = await inSpan(
        tracer,
        'routing.pick',
        extractNatsHeaders(msg.headers),
        {},
        async (span) => {
          const req = decodeOrBadFrame('pick request', () => PickRequest.decode(msg.data));
          span.setAttributes({ 'sb.tenant': req.tenantId, 'sb.conversation': req.conversationId });
          return service.pick(req);
        },
        SpanKind.SERVER,
      );
      res = { result: { $case: 'conversation', value: conversation } };
    } catch (err) {
      const e = asSwitchboardError(err);
      if (e.code === ErrorCode.ERROR_CODE_INTERNAL) log.error({ err }, 'pick failed');
      code = e.code;
      res = { result: { $case: 'error', value: e.toDetail() } };
    }
    if (msg.reply === undefined || msg.reply === '') return;
    const h = natsHeaders();
    if (code !== undefined) h.set(Headers.errorCode, ErrorCode[code]);
    msg.respond(PickResponse.encode(res).finish(), { headers: h });
  };
  const sub: Subscription = nc.subscribe(catalog.routingPick(), {
    callback: (err, msg) => {
      if (err !== null) {
        log.warn({ err }, 'pick subscription error');
        return;
      }
      const p = handle(msg).catch((e: unknown) => {
        log.error({ err: e }, 'answering a pick failed');
      });
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    },
  });
  return {
    stop: async () => {
      await sub.drain();
      await Promise.all(inFlight);
    },
  };
}
