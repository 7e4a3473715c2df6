import { hostname } from 'node:os';
import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  createLogger,
  Health,
  installShutdown,
  startGrpcServer,
  startTelemetry,
  stopGrpcServer,
  type Logger,
} from '@switchboard/shared';
import { ClickHouseMessageStore, createClickHouseClient } from './adapters/clickhouse-store';
import {
  ConversationConsumer,
  DURABLE_NAME,
  ensureConversationConsumer,
} from './adapters/conversation-consumer';
import { runMigrations } from './adapters/migrations';
import { PrometheusPipelineMetrics } from './adapters/pipeline-metrics';
import { loadPersistenceConfig } from './config';
import { defaultRetry, MessageBatcher } from './domain/batcher';
import { HistoryReader } from './domain/history';
import { retryDelayMs } from './domain/retry-delay';
import { historyService } from './transport/history-service';

const SERVICE = 'persistence';
/** How long startup waits for ClickHouse to come up before giving up. */
const STARTUP_DEADLINE_MS = 60_000;

async function main(): Promise<void> {
  const config = loadPersistenceConfig();
  const telemetry = startTelemetry({
    serviceName: SERVICE,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger(SERVICE, config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => {
    logger.error({ err }, 'unhandled rejection');
  });
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);
  const health = new Health(SERVICE);
  const metrics = new PrometheusPipelineMetrics(health.registry);

  const nc = await connectNats({
    url: config.NATS_URL,
    name: `${SERVICE}:${hostname()}:${process.pid}`,
    logger,
  });

  const clickhouse = createClickHouseClient({
    url: config.CLICKHOUSE_URL,
    username: config.CLICKHOUSE_USER,
    password: config.CLICKHOUSE_PASSWORD,
  });
  const store = new ClickHouseMessageStore(clickhouse, config.CLICKHOUSE_DATABASE);
  await untilDeadline(logger, 'ClickHouse migrations', () =>
    runMigrations(clickhouse, config.CLICKHOUSE_DATABASE, logger),
  );

  const jsm = await nc.jetstreamManager();
  await ensureConversationConsumer(jsm, catalog, config.BATCH_MAX_ROWS);
  const durable = await nc.jetstream().consumers.get(catalog.streams.conv, DURABLE_NAME);
  const batcher = new MessageBatcher({
    sink: store,
    policy: { maxRows: config.BATCH_MAX_ROWS, maxMs: config.BATCH_MAX_MS, ...defaultRetry },
    logger: logger.child({ component: 'batcher' }),
    metrics,
  });
  const consumer = new ConversationConsumer({
    consumer: durable,
    batcher,
    catalog,
    tracer: telemetry.tracer,
    logger,
    metrics,
  });
  consumer.start();

  const grpc = await startGrpcServer(
    [historyService(new HistoryReader(store), telemetry.tracer, logger)],
    config.GRPC_PORT,
  );

  health.addCheck('nats', () => nc.flush());
  health.addCheck('clickhouse', () => store.ping());
  const healthPort = await health.listen(config.HEALTH_PORT);

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'health draining',
      run: () => {
        health.setDraining();
        return Promise.resolve();
      },
    },
    { name: 'consumer', run: () => consumer.stop() },
    { name: 'grpc', run: () => stopGrpcServer(grpc.server, Math.floor(config.SHUTDOWN_GRACE_MS / 3)) },
    { name: 'nats', run: () => nc.drain() },
    { name: 'clickhouse', run: () => clickhouse.close() },
    { name: 'health server', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);

  logger.info({ ports: { health: healthPort, grpc: grpc.port }, namespace: config.SB_NAMESPACE }, 'ready');
}

/** Retries `fn` with backoff until it succeeds or the startup deadline passes (ClickHouse may start later). */
async function untilDeadline<T>(logger: Logger, what: string, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + STARTUP_DEADLINE_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const delay = retryDelayMs(attempt, 250, 5000);
      if (Date.now() + delay > deadline) throw err;
      logger.warn({ err, attempt, retry_in_ms: delay }, `${what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

main().catch((err: unknown) => {
  // The logger may not exist yet (bad config), so write the reason plainly.
  process.stderr.write(
    `persistence failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
