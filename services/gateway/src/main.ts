import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  Counter,
  createLogger,
  directGetOf,
  ensureStreams,
  Gauge,
  Health,
  Histogram,
  installShutdown,
  startTelemetry,
} from '@switchboard/shared';
import { StorageType } from 'nats';
import { NatsConversationBus } from './adapters/conversation-bus';
import { GrpcDirectory } from './adapters/directory';
import { GrpcHistoryArchive } from './adapters/grpc-history-archive';
import { JetStreamMessageLog } from './adapters/jetstream-message-log';
import { KvAgentStatusStore } from './adapters/kv-agent-status';
import { KvReadMarkStore } from './adapters/kv-read-mark-store';
import { NatsSessionAppender } from './adapters/session-appender';
import { NatsSessionCommander } from './adapters/session-commander';
import { loadGatewayConfig } from './config';
import { AgentPresenceTracker } from './domain/agent-presence';
import { MessageRangeReader } from './domain/message-range';
import { ReadMarkCoalescer } from './domain/read-marks';
import { TokenService } from './domain/tokens';
import { ClientConnection } from './transport/client-connection';
import { ConnectionRegistry } from './transport/connection-registry';
import { AdminEndpoints } from './transport/admin-endpoints';
import { AgentEndpoints } from './transport/agent-endpoints';
import { AuthEndpoints } from './transport/http-handlers';
import { watchDeliveryHiccups } from './transport/nats-hiccups';
import { StaticSite } from './transport/static-site';
import { startUwsServer } from './transport/uws-server';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const telemetry = startTelemetry({
    serviceName: 'gateway',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('gateway', config.LOG_LEVEL);
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: `gateway/${config.GATEWAY_ID}`, logger });
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, catalog);
  const js = nc.jetstream();
  const readMarksKv = await js.views.kv(catalog.buckets.readMarks, { history: 1, storage: StorageType.File });
  const agentStatusKv = await js.views.kv(catalog.buckets.agentStatus, {
    history: 1,
    storage: StorageType.File,
  });
  const agentStatus = new KvAgentStatusStore(agentStatusKv, catalog);
  const commander = new NatsSessionCommander(nc, catalog, config.PARTITIONS, config.COMMAND_TIMEOUT_MS);
  const directory = new GrpcDirectory(config.ADMIN_GRPC_ADDR);
  // Admin announces every configuration change: cached tenants (widget settings, policy) are read again.
  nc.subscribe(catalog.configChanged(), {
    callback: () => {
      directory.forgetCached();
    },
  });
  const history = new GrpcHistoryArchive(config.HISTORY_GRPC_ADDR, config.HISTORY_TIMEOUT_MS);
  const bus = new NatsConversationBus(nc, catalog, logger);
  const messageLog = new JetStreamMessageLog(directGetOf(jsm), catalog);
  const messages = new MessageRangeReader(messageLog, history);
  const readMarkLog = logger.child({ component: 'read-marks' });
  const readMarks = new ReadMarkCoalescer(
    new KvReadMarkStore(readMarksKv, catalog),
    (fn, ms) => {
      const t = setTimeout(fn, ms);
      return () => {
        clearTimeout(t);
      };
    },
    config.READ_MARK_FLUSH_MS,
    (err, mark) => {
      readMarkLog.warn({ err, conversation: mark.conversationId }, 'read mark write failed; will retry');
    },
  );
  const registry = new ConnectionRegistry();
  const tokens = new TokenService(config.TOKEN_SECRET, {
    visitorS: config.VISITOR_TOKEN_TTL_S,
    agentS: config.AGENT_TOKEN_TTL_S,
  });
  const presence = new AgentPresenceTracker(config.GATEWAY_ID, () => Date.now());

  const health = new Health('gateway');
  health.addCheck('nats', () => nc.flush());
  health.addCheck('admin', () => directory.ping());
  const framesIn = new Counter({
    name: 'sb_gateway_frames_in_total',
    help: 'Client frames by kind',
    labelNames: ['kind'],
    registers: [health.registry],
  });
  const slowConsumers = new Counter({
    name: 'sb_gateway_slow_consumer_closes_total',
    help: 'Sockets closed with 4009 because too much was queued for them',
    registers: [health.registry],
  });
  const appendRetries = new Counter({
    name: 'sb_gateway_append_retries_total',
    help: 'Append requests retried inside the gateway, by reason',
    labelNames: ['reason'],
    registers: [health.registry],
  });
  const resyncs = new Counter({
    name: 'sb_gateway_resyncs_total',
    help: 'NATS reconnects and slow-consumer errors after which sockets re-read the stream',
    registers: [health.registry],
  });
  const appender = new NatsSessionAppender(
    nc,
    catalog,
    config.PARTITIONS,
    {
      deadlineMs: config.APPEND_DEADLINE_MS,
      attemptTimeoutMs: config.APPEND_TIMEOUT_MS,
      baseDelayMs: 50,
      maxDelayMs: 1000,
    },
    (reason) => {
      appendRetries.inc({ reason });
    },
  );
  const sendLatency = new Histogram({
    name: 'sb_gateway_send_seconds',
    help: 'From SendMessage received to SendAck or error sent',
    labelNames: ['outcome'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [health.registry],
  });

  const sites = {
    // widget.js keeps its URL across releases (customers' pages embed it): short cache, then revalidate.
    widget: StaticSite.load(config.WIDGET_DIR, { cacheControl: 'public, max-age=300' }),
    console: StaticSite.load(config.CONSOLE_DIR, {
      cacheControl: 'no-cache',
      fallback: 'index.html',
      headers: {
        'content-security-policy':
          "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
          "connect-src 'self' ws: wss: http: https:; frame-ancestors 'none'; base-uri 'none'",
        'referrer-policy': 'same-origin',
      },
    }),
  };
  for (const [name, site] of Object.entries(sites)) {
    if (site.empty) logger.warn({ dir: site.dir }, `the ${name} is not built; run \`npm run build\``);
  }
  const server = await startUwsServer(
    {
      host: config.HOST,
      port: config.PORT,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      maxBackpressureBytes: config.MAX_BACKPRESSURE_BYTES,
      idleTimeoutS: Math.ceil((config.PING_INTERVAL_MS * 2) / 1000),
    },
    {
      auth: new AuthEndpoints(tokens, directory, logger),
      agent: new AgentEndpoints(tokens, directory, history, logger),
      admin: new AdminEndpoints(tokens, directory, logger),
    },
    health,
    sites,
    (sink) =>
      new ClientConnection(sink, {
        tokens,
        directory,
        appender,
        commander,
        agentStatus,
        bus,
        log: messageLog,
        messages,
        readMarks,
        registry,
        presence,
        tracer: telemetry.tracer,
        logger,
        limits: {
          maxFrameBytes: config.MAX_FRAME_BYTES,
          helloTimeoutMs: config.HELLO_TIMEOUT_MS,
          pingIntervalMs: config.PING_INTERVAL_MS,
          maxBackpressureBytes: config.MAX_BACKPRESSURE_BYTES,
        },
        metrics: {
          frameIn: (kind) => {
            framesIn.inc({ kind });
          },
          sendLatency: (ms, ok) => {
            sendLatency.observe({ outcome: ok ? 'ack' : 'error' }, ms / 1000);
          },
          slowConsumer: () => {
            slowConsumers.inc();
          },
        },
      }),
  );
  new Gauge({
    name: 'sb_gateway_connections',
    help: 'Open WebSocket connections',
    registers: [health.registry],
    collect() {
      this.set(server.connections());
    },
  });
  watchDeliveryHiccups(nc, (status) => {
    resyncs.inc();
    logger.info({ status, sockets: registry.resyncAll() }, 'NATS hiccup: sockets re-read the stream');
  });
  const heartbeat = setInterval(() => {
    for (const p of presence.heartbeats()) bus.publishPresence(p);
  }, config.PRESENCE_INTERVAL_MS);
  const healthPort = await health.listen(config.HEALTH_PORT);

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'readiness',
      run: () => {
        health.setDraining();
      },
    },
    {
      name: 'sockets',
      run: () => {
        server.close();
      },
    },
    {
      name: 'presence',
      run: () => {
        clearInterval(heartbeat);
      },
    },
    { name: 'read marks', run: () => readMarks.close() },
    { name: 'nats', run: () => nc.drain() },
    {
      name: 'grpc clients',
      run: () => {
        directory.close();
        history.close();
      },
    },
    { name: 'health', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);
  logger.info({ ports: { http: server.port, health: healthPort } }, 'ready');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
