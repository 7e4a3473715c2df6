import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
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
  readonly onLine?: (service: string, line: string) => void;
}

export interface SwitchboardStack {
  readonly httpUrl: string;
  readonly wsUrl: string;
  readonly adminGrpcAddr: string;
  readonly historyGrpcAddr: string;
  readonly services: Readonly<Record<ServiceName, ServiceProcess>>;
  readonly env: Readonly<Record<string, string>>;
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
  const start = async (name: ServiceName, env: Record<string, string>): Promise<ServiceProcess> => {
    const p = await startService(name, { ...env, ...(opts.env?.[name] ?? {}) }, { onLine: opts.onLine });
    started.push(p);
    return p;
  };
  try {
    const [admin, persistence, session, routing] = await Promise.all([
      start('admin', adminEnv),
      start('persistence', {
        ...common,
        CLICKHOUSE_URL: opts.clickhouseUrl,
        CLICKHOUSE_DATABASE: opts.clickhouseDatabase ?? 'switchboard',
        GRPC_PORT: '0',
      }),
      start('session', common),
      start('routing', common),
    ]);
    const adminGrpcAddr = `127.0.0.1:${portOf(admin, 'grpc')}`;
    const gatewayEnv = {
      ...common,
      PORT: String(opts.gatewayPort ?? 0),
      HOST: '127.0.0.1',
      ADMIN_GRPC_ADDR: adminGrpcAddr,
      TOKEN_SECRET: opts.tokenSecret ?? randomBytes(32).toString('hex'),
    };
    const gateway = await start('gateway', gatewayEnv);
    const httpPort = portOf(gateway, 'http');
    const services = { admin, persistence, session, routing, gateway };
    return {
      httpUrl: `http://127.0.0.1:${httpPort}`,
      wsUrl: `ws://127.0.0.1:${httpPort}/v1/ws`,
      adminGrpcAddr,
      historyGrpcAddr: `127.0.0.1:${portOf(persistence, 'grpc')}`,
      services,
      env: gatewayEnv,
      stop: async () => {
        await gateway.stop();
        await Promise.all([admin.stop(), persistence.stop(), session.stop(), routing.stop()]);
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
