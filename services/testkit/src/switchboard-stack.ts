import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { freePort } from './free-port';
import { serviceEntry, startService, type ServiceName, type ServiceProcess } from './service-process';

export interface StackOptions {
  readonly natsUrl: string;
  readonly clickhouseUrl: string;
  readonly mongoUrl: string;
  /** Subject/stream namespace; '' for production names. */
  readonly namespace?: string;
  readonly mongoDatabase?: string;
  readonly clickhouseDatabase?: string;
  readonly tokenSecret?: string;
  readonly gatewayPort?: number;
  readonly otlpEndpoint?: string;
  /** `info` or more verbose (`debug`, `trace`): services announce their ports in an info-level `ready` line. */
  readonly logLevel?: 'info' | 'debug' | 'trace';
  /** Run the admin seed (demo tenant, agents, widget key) before starting services. */
  readonly seed?: boolean;
  readonly env?: Partial<Record<ServiceName, Record<string, string>>>;
  /** How many session instances to run; they share the partitions through leases. Default 1. */
  readonly sessionInstances?: number;
  readonly onLine?: (service: string, line: string) => void;
}

export interface SwitchboardStack {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly adminGrpcAddr: string;
  readonly historyGrpcAddr: string;
  /** The first process of each service (session: the first instance). Changes after restart(). */
  readonly services: Readonly<Record<ServiceName, ServiceProcess>>;
  /** Every session instance, in start order. */
  readonly sessions: readonly ServiceProcess[];
  readonly env: Readonly<Record<string, string>>;
  /**
   * Starts a service again with the environment it had (the gateway on the same port), e.g. after a
   * kill -9. `index` picks the session instance. Resolves once it logged `ready`.
   */
  restart(name: ServiceName, index?: number): Promise<ServiceProcess>;
  /** Stops every service gracefully, gateway first. */
  stop(): Promise<void>;
}

/**
 * Starts the five services as separate processes against the given servers: admin, persistence,
 * session and routing together, then the gateway (it needs admin's address).
 */
