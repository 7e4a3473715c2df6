import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  AgentPresence,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  QueueSnapshot,
  SessionCommandRequest,
  SessionCommandResponse,
  type ConversationSummary,
} from '@switchboard/proto';
import type { Subscription } from 'nats';
import { agent, summary, T, tenant } from '../src/testing/fixtures';
import { FakeAdmin } from './fake-admin';
import { natsUrl, testBed, waitFor, type TestBed } from './support';

const entry = path.resolve(__dirname, '..', 'dist', 'src', 'main.js');
const S = ConversationState;
const E = ConversationEventType;
const PARTITIONS = 4;

let bed: TestBed;
let admin: FakeAdmin;
let child: ChildProcess | undefined;
const subs: Subscription[] = [];

beforeEach(async () => {
  bed = await testBed();
  admin = new FakeAdmin();
});

afterEach(async () => {
  if (child !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = undefined;
  for (const s of subs.splice(0)) s.unsubscribe();
  await admin.stop();
  await bed.cleanup();
});

interface Started {
  readonly healthPort: number;
  readonly lines: string[];
  readonly exited: Promise<number | null>;
}

/** Spawns the built service and resolves once it logs its `ready` line (what the testkit waits for). */
function startRouting(env: Record<string, string>): Promise<Started> {
  const proc = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  return new Promise<Started>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no ready line within 20 s:\n${lines.join('\n')}`));
    }, 20_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before ready:\n${lines.join('\n')}`));
    });
    createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on('line', (l) => lines.push(l));
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      lines.push(line);
      let parsed: { msg?: unknown; ports?: { health?: number } };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        return;
      }
      if (parsed.msg === 'ready' && typeof parsed.ports?.health === 'number') {
        clearTimeout(timer);
        resolve({ healthPort: parsed.ports.health, lines, exited });
      }
    });
  });
}

function status(port: number, p: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: p }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

/** Session's part: applies enqueue/assign to its records and publishes the lifecycle events. */
function fakeSession(records: Map<string, ConversationSummary>): SessionCommandRequest[] {
  const seen: SessionCommandRequest[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    subs.push(
      bed.nc.subscribe(bed.catalog.sessionCommand(p), {
        callback: (_err, m) => {
          const req = SessionCommandRequest.decode(m.data);
          seen.push(req);
          const c = records.get(req.conversationId);
          const cmd = req.command;
          let next: ConversationSummary | undefined;
          let type = E.CONVERSATION_EVENT_TYPE_UNSPECIFIED;
          if (c !== undefined && cmd?.$case === 'enqueue' && c.state === S.CONVERSATION_STATE_WAITING) {
            next = {
              ...c,
              state: S.CONVERSATION_STATE_QUEUED,
              groupId: cmd.value.groupId,
              queuedAtMs: Date.now(),
              version: c.version + 1,
            };
            type = E.CONVERSATION_EVENT_TYPE_QUEUED;
          } else if (c !== undefined && cmd?.$case === 'assign' && c.state === S.CONVERSATION_STATE_QUEUED) {
            next = {
              ...c,
              state: S.CONVERSATION_STATE_ASSIGNED,
              agentId: cmd.value.agentId,
              assignedAtMs: Date.now(),
              version: c.version + 1,
            };
            type = E.CONVERSATION_EVENT_TYPE_ASSIGNED;
          }
          if (next === undefined) {
            m.respond(
              SessionCommandResponse.encode({
                result: {
                  $case: 'error',
                  value: {
                    code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
                    message: 'illegal',
                    retryable: false,
                    clientMsgId: '',
                    requestId: 0,
                  },
                },
              }).finish(),
            );
            return;
          }
          records.set(next.conversationId, next);
          const reply = SessionCommandResponse.encode({
            result: { $case: 'conversation', value: next },
          }).finish();
          void bed.publishEvent(next, { type }).then(() => {
            m.respond(reply);
          });
        },
      }),
    );
  }
  return seen;
}

test('main - starts with NATS_URL and ADMIN_GRPC_ADDR, logs ready, routes a conversation, stops on SIGTERM', async () => {
  admin.tenants.set(T, tenant());
  admin.agents.set(T, [agent('a1', { displayName: 'Alice' })]);
  const adminAddr = await admin.start();
  const records = new Map<string, ConversationSummary>();
  const commands = fakeSession(records);
  const snapshots: QueueSnapshot[] = [];
  subs.push(
    bed.nc.subscribe(bed.catalog.queue(T), {
      callback: (_e, m) => snapshots.push(QueueSnapshot.decode(m.data)),
    }),
  );

  const started = await startRouting({
    NATS_URL: natsUrl(),
    SB_NAMESPACE: bed.catalog.namespace,
    ADMIN_GRPC_ADDR: adminAddr,
    PARTITIONS: String(PARTITIONS),
    DISPATCH_TICK_MS: '100',
    PRESENCE_TTL_MS: '3000',
    MAX_CONVERSATIONS_PER_AGENT: '3', // from older deployments: ignored
    LOG_LEVEL: 'info',
  });
  expect(await status(started.healthPort, '/healthz')).toBe(200);
  await waitFor(async () => (await status(started.healthPort, '/readyz')) === 200, 'readyz');

  const opened = summary({
    conversationId: 'c1',
    state: S.CONVERSATION_STATE_WAITING,
    groupId: '',
    version: 1,
  });
  records.set('c1', opened);
  await bed.publishEvent(opened, { firstMessagePreview: 'hello' });
  await waitFor(() => commands.some((c) => c.command?.$case === 'enqueue'), 'enqueue');
  expect(commands[0]).toMatchObject({
    tenantId: T,
    conversationId: 'c1',
    command: { $case: 'enqueue', value: { groupId: 'general', priority: 0, reason: 'default' } },
  });
  await waitFor(() => snapshots.some((s) => s.groups.some((g) => g.entries.length === 1)), 'queue snapshot');

  bed.nc.publish(
    bed.catalog.presence(T),
    AgentPresence.encode({
      tenantId: T,
      agentId: 'a1',
      online: true,
      sockets: 1,
      gatewayId: 'g1',
      atMs: Date.now(),
    }).finish(),
  );
  await waitFor(() => commands.some((c) => c.command?.$case === 'assign'), 'assign', 15_000);
  expect(commands.find((c) => c.command?.$case === 'assign')?.command).toEqual({
    $case: 'assign',
    value: { agentId: 'a1', agentDisplayName: 'Alice', accepted: false },
  });
  await waitFor(() => records.get('c1')?.state === S.CONVERSATION_STATE_ASSIGNED, 'assigned');

  child?.kill('SIGTERM');
  expect(await started.exited).toBe(0);
  expect(started.lines.some((l) => l.includes('"msg":"stopped"'))).toBe(true);
});

test('main - fails fast listing a missing ADMIN_GRPC_ADDR', async () => {
  await expect(startRouting({ NATS_URL: natsUrl(), SB_NAMESPACE: bed.catalog.namespace })).rejects.toThrow(
    /ADMIN_GRPC_ADDR/,
  );
});
