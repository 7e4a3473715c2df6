import { launchClickHouse } from './clickhouse';
import { ServerSetStartError } from './errors';
import type { ManagedServer } from './managed-server';
import { launchMongo } from './mongo';
import { launchNats } from './nats';
import type { RunningServer, StartServerOptions } from './running-server';

/** The three servers the platform needs, either started here or taken from the environment. */
export interface ServerSet {
  natsUrl: string;
  clickhouseUrl: string;
  mongoUrl: string;
  /** Only the servers this set started (not those whose URL came from the environment). */
  servers: RunningServer[];
  /** Stops every started server and removes their temp data dirs. */
  stop(): Promise<void>;
}

export interface StartServersOptions {
  /** NATS_URL / CLICKHOUSE_URL / MONGO_URL here replace starting that server (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives every output line of every started server, prefixed with `[nats] `, `[clickhouse] ` or `[mongo] `. */
  log?: (line: string) => void;
  /** Receives one line per milestone, e.g. `nats-server ready at nats://127.0.0.1:4222 (0.1 s)`. */
  progress?: (line: string) => void;
}

interface Slot {
  label: string;
  envVar: 'NATS_URL' | 'CLICKHOUSE_URL' | 'MONGO_URL';
  launch: (opts: StartServerOptions) => Promise<ManagedServer>;
}

const SLOTS: readonly Slot[] = [
  { label: 'nats', envVar: 'NATS_URL', launch: launchNats },
  { label: 'clickhouse', envVar: 'CLICKHOUSE_URL', launch: launchClickHouse },
  { label: 'mongo', envVar: 'MONGO_URL', launch: launchMongo },
];

/** Starts NATS, ClickHouse and MongoDB (FerretDB) in parallel, skipping any whose URL is set in env. */
export async function startServers(opts: StartServersOptions = {}): Promise<ServerSet> {
  const env = opts.env ?? process.env;
  const results = await Promise.allSettled(
    SLOTS.map(async (slot): Promise<{ url: string; server?: ManagedServer }> => {
      const given = env[slot.envVar];
      if (given !== undefined && given !== '') {
        opts.progress?.(`using ${slot.envVar}=${given}`);
        return { url: given };
      }
      const log = opts.log;
      const server = await slot.launch({
        env,
        ...(log === undefined
          ? {}
          : {
              log: (line: string) => {
                log(`[${slot.label}] ${line}`);
              },
            }),
      });
      opts.progress?.(`${server.name} ready at ${server.url} (${(server.startupMs / 1000).toFixed(1)} s)`);
      return { url: server.url, server };
    }),
  );

  const started = results.flatMap((r) =>
    r.status === 'fulfilled' && r.value.server !== undefined ? [r.value.server] : [],
  );
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length > 0) {
    await Promise.allSettled(started.map((s) => s.stop()));
    throw failures.length === 1 ? failures[0] : new ServerSetStartError(failures);
  }

  const urls = results.map((r) => (r.status === 'fulfilled' ? r.value.url : ''));
  const [natsUrl = '', clickhouseUrl = '', mongoUrl = ''] = urls;
  let stopping: Promise<void> | undefined;
  return {
    natsUrl,
    clickhouseUrl,
    mongoUrl,
    servers: started,
    stop() {
      stopping ??= stopAll(started);
      return stopping;
    },
  };
}

async function stopAll(servers: readonly RunningServer[]): Promise<void> {
  const results = await Promise.allSettled(servers.map((s) => s.stop()));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `${failures.length} servers did not stop`);
}
