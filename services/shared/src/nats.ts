import {
  connect,
  DebugEvents,
  DiscardPolicy,
  headers as natsHeaders,
  nanos,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type MsgHdrs,
  type NatsConnection,
  type StoredMsg,
  type StreamConfig,
} from 'nats';
import type { SubjectCatalog } from '@switchboard/proto';
import type { Logger } from './logger';
import { injectNatsHeaders } from './telemetry';

export interface NatsOptions {
  readonly url: string;
  /** Shown in the server's connection list: service name and instance. */
  readonly name: string;
  readonly logger: Logger;
}

/**
 * Connects with reconnects forever (a NATS restart is an outage of seconds, not a crash) and logs every
 * status change.
 */
export async function connectNats(opts: NatsOptions): Promise<NatsConnection> {
  const nc = await connect({
    servers: opts.url.split(','),
    name: opts.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    pingInterval: 10_000,
  });
  const log = opts.logger.child({ component: 'nats' });
  log.info({ server: nc.getServer() }, 'connected to NATS');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === DebugEvents.PingTimer) continue;
      log.info({ status: s.type, data: typeof s.data === 'string' ? s.data : undefined }, 'NATS status');
    }
  })();
  return nc;
}

export interface StreamLimits {
  /** How long SB_CONV keeps messages; history older than this is read from ClickHouse. */
  readonly convMaxAgeMs: number;
  readonly eventsMaxAgeMs: number;
  /** JetStream's Nats-Msg-Id de-duplication window. */
  readonly duplicateWindowMs: number;
}

export const defaultStreamLimits: StreamLimits = {
  convMaxAgeMs: 7 * 24 * 3600_000,
  eventsMaxAgeMs: 7 * 24 * 3600_000,
  duplicateWindowMs: 2 * 60_000,
};

export function streamConfigs(
  catalog: SubjectCatalog,
  limits: StreamLimits = defaultStreamLimits,
): StreamConfig[] {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: 1,
    duplicate_window: nanos(limits.duplicateWindowMs),
    allow_direct: true,
  };
  return [
    {
      ...common,
      name: catalog.streams.conv,
      subjects: [catalog.conversationsAll()],
      max_age: nanos(limits.convMaxAgeMs),
      // Stored messages only, for live delivery (see SubjectCatalog.liveConversation).
      republish: { src: catalog.conversationsAll(), dest: catalog.liveConversationsAll() },
    } as StreamConfig,
    {
      ...common,
      name: catalog.streams.events,
      subjects: [catalog.eventsAll()],
      max_age: nanos(limits.eventsMaxAgeMs),
    } as StreamConfig,
  ];
}

/** Creates SB_CONV and SB_EVENTS when missing. Safe to call from every service at once. */
export async function ensureStreams(
  jsm: JetStreamManager,
  catalog: SubjectCatalog,
  limits: StreamLimits = defaultStreamLimits,
): Promise<void> {
  for (const cfg of streamConfigs(catalog, limits)) {
    try {
      const info = await jsm.streams.info(cfg.name);
      if (cfg.republish !== undefined && info.config.republish?.dest !== cfg.republish.dest) {
        // Streams created before live delivery moved to the republish subject.
        await jsm.streams.update(cfg.name, { ...info.config, republish: cfg.republish });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
      try {
        await jsm.streams.add(cfg);
      } catch (addErr) {
        // Another service created it between our info and add.
        if (!/already in use/i.test(String(addErr))) throw addErr;
      }
    }
  }
}

/** JetStream's "stream not found" / "consumer not found" / "no message found" (err_code 10059, 10014, 10037). */
export function isNotFound(err: unknown): boolean {
  return /not found|no message found/i.test(err instanceof Error ? err.message : String(err));
}

/** New NATS headers carrying the active trace context. */
export function tracedHeaders(): MsgHdrs {
  const h = natsHeaders();
  injectNatsHeaders(h);
  return h;
}

/** A query for JetStream direct get: a stream position, the last message of a subject, or the next one. */
export type DirectQuery = { seq: number } | { last_by_subj: string } | { next_by_subj: string; seq: number };

/** JetStream direct get (served by any replica without going through the stream leader). */
export interface DirectGet {
  getMessage(stream: string, query: DirectQuery): Promise<StoredMsg>;
}

/** nats.js v2 implements direct get on its manager but leaves it off the JetStreamManager interface. */
export function directGetOf(jsm: JetStreamManager): DirectGet {
  const direct = (jsm as unknown as { direct?: DirectGet }).direct;
  if (direct === undefined) throw new Error('this nats.js version has no JetStream direct get');
  return direct;
}
