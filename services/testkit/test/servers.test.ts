import fs from 'node:fs';
import net from 'node:net';

import { MongoClient } from 'mongodb';

import {
  freePort,
  ServerStartError,
  startClickHouse,
  startMongo,
  startNats,
  startServers,
  type RunningServer,
} from '../src/index';
import type { ManagedServer } from '../src/managed-server';
import { prepareDataDir, startWithPortRetry } from '../src/managed-server';
import { natsServer, natsServerBinary } from '../src/nats';

jest.setTimeout(90_000);

/** Reads the first protocol line a NATS server sends on connect. */
function natsGreeting(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const end = buffered.indexOf('\r\n');
      if (end >= 0) {
        socket.destroy();
        resolve(buffered.slice(0, end));
      }
    });
    socket.once('error', reject);
  });
}

async function clickhouse(url: string, sql: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', body: sql });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`ClickHouse ${res.status}: ${body}`);
  return body;
}

async function withMongo<T>(url: string, fn: (client: MongoClient) => Promise<T>): Promise<T> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000 });
  try {
    return await fn(client);
  } finally {
    await client.close();
  }
}

function listenOnFreePort(): Promise<net.Server & { port: number }> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve(Object.assign(server, { port: (server.address() as net.AddressInfo).port }));
    });
  });
}

