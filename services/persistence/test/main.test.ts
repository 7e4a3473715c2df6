import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { credentials } from '@grpc/grpc-js';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NatsConnection } from 'nats';
import {
  Channel,
  HistoryServiceClient,
  ListMessagesRequest,
  MessageKind,
  SubjectCatalog,
  UnifiedMessage,
  type ListMessagesResponse,
} from '@switchboard/proto';
import { DURABLE_NAME } from '../src/adapters/conversation-consumer';
import {
  clickHouseFor,
  connectTestNats,
  deleteStreams,
  dropDatabase,
  serverConfig,
  unique,
  waitFor,
} from './support';

const entry = path.resolve(__dirname, '..', 'dist', 'src', 'main.js');

let nc: NatsConnection;
let client: ClickHouseClient;
let catalog: SubjectCatalog;
let database: string;
let child: ChildProcess | undefined;

beforeEach(async () => {
  nc = await connectTestNats();
  client = clickHouseFor();
  catalog = new SubjectCatalog(unique('m'));
  database = unique('sbmain_');
});

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  await deleteStreams(nc, catalog);
  await nc.close();
  await dropDatabase(client, database);
  await client.close();
});

interface Started {
  readonly ports: { health: number; grpc: number };
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

/** Spawns the built service with ports 0 and resolves with the ports of its `ready` line. */
function startService(proc: ChildProcess): Promise<Started> {
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => {
    proc.once('exit', (code) => {
      resolve(code);
    });
  });
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ready line within 30 s:\n${lines.join('\n')}`));
    }, 30_000);
    createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', (l) => lines.push(l));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      let parsed: { msg?: unknown; ports?: { health: number; grpc: number } };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.msg === 'ready' && parsed.ports !== undefined) {
        clearTimeout(timer);
        resolve({ ports: parsed.ports, lines, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before ready:\n${lines.join('\n')}`));
    });
  });
}

function listMessages(
  history: HistoryServiceClient,
  req: Partial<ListMessagesRequest>,
): Promise<ListMessagesResponse> {
  return new Promise((resolve, reject) => {
    history.listMessages(ListMessagesRequest.fromPartial(req), (err, res) => {
      if (err) reject(err);
      else resolve(res);
    });
  });
}

test('persistence main - logs ready with bound ports, stores messages, serves history and stops cleanly on SIGTERM', async () => {
  expect(
    existsSync(entry) ? entry : `${entry} is missing: run \`npx tsc -b services/persistence\` first`,
  ).toBe(entry);
  const cfg = serverConfig();
  child = spawn(process.execPath, ['--enable-source-maps', entry], {
    env: {
      PATH: process.env.PATH ?? '',
      NATS_URL: cfg.NATS_URL,
      CLICKHOUSE_URL: cfg.CLICKHOUSE_URL,
      CLICKHOUSE_DATABASE: database,
      SB_NAMESPACE: catalog.namespace,
      GRPC_PORT: '0',
      HEALTH_PORT: '0',
      BATCH_MAX_MS: '50',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service = await startService(child);
  expect(service.ports.health).toBeGreaterThan(0);
  expect(service.ports.grpc).toBeGreaterThan(0);

  const ready = await fetch(`http://127.0.0.1:${service.ports.health}/readyz`);
  expect(ready.status).toBe(200);
  expect(await ready.json()).toMatchObject({ status: 'ready', checks: { nats: 'ok', clickhouse: 'ok' } });

  const js = nc.jetstream();
  for (let seq = 1; seq <= 3; seq++) {
    const m = UnifiedMessage.fromPartial({
      tenantId: 'acme',
      conversationId: 'conv-main',
      seq,
      clientMsgId: `cm-${seq}`,
      channel: Channel.CHANNEL_API,
      kind: MessageKind.MESSAGE_KIND_TEXT,
      text: `hello ${seq}`,
      acceptedAtMs: Date.now(),
    });
    await js.publish(catalog.conversation('acme', 'conv-main'), UnifiedMessage.encode(m).finish());
  }
  const history = new HistoryServiceClient(`127.0.0.1:${service.ports.grpc}`, credentials.createInsecure());
  try {
    await waitFor(
      async () =>
        (await listMessages(history, { tenantId: 'acme', conversationId: 'conv-main' })).messages.length ===
        3,
      15_000,
      'three messages served',
    );
  } finally {
    history.close();
  }
  const metrics = await (await fetch(`http://127.0.0.1:${service.ports.health}/metrics`)).text();
  expect(metrics).toMatch(/^sb_persistence_rows_inserted_total\{service="persistence"\} 3$/m);

  child.kill('SIGTERM');
  expect(await service.exited).toBe(0);
  expect(service.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
  const info = await (await nc.jetstreamManager()).consumers.info(catalog.streams.conv, DURABLE_NAME);
  expect(info.num_ack_pending).toBe(0);
});
