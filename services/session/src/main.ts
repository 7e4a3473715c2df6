import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  createLogger,
  ensureStreams,
  Health,
  installShutdown,
  startTelemetry,
} from '@switchboard/shared';
import { StorageType } from 'nats';
import { JetStreamConversationLog } from './adapters/jetstream-conversation-log';
import { JetStreamEventPublisher } from './adapters/jetstream-event-publisher';
import { KvConversationStateStore } from './adapters/kv-conversation-state';
import { loadSessionConfig } from './config';
import { ConversationService } from './domain/conversation-service';
import { servePartitions } from './transport/nats-handlers';

async function main(): Promise<void> {
  const config = loadSessionConfig();
  const telemetry = startTelemetry({
    serviceName: 'session',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('session', config.LOG_LEVEL);
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: `session/${config.INSTANCE_ID}`, logger });
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, catalog);
  const js = nc.jetstream();
  const kv = await js.views.kv(catalog.buckets.conversationState, { history: 1, storage: StorageType.File });

  const service = new ConversationService(
    new KvConversationStateStore(kv, catalog),
    new JetStreamConversationLog(js, jsm, catalog, config.APPEND_TIMEOUT_MS),
    new JetStreamEventPublisher(js, catalog, config.APPEND_TIMEOUT_MS),
    { now: () => Date.now() },
    { maxLiveConversations: config.MAX_LIVE_CONVERSATIONS, recentIdsPerConversation: 1000 },
  );
  const partitions = servePartitions(
    nc,
    catalog,
    config.ownedPartitions,
    config.PARTITIONS,
    service,
    telemetry.tracer,
    logger,
  );

  const health = new Health('session');
  health.addCheck('nats', () => nc.flush());
  const healthPort = await health.listen(config.HEALTH_PORT);

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'readiness',
      run: () => {
        health.setDraining();
      },
    },
    { name: 'partitions', run: () => partitions.stop() },
    { name: 'nats', run: () => nc.drain() },
    { name: 'health', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);
  logger.info({ ports: { health: healthPort }, partitions: config.ownedPartitions.length }, 'ready');
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
