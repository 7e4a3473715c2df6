import { ServerStartError } from './errors';
import { freePorts } from './free-port';
import { httpGet } from './http-get';
import { ManagedServer, prepareDataDir, startWithPortRetry } from './managed-server';
import { findExecutable } from './paths';
import type { RunningServer, StartServerOptions } from './running-server';

const NAME = 'nats-server';

/** Starts nats-server with JetStream on 127.0.0.1; url is `nats://127.0.0.1:PORT`. */
export async function startNats(opts: StartServerOptions = {}): Promise<RunningServer> {
  return launchNats(opts);
}

export async function launchNats(opts: StartServerOptions = {}): Promise<ManagedServer> {
  const bin = natsServerBinary(opts.env ?? process.env);
  const { dir, owned } = await prepareDataDir('nats', opts.dataDir);
  return startWithPortRetry(opts.port === undefined, async () => {
    const [picked, monitorPort] = await freePorts(2);
    const port = opts.port ?? picked;
    if (port === undefined || monitorPort === undefined) throw new Error('no free port');
    return natsServer({ bin, port, monitorPort, dataDir: dir, ownsDataDir: owned, opts });
  });
}

/** Path of nats-server: NATS_SERVER_BIN, else PATH, else /usr/sbin. */
export function natsServerBinary(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.NATS_SERVER_BIN;
  const bin = findExecutable(NAME, env, override);
  if (bin !== undefined) return bin;
  throw new ServerStartError({
    server: NAME,
    commandLine: override ?? NAME,
    reason:
      override !== undefined && override !== ''
        ? `NATS_SERVER_BIN=${override} is not an executable file`
        : 'not found on PATH or in /usr/sbin; run `node deploy/local/ensure-servers.mjs` ' +
          '(or `apt-get install nats-server`), or set NATS_SERVER_BIN',
  });
}

/** A not-yet-started nats-server with JetStream on 127.0.0.1:`port`, monitoring on `monitorPort`. */
export function natsServer(params: {
  bin: string;
  port: number;
  monitorPort: number;
  dataDir: string;
  ownsDataDir: boolean;
  opts: StartServerOptions;
}): ManagedServer {
  const { bin, port, monitorPort, dataDir, ownsDataDir, opts } = params;
  return new ManagedServer(
    {
      name: NAME,
      command: bin,
      args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dataDir, '-m', String(monitorPort)],
      ...(opts.env === undefined ? {} : { env: opts.env }),
      url: `nats://127.0.0.1:${port}`,
      dataDir,
      ownsDataDir,
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
      // /healthz (2.7+) answers 200 only once the client listener and JetStream are up.
      probe: async (timeoutMs) =>
        (await httpGet(`http://127.0.0.1:${monitorPort}/healthz`, timeoutMs)).status === 200,
      ...(opts.log === undefined ? {} : { log: opts.log }),
    },
    opts.keepData,
  );
}
