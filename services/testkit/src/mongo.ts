import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { MongoClient } from 'mongodb';

import { ServerStartError } from './errors';
import { freePorts } from './free-port';
import { ManagedServer, prepareDataDir, startWithPortRetry } from './managed-server';
import { ferretDbPath, findExecutable, isExecutable } from './paths';
import type { RunningServer, StartServerOptions } from './running-server';

/**
 * Starts a MongoDB wire-protocol server; url is `mongodb://127.0.0.1:PORT/`.
 * Uses `mongod` when it is on PATH, else FerretDB (SQLite backend) from ferretDbPath().
 */
export async function startMongo(opts: StartServerOptions = {}): Promise<RunningServer> {
  return launchMongo(opts);
}

export async function launchMongo(opts: StartServerOptions = {}): Promise<ManagedServer> {
  const env = opts.env ?? process.env;
  const mongod = findExecutable('mongod', env);
  const ferretdb = ferretDbPath(env);
  if (mongod === undefined && !isExecutable(ferretdb)) {
    throw new ServerStartError({
      server: 'ferretdb',
      commandLine: ferretdb,
      reason:
        `neither mongod (on PATH) nor FerretDB (${ferretdb}) is installed. ` +
        'Run `npm test` or `node deploy/local/ensure-servers.mjs` once: it builds FerretDB v1.24.2 ' +
        'into the cache dir (needs Go). Or set MONGO_URL to an existing server.',
    });
  }
  const { dir, owned } = await prepareDataDir('mongo', opts.dataDir);

  return startWithPortRetry(opts.port === undefined, async () => {
    const [picked] = await freePorts(1);
    const port = opts.port ?? picked;
    if (port === undefined) throw new Error('no free port');
    const url = `mongodb://127.0.0.1:${port}/`;
    const common = {
      env,
      url,
      dataDir: dir,
      ownsDataDir: owned,
      readyTimeoutMs: opts.readyTimeoutMs ?? 30_000,
      probe: (timeoutMs: number) => pingMongo(port, url, timeoutMs),
      ...(opts.log === undefined ? {} : { log: opts.log }),
    };
    if (mongod !== undefined) {
      return new ManagedServer(
        {
          ...common,
          name: 'mongod',
          command: mongod,
          args: ['--bind_ip', '127.0.0.1', '--port', String(port), '--dbpath', dir, '--quiet'],
        },
        opts.keepData,
      );
    }
    const sqliteDir = path.join(dir, 'sqlite');
    const stateDir = path.join(dir, 'state');
    await fs.mkdir(sqliteDir, { recursive: true });
    await fs.mkdir(stateDir, { recursive: true });
    return new ManagedServer(
      {
        ...common,
        name: 'ferretdb',
        command: ferretdb,
        args: ferretDbArgs(port, sqliteDir, stateDir),
        cwd: dir,
      },
      opts.keepData,
    );
  });
}

/**
 * FerretDB v1.24 flags: SQLite backend, no telemetry, no debug HTTP listener (it defaults to :8088).
 * Log level error: at warn it logs a dump for every driver `endSessions` it does not support.
 */
export function ferretDbArgs(port: number, sqliteDir: string, stateDir: string): string[] {
  return [
    '--handler=sqlite',
    `--sqlite-url=file:${sqliteDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    '--telemetry=disable',
    '--log-level=error',
    `--state-dir=${stateDir}`,
    '--debug-addr=-',
  ];
}

async function pingMongo(port: number, url: string, timeoutMs: number): Promise<boolean> {
  // A bare TCP connect fails fast while the port is closed; the driver would wait for server selection.
  if (!(await canConnect(port, timeoutMs))) return false;
  const client = new MongoClient(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    directConnection: true,
  });
  try {
    const reply = await client.db('admin').command({ ping: 1 });
    return reply.ok === 1;
  } finally {
    await client.close();
  }
}

function canConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: timeoutMs });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => {
      done(true);
    });
    socket.once('timeout', () => {
      done(false);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}
