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
  type ShutdownStep,
  type Telemetry,
} from '@switchboard/shared';
import { ConversationEventConsumer } from './adapters/conversation-event-consumer';
import { connectMongo, ensureIndexes } from './adapters/mongo';
import { createMongoRepositories } from './adapters/mongo-repositories';
import { NatsConfigNotifications } from './adapters/nats-config-notifications';
import { loadAdminConfig, type AdminConfig } from './config';
import { ConfigAdministration } from './domain/config-administration';
import { ConfigDirectory } from './domain/config-directory';
import { ConfigWatch } from './domain/config-watch';
import { ConversationProjector } from './domain/conversation-projection';
import { PasswordHasher } from './domain/password';
import { ConfigGrpcService } from './transport/config-grpc-service';

// This file is also the package entry, so importing @switchboard/admin gives the public API without
// starting anything; the service starts only when this file is run.
export * from './index';

export interface AdminService {
  readonly ports: { readonly health: number; readonly grpc: number };
  /** Configuration mutations (the admin RPCs and the seed use these). */
  readonly administration: ConfigAdministration;
  /** In order: draining, consumer, Watch streams, gRPC, NATS, MongoDB, health, telemetry. */
  readonly shutdownSteps: readonly ShutdownStep[];
  stop(): Promise<void>;
}

export interface AdminRuntime {
  readonly logger: Logger;
  readonly telemetry: Telemetry;
}

/** Composition root: NATS → MongoDB → repositories → projector → gRPC → health. */
export async function startAdmin(config: AdminConfig, runtime: AdminRuntime): Promise<AdminService> {
  const { logger, telemetry } = runtime;
  const catalog = new SubjectCatalog(config.SB_NAMESPACE);

  const nc = await connectNats({ url: config.NATS_URL, name: `admin-${hostname()}-${process.pid}`, logger });
  const mongo = await connectMongo(config.MONGO_URL, config.MONGO_DATABASE, 'switchboard-admin');
  await ensureIndexes(mongo.db);
  logger.info({ database: config.MONGO_DATABASE }, 'MongoDB ready');

  const repos = createMongoRepositories(mongo.db);
  const notifications = new NatsConfigNotifications(nc, catalog, logger);
  notifications.start();
  const hasher = new PasswordHasher();
  const administration = new ConfigAdministration({ ...repos, announcer: notifications, hasher });
  const directory = new ConfigDirectory({ ...repos, hasher });
  const watch = new ConfigWatch({
    reader: repos.changes,
    signal: notifications,
    pollMs: config.WATCH_POLL_MS,
    gapGraceMs: config.WATCH_GAP_GRACE_MS,
  });

  const consumer = new ConversationEventConsumer({
    nc,
    catalog,
    projector: new ConversationProjector(repos.conversations),
    tracer: telemetry.tracer,
    logger,
  });
  await consumer.start();

  const grpcService = new ConfigGrpcService({
    directory,
    administration,
    watch,
    tracer: telemetry.tracer,
    logger,
  });
  const grpc = await startGrpcServer([grpcService], config.GRPC_PORT);

  const health = new Health('admin');
  health.addCheck('nats', () => nc.flush());
  health.addCheck('mongodb', () => mongo.ping());
  const healthPort = await health.listen(config.HEALTH_PORT);

  const grpcGraceMs = Math.max(1_000, Math.floor(config.SHUTDOWN_GRACE_MS / 3));
  const shutdownSteps: ShutdownStep[] = [
    {
      name: 'draining',
      run: () => {
        health.setDraining();
        return Promise.resolve();
      },
    },
    { name: 'stop conversation consumer', run: () => consumer.stop() },
    {
      name: 'end Watch streams',
      run: () => {
        grpcService.closeStreams();
        return Promise.resolve();
      },
    },
    { name: 'stop gRPC', run: () => stopGrpcServer(grpc.server, grpcGraceMs) },
    {
      name: 'stop config notifications',
      run: () => {
        notifications.stop();
        return Promise.resolve();
      },
    },
    { name: 'drain NATS', run: () => nc.drain() },
    { name: 'close MongoDB', run: () => mongo.close() },
    { name: 'close health', run: () => health.close() },
    { name: 'flush telemetry', run: () => telemetry.shutdown() },
  ];
  let stopping: Promise<void> | undefined;
  return {
    ports: { health: healthPort, grpc: grpc.port },
    administration,
    shutdownSteps,
    stop: () => {
      stopping ??= (async () => {
        for (const step of shutdownSteps) await step.run();
      })();
      return stopping;
    },
  };
}

async function main(): Promise<void> {
  const config = loadAdminConfig();
  const telemetry = startTelemetry({
    serviceName: 'admin',
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
  });
  const logger = createLogger('admin', config.LOG_LEVEL);
  try {
    const service = await startAdmin(config, { logger, telemetry });
    installShutdown(logger, config.SHUTDOWN_GRACE_MS, service.shutdownSteps);
    logger.info({ ports: service.ports }, 'ready');
  } catch (err) {
    logger.fatal({ err }, 'admin failed to start');
    await telemetry.shutdown();
    process.exit(1);
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Only reached before the logger exists (bad configuration): print the full list and exit.
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
