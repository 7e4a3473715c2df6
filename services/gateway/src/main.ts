import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  Counter,
  createLogger,
  ensureStreams,
  Gauge,
  Health,
  Histogram,
  installShutdown,
  startTelemetry,
} from '@switchboard/shared';
import { NatsConversationBus } from './adapters/conversation-bus';
import { GrpcDirectory } from './adapters/directory';
import { NatsSessionAppender } from './adapters/session-appender';
import { loadGatewayConfig } from './config';
import { AgentPresenceTracker } from './domain/agent-presence';
import { TokenService } from './domain/tokens';
import { ClientConnection } from './transport/client-connection';
import { AuthEndpoints } from './transport/http-handlers';
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
  const directory = new GrpcDirectory(config.ADMIN_GRPC_ADDR);
  const bus = new NatsConversationBus(nc, jsm, catalog, logger);
  const appender = new NatsSessionAppender(nc, catalog, config.PARTITIONS, config.APPEND_TIMEOUT_MS);
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
  const sendLatency = new Histogram({
    name: 'sb_gateway_send_seconds',
    help: 'From SendMessage received to SendAck or error sent',
    labelNames: ['outcome'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [health.registry],
  });

  const server = await startUwsServer(
    {
      host: config.HOST,
      port: config.PORT,
      maxFrameBytes: config.MAX_FRAME_BYTES,
      maxBackpressureBytes: config.MAX_BACKPRESSURE_BYTES,
      idleTimeoutS: Math.ceil((config.PING_INTERVAL_MS * 2) / 1000),
    },
    new AuthEndpoints(tokens, directory, logger),
    health,
    (sink) =>
      new ClientConnection(sink, {
        tokens,
        directory,
        appender,
        bus,
        presence,
        tracer: telemetry.tracer,
        logger,
        limits: {
          maxFrameBytes: config.MAX_FRAME_BYTES,
          helloTimeoutMs: config.HELLO_TIMEOUT_MS,
          pingIntervalMs: config.PING_INTERVAL_MS,
        },
        metrics: {
          frameIn: (kind) => {
            framesIn.inc({ kind });
          },
          sendLatency: (ms, ok) => {
            sendLatency.observe({ outcome: ok ? 'ack' : 'error' }, ms / 1000);
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
    { name: 'nats', run: () => nc.drain() },
    {
      name: 'admin',
      run: () => {
        directory.close();
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
