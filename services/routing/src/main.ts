import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  createLogger,
  ensureStreams,
  Gauge,
  Health,
  installShutdown,
  startTelemetry,
} from '@switchboard/shared';
import { StorageType } from 'nats';
import { ConfigWatchFollower, GrpcConfigSource } from './adapters/grpc-config-source';
import { createConfigClient } from './adapters/config-client';
import { AgentStatusWatch } from './adapters/kv-agent-status';
import { KvRoutingStore } from './adapters/kv-routing-store';
import { NatsSessionCommands } from './adapters/nats-session-commands';
import { NatsSignalPublisher } from './adapters/nats-signal-publisher';
import { loadRoutingConfig } from './config';
import { RoutingService } from './domain/routing-service';
import { DispatchLoop } from './transport/dispatch-loop';
import { LifecycleConsumer } from './transport/lifecycle-consumer';
import { subscribeInputs } from './transport/nats-inputs';
import { servePick } from './transport/pick-handler';

async function main(): Promise<void> {
  const config = loadRoutingConfig();
  const telemetry = startTelemetry({
    serviceName: 'routing',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('routing', config.LOG_LEVEL);
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: 'routing', logger });
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, catalog);
  const js = nc.jetstream();
  const routingKv = await js.views.kv(catalog.buckets.routing, { history: 1, storage: StorageType.File });
  const statusKv = await js.views.kv(catalog.buckets.agentStatus, { history: 1, storage: StorageType.File });

  const store = new KvRoutingStore(routingKv, catalog, { statsFlushMs: config.STATS_FLUSH_MS }, logger);
  const configClient = createConfigClient(config.ADMIN_GRPC_ADDR);
  const configSource = new GrpcConfigSource(configClient, config.COMMAND_TIMEOUT_MS);
  const service = new RoutingService(
    {
      commands: new NatsSessionCommands(nc, catalog, config.PARTITIONS, config.COMMAND_TIMEOUT_MS),
      store,
      publisher: new NatsSignalPublisher(nc, catalog, logger.child({ component: 'signals' })),
      config: configSource,
      clock: { now: () => Date.now() },
      log: logger.child({ component: 'routing' }),
    },
    {
      presenceTtlMs: config.PRESENCE_TTL_MS,
      queueStatusIntervalMs: config.QUEUE_STATUS_INTERVAL_MS,
      commandSettleMs: 3 * config.COMMAND_TIMEOUT_MS,
      snapshotMinGapMs: config.DISPATCH_TICK_MS,
    },
  );
  const restored = await service.restore();
  logger.info(restored, 'routing mirror loaded');

  const loop = new DispatchLoop(
    () => service.tick(),
    config.DISPATCH_TICK_MS,
    (err) => {
      logger.error({ err }, 'routing tick failed');
    },
  );
  const kick = (): void => {
    loop.kick();
  };
  const configWatch = new ConfigWatchFollower(
    configClient,
    (change) => {
      service.applyConfigChange(change);
      kick();
    },
    logger,
  );
  const statusWatch = new AgentStatusWatch(
    statusKv,
    (tenantId, agentId, record) => {
      service.applyStatus(tenantId, agentId, record);
      kick();
    },
    logger,
  );
  configWatch.start();
  statusWatch.start();
  loop.start();
  const inputs = subscribeInputs(nc, catalog, service, kick, logger);
  const pick = servePick(nc, catalog, service, telemetry.tracer, logger);
  const consumer = new LifecycleConsumer(js, jsm, catalog, service, kick, logger);
  await consumer.start();

  const health = new Health('routing');
  health.addCheck('nats', () => nc.flush());
  health.addCheck('admin', () => configSource.ping());
  health.addCheck('lifecycle', () =>
    service.isDispatching ? Promise.resolve() : Promise.reject(new Error('lifecycle replay still running')),
  );
  new Gauge({
    name: 'sb_routing_open_conversations',
    help: 'Open conversations routing tracks',
    registers: [health.registry],
    collect() {
      this.set(service.view.conversations.size);
    },
  });
  new Gauge({
    name: 'sb_routing_pending_commands',
    help: 'Commands sent to session whose effect has not been seen yet',
    registers: [health.registry],
    collect() {
      this.set(service.planner.pendingCount);
    },
  });
  new Gauge({
    name: 'sb_routing_kv_backlog',
    help: 'SB_ROUTING keys with a write not yet durable',
    registers: [health.registry],
    collect() {
      this.set(store.backlog);
    },
  });
  const healthPort = await health.listen(config.HEALTH_PORT);

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'readiness',
      run: () => {
        health.setDraining();
      },
    },
    { name: 'dispatch', run: () => loop.stop() },
    { name: 'pick', run: () => pick.stop() },
    { name: 'lifecycle', run: () => consumer.stop() },
    { name: 'inputs', run: () => inputs.stop() },
    {
      name: 'watches',
      run: async () => {
        configWatch.stop();
        await statusWatch.stop();
      },
    },
    { name: 'store', run: () => store.flush() },
    {
      name: 'nats',
      run: async () => {
        store.close();
        await nc.drain();
      },
    },
    {
      name: 'admin',
      run: () => {
        configClient.close();
      },
    },
    { name: 'health', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);

  // Offers wait until every unacknowledged event is applied and every agent's chosen status is known.
  await Promise.all([consumer.caughtUp, statusWatch.initialized]);
  service.startDispatching();
  logger.info({ ports: { health: healthPort }, conversations: service.view.conversations.size }, 'ready');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
