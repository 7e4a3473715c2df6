import { SubjectCatalog } from '@switchboard/proto';
import {
  connectNats,
  createLogger,
  ensureStreams,
  Gauge,
  Health,
  installShutdown,
  partitionOf,
  startTelemetry,
} from '@switchboard/shared';
import { performance } from 'node:perf_hooks';
import { StorageType } from 'nats';
import { GrpcHistoryLookup } from './adapters/grpc-history-lookup';
import { JetStreamConversationLog } from './adapters/jetstream-conversation-log';
import { JetStreamEventPublisher } from './adapters/jetstream-event-publisher';
import { KvConversationStateStore } from './adapters/kv-conversation-state';
import { KvLeaseStore } from './adapters/kv-lease-store';
import { loadSessionConfig } from './config';
import { ConversationService } from './domain/conversation-service';
import { PartitionOwnership } from './domain/partition-ownership';
import { partitionServer } from './transport/nats-handlers';

async function main(): Promise<void> {
  const config = loadSessionConfig();
  const telemetry = startTelemetry({
    serviceName: 'session',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('session', config.LOG_LEVEL).child({ instance: config.INSTANCE_ID });
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: `session/${config.INSTANCE_ID}`, logger });
  const jsm = await nc.jetstreamManager();
  await ensureStreams(jsm, catalog);
  const js = nc.jetstream();
  const stateKv = await js.views.kv(catalog.buckets.conversationState, {
    history: 1,
    storage: StorageType.File,
  });
  const leaseKv = await js.views.kv(catalog.buckets.sessionLeases, { history: 1, storage: StorageType.File });
  const leases = await KvLeaseStore.open(leaseKv, catalog, logger);
  const history = new GrpcHistoryLookup(config.HISTORY_GRPC_ADDR, config.APPEND_TIMEOUT_MS);

  // The ownership and the service refer to each other through these two closures.
  let owns: (partition: number) => boolean = () => false;
  const service = new ConversationService(
    new KvConversationStateStore(stateKv, catalog),
    new JetStreamConversationLog(js, jsm, catalog, config.APPEND_TIMEOUT_MS, config.INSTANCE_ID),
    new JetStreamEventPublisher(js, catalog, config.APPEND_TIMEOUT_MS),
    history,
    { now: () => Date.now() },
    {
      maxLiveConversations: config.MAX_LIVE_CONVERSATIONS,
      stillOwner: (conversationId) => owns(partitionOf(conversationId, config.PARTITIONS)),
    },
  );
  const server = partitionServer(
    nc,
    catalog,
    config.PARTITIONS,
    (p) => owns(p),
    service,
    telemetry.tracer,
    logger,
  );
  const ownership = new PartitionOwnership(
    leases,
    {
      acquired: (p) => {
        server.serve(p);
        return Promise.resolve();
      },
      lost: (p) => server.unserve(p),
    },
    { wallMs: () => Date.now(), monoMs: () => performance.now() },
    {
      instanceId: config.INSTANCE_ID,
      totalPartitions: config.PARTITIONS,
      leaseTtlMs: config.LEASE_TTL_MS,
      renewEveryMs: config.LEASE_RENEW_MS,
      safetyMarginMs: Math.min(1000, Math.floor(config.LEASE_TTL_MS / 4)),
    },
    logger.child({ component: 'ownership' }),
  );
  owns = (p) => ownership.owns(p);

  const health = new Health('session');
  health.addCheck('nats', () => nc.flush());
  new Gauge({
    name: 'sb_session_partitions_owned',
    help: 'Session partitions this instance owns',
    registers: [health.registry],
    collect() {
      this.set(ownership.ownedCount);
    },
  });
  new Gauge({
    name: 'sb_session_live_conversations',
    help: 'Conversations cached in memory',
    registers: [health.registry],
    collect() {
      this.set(service.liveCount);
    },
  });
  const healthPort = await health.listen(config.HEALTH_PORT);
  await ownership.start();

  installShutdown(logger, config.SHUTDOWN_GRACE_MS, [
    {
      name: 'readiness',
      run: () => {
        health.setDraining();
      },
    },
    // Hands partitions over at once (after answering what was received), so nobody waits for the TTL.
    { name: 'partitions', run: () => ownership.stop() },
    { name: 'conversations', run: () => service.idle() },
    {
      name: 'leases',
      run: () => {
        leases.close();
      },
    },
    { name: 'nats', run: () => nc.drain() },
    {
      name: 'history',
      run: () => {
        history.close();
      },
    },
    { name: 'health', run: () => health.close() },
    { name: 'telemetry', run: () => telemetry.shutdown() },
  ]);
  logger.info(
    { ports: { health: healthPort }, partitions: ownership.ownedCount, total: config.PARTITIONS },
    'ready',
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