export async function startSwitchboard(opts: StackOptions): Promise<SwitchboardStack> {
  const common: Record<string, string> = {
    NATS_URL: opts.natsUrl,
    SB_NAMESPACE: opts.namespace ?? '',
    LOG_LEVEL: opts.logLevel ?? 'info',
    HEALTH_PORT: '0',
    ...(opts.otlpEndpoint !== undefined ? { OTEL_EXPORTER_OTLP_ENDPOINT: opts.otlpEndpoint } : {}),
  };
  const adminEnv = {
    ...common,
    MONGO_URL: opts.mongoUrl,
    MONGO_DATABASE: opts.mongoDatabase ?? 'switchboard',
    GRPC_PORT: '0',
  };
  if (opts.seed === true) await runSeed({ ...adminEnv, ...(opts.env?.admin ?? {}) }, opts.onLine);

  const started: ServiceProcess[] = [];
  const envs = new Map<string, Record<string, string>>();
  const start = async (
    name: ServiceName,
    env: Record<string, string>,
    label: string = name,
  ): Promise<ServiceProcess> => {
    const full = { ...env, ...(opts.env?.[name] ?? {}) };
    envs.set(label, full);
    const p = await startService(name, full, { onLine: opts.onLine, label });
    started.push(p);
    return p;
  };
  try {
    // Session instances ask history about very old retries, so persistence's port is fixed up front.
    const historyPort = await freePort();
    const persistenceEnv = {
      ...common,
      CLICKHOUSE_URL: opts.clickhouseUrl,
      CLICKHOUSE_DATABASE: opts.clickhouseDatabase ?? 'switchboard',
      GRPC_PORT: String(historyPort),
    };
    const sessionCount = Math.max(1, opts.sessionInstances ?? 1);
    // Routing reads the configuration from admin, so admin's port is fixed up front too.
    const adminPort = await freePort();
    const [admin, persistence, routing, ...sessions] = await Promise.all([
      start('admin', { ...adminEnv, GRPC_PORT: String(adminPort) }),
      start('persistence', persistenceEnv),
      start('routing', { ...common, ADMIN_GRPC_ADDR: `127.0.0.1:${adminPort}` }),
      ...Array.from({ length: sessionCount }, (_, i) =>
        start(
          'session',
          { ...common, INSTANCE_ID: `session-${i}`, HISTORY_GRPC_ADDR: `127.0.0.1:${historyPort}` },
          sessionLabel(i, sessionCount),
        ),
      ),
    ]);
    const adminGrpcAddr = `127.0.0.1:${portOf(admin, 'grpc')}`;
    const historyGrpcAddr = `127.0.0.1:${portOf(persistence, 'grpc')}`;
    // Restarts keep these ports, so other services and clients find the new process where the old one was.
    envs.set('admin', { ...(envs.get('admin') ?? {}), GRPC_PORT: String(portOf(admin, 'grpc')) });
    envs.set('persistence', {
      ...(envs.get('persistence') ?? {}),
      GRPC_PORT: String(portOf(persistence, 'grpc')),
    });
    const gatewayEnv = {
      ...common,
      PORT: String(opts.gatewayPort ?? 0),
      HOST: '127.0.0.1',
      ADMIN_GRPC_ADDR: adminGrpcAddr,
      HISTORY_GRPC_ADDR: historyGrpcAddr,
      TOKEN_SECRET: opts.tokenSecret ?? randomBytes(32).toString('hex'),
    };
    const gateway = await start('gateway', gatewayEnv);
    const httpPort = portOf(gateway, 'http');
    envs.set('gateway', { ...(envs.get('gateway') ?? {}), PORT: String(httpPort) });
    const current: Record<ServiceName, ServiceProcess> = {
      admin,
      persistence,
      session: sessions[0] ?? admin,
      routing,
      gateway,
    };
    const sessionList = [...sessions];
    return {
      httpUrl: `http://127.0.0.1:${httpPort}`,
      wsUrl: `ws://127.0.0.1:${httpPort}/v1/ws`,
      adminGrpcAddr,
      historyGrpcAddr,
      get services() {
        return current;
      },
      get sessions() {
        return sessionList;
      },
      env: gatewayEnv,
      restart: async (name, index = 0) => {
        const label = name === 'session' ? sessionLabel(index, sessionCount) : name;
        const env = envs.get(label);
        if (env === undefined) throw new Error(`no ${label} was started`);
        const old = name === 'session' ? sessionList[index] : current[name];
        if (old !== undefined) await old.kill();
        const p = await startService(name, env, { onLine: opts.onLine, label });
        started.push(p);
        if (name === 'session') {
          sessionList[index] = p;
          if (index === 0) current.session = p;
        } else {
          current[name] = p;
        }
        return p;
      },
      stop: async () => {
        await current.gateway.stop();
        await Promise.all([
          current.admin.stop(),
          current.persistence.stop(),
          current.routing.stop(),
          ...sessionList.map((s) => s.stop()),
        ]);
      },
    };
  } catch (err) {
    await Promise.all(started.map((p) => p.kill()));
    throw err;
  }
}

function portOf(p: ServiceProcess, name: string): number {
  const port = p.ports[name];
  if (port === undefined) throw new Error(`${p.name} did not report a ${name} port`);
  return port;
}

/** Runs the admin seed command to completion. */
export function runSeed(
  env: Record<string, string>,
  onLine?: (service: string, line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [serviceEntry('admin', 'seed.js')], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const collect = (b: Buffer): void => {
      for (const line of b.toString('utf8').split('\n')) {
        if (line === '') continue;
        out.push(line);
        onLine?.('seed', line);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`seed exited with ${String(code)}:\n${out.slice(-30).join('\n')}`));
    });
  });
}

function sessionLabel(index: number, count: number): string {
  return count === 1 ? 'session' : `session-${index}`;
}