/** Stops every server a test started, even when the test failed half-way. */
const started: RunningServer[] = [];
async function track<T extends RunningServer>(server: Promise<T>): Promise<T> {
  const s = await server;
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('startNats', () => {
  test('startNats - answers with a JetStream-enabled INFO greeting on 127.0.0.1', async () => {
    const nats = await track(startNats());
    expect(nats.url).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(nats.pid).toEqual(expect.any(Number));
    const greeting = await natsGreeting(nats.url);
    expect(greeting.startsWith('INFO {')).toBe(true);
    const info = JSON.parse(greeting.slice('INFO '.length)) as { jetstream?: boolean; port?: number };
    expect(info.jetstream).toBe(true);
    expect(String(info.port)).toBe(new URL(nats.url).port);
  });

  test('startNats - restart() after kill comes back on the same url and data dir', async () => {
    const nats = await track(startNats());
    const { url, dataDir } = nats;
    await nats.kill('SIGKILL');
    expect(nats.pid).toBeUndefined();
    await expect(natsGreeting(url)).rejects.toThrow(/ECONNREFUSED/);
    await nats.restart();
    expect(nats.url).toBe(url);
    expect(nats.dataDir).toBe(dataDir);
    expect(await natsGreeting(url)).toMatch(/^INFO \{/);
  });

  test('startNats - stop() removes its temp data dir', async () => {
    const nats = await startNats();
    const dataDir = nats.dataDir ?? '';
    expect(fs.existsSync(dataDir)).toBe(true);
    await nats.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
    expect(nats.pid).toBeUndefined();
  });

  test('startNats - fails with ServerStartError naming the server, command and output when the port is taken', async () => {
    const blocker = await listenOnFreePort();
    try {
      const error: unknown = await startNats({ port: blocker.port }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServerStartError);
      const e = error as ServerStartError;
      expect(e.name).toBe('ServerStartError');
      expect(e.server).toBe('nats-server');
      expect(e.portInUse).toBe(true);
      expect(e.message).toContain(`-p ${blocker.port}`);
      expect(e.message).toMatch(/address already in use/);
    } finally {
      blocker.close();
    }
  });

  test('startNats - fails with ServerStartError when NATS_SERVER_BIN is not executable', async () => {
    const env = { ...process.env, NATS_SERVER_BIN: '/nonexistent/nats-server' };
    await expect(startNats({ env })).rejects.toThrow(
      /NATS_SERVER_BIN=\/nonexistent\/nats-server is not an executable/,
    );
  });
});

describe('startWithPortRetry', () => {
  test('startWithPortRetry - starts again with fresh ports when the picked port was taken meanwhile', async () => {
    const blocker = await listenOnFreePort();
    const bin = natsServerBinary();
    const { dir, owned } = await prepareDataDir('nats', undefined);
    const ports: number[] = [];
    try {
      const server = await startWithPortRetry(true, async () => {
        const port = ports.length === 0 ? blocker.port : await freePort();
        ports.push(port);
        return natsServer({
          bin,
          port,
          monitorPort: await freePort(),
          dataDir: dir,
          ownsDataDir: owned,
          opts: {},
        });
      });
      started.push(server);
      expect(ports).toHaveLength(2);
      expect(server.url).toBe(`nats://127.0.0.1:${ports[1]}`);
      expect(await natsGreeting(server.url)).toMatch(/^INFO \{/);
    } finally {
      blocker.close();
    }
  });

  test('startWithPortRetry - does not retry when the port was chosen by the caller', async () => {
    const blocker = await listenOnFreePort();
    let builds = 0;
    try {
      const attempt = startWithPortRetry(false, async (): Promise<ManagedServer> => {
        builds++;
        const { dir, owned } = await prepareDataDir('nats', undefined);
        const opts = {};
        return natsServer({
          bin: natsServerBinary(),
          port: blocker.port,
          monitorPort: await freePort(),
          dataDir: dir,
          ownsDataDir: owned,
          opts,
        });
      });
      await expect(attempt).rejects.toBeInstanceOf(ServerStartError);
      expect(builds).toBe(1);
    } finally {
      blocker.close();
    }
  });
});

describe('startClickHouse', () => {
  test('startClickHouse - answers SELECT 1 over HTTP', async () => {
    const ch = await track(startClickHouse());
    expect(ch.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await clickhouse(ch.url, 'SELECT 1')).toBe('1\n');
  });

  test('startClickHouse - keeps table data across kill -9 and restart', async () => {
    const ch = await track(startClickHouse());
    await clickhouse(ch.url, 'CREATE TABLE t (x UInt32, s String) ENGINE = MergeTree() ORDER BY x');
    await clickhouse(ch.url, "INSERT INTO t VALUES (1, 'a'), (2, 'b')");
    await ch.kill('SIGKILL');
    await ch.restart();
    expect(await clickhouse(ch.url, 'SELECT x, s FROM t ORDER BY x FORMAT TSV')).toBe('1\ta\n2\tb\n');
  });

  test('startClickHouse - stop() removes its temp data dir', async () => {
    const ch = await startClickHouse();
    const dataDir = ch.dataDir ?? '';
    expect(fs.existsSync(`${dataDir}/config.xml`)).toBe(true);
    await ch.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});

describe('startMongo', () => {
  test('startMongo - inserts and finds a document', async () => {
    const mongo = await track(startMongo());
    expect(mongo.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    const found = await withMongo(mongo.url, async (client) => {
      const coll = client.db('testkit').collection<{ _id: string; n: number }>('docs');
      await coll.insertOne({ _id: 'a', n: 1 });
      return coll.findOne({ _id: 'a' });
    });
    expect(found).toEqual({ _id: 'a', n: 1 });
  });

  test('startMongo - keeps documents across kill -9 and restart', async () => {
    const mongo = await track(startMongo());
    await withMongo(mongo.url, (client) => client.db('testkit').collection('docs').insertOne({ k: 'kept' }));
    await mongo.kill('SIGKILL');
    await mongo.restart();
    const found = await withMongo(mongo.url, (client) =>
      client
        .db('testkit')
        .collection('docs')
        .findOne({ k: 'kept' }, { projection: { _id: 0 } }),
    );
    expect(found).toEqual({ k: 'kept' });
  });

  test('startMongo - stop() removes its temp data dir', async () => {
    const mongo = await startMongo();
    const dataDir = mongo.dataDir ?? '';
    expect(fs.existsSync(dataDir)).toBe(true);
    await mongo.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});

describe('startMongo without a server binary', () => {
  test('startMongo - explains how to get FerretDB when neither mongod nor FerretDB is installed', async () => {
    const env = { ...process.env, PATH: '/nonexistent', SB_CACHE_DIR: '/nonexistent/cache' };
    await expect(startMongo({ env })).rejects.toThrow(/node deploy\/local\/ensure-servers\.mjs/);
  });
});

describe('startServers', () => {
  test('jest global setup - exports NATS_URL, CLICKHOUSE_URL and MONGO_URL to workers', () => {
    expect(process.env.NATS_URL).toMatch(/^nats:\/\//);
    expect(process.env.CLICKHOUSE_URL).toMatch(/^http:\/\//);
    expect(process.env.MONGO_URL).toMatch(/^mongodb:\/\//);
  });

  test('startServers - reuses URLs from env and starts only the missing servers', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NATS_URL: 'nats://127.0.0.1:1',
      CLICKHOUSE_URL: 'http://127.0.0.1:1',
      MONGO_URL: '',
    };
    const set = await startServers({ env });
    try {
      expect(set.natsUrl).toBe('nats://127.0.0.1:1');
      expect(set.clickhouseUrl).toBe('http://127.0.0.1:1');
      expect(set.servers).toHaveLength(1);
      expect(set.mongoUrl).toBe(set.servers[0]?.url);
    } finally {
      await set.stop();
    }
    expect(set.servers[0]?.pid).toBeUndefined();
  });
});

describe('freePort', () => {
  test('freePort - returns a port that can be listened on', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        resolve();
      });
    });
    server.close();
    expect(port).toBeGreaterThan(0);
  });
});
