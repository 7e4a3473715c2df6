import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  createLogger,
  ensureStreams,
  Health,
  installShutdown,
  startTelemetry,
} from '@switchboard/shared';
import { NatsSessionCommands } from './adapters/nats-session-commands';
import { loadRoutingConfig } from './config';
import { Dispatcher } from './domain/dispatcher';
import { feedDispatcher } from './transport/nats-inputs';

async function main(): Promise<void> {
  const config = loadRoutingConfig();
  const telemetry = startTelemetry({
    serviceName: 'routing',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('routing', config.LOG_LEVEL);
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: 'routing', logger });
  await ensureStreams(await nc.jetstreamManager(), catalog);
  const dispatcher = new Dispatcher(
    new NatsSessionCommands(nc, catalog, config.PARTITIONS, config.COMMAND_TIMEOUT_MS),
    { presenceTtlMs: config.PRESENCE_TTL_MS, maxConversationsPerAgent: config.MAX_CONVERSATIONS_PER_AGENT },
    () => Date.now(),
    (err, tenantId, conversationId) => {
      logger.warn({ err, tenant: tenantId, conversation: conversationId }, 'assignment failed; will retry');
    },
  );
  const inputs = await feedDispatcher(
    nc,
    nc.jetstream(),
    catalog,
    dispatcher,
    logger,
    config.DISPATCH_TICK_MS,
  );

  const health = new Health('routing');
  health.addCheck('nats', () => nc.flush());
  health.addCheck('replay', () =>
    Promise.race([inputs.caughtUp, Promise.reject(new Error('lifecycle replay still running'))]),
  );
  const healthPort = await health.listen(config.HEALTH_PORT);

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'readiness',
      run: () => {
        health.setDraining();
      },
    },
    { name: 'inputs', run: () => inputs.stop() },
    { name: 'nats', run: () => nc.drain() },
    { name: 'health', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);
  await inputs.caughtUp;
  logger.info({ ports: { health: healthPort } }, 'ready');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
