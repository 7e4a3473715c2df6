import { credentials, Metadata } from '@grpc/grpc-js';
import { HistoryServiceClient, type UnifiedMessage } from '@switchboard/proto';
import {
  startClickHouse,
  startMongo,
  startNats,
  startSwitchboard,
  type RunningServer,
  type SwitchboardStack,
} from '@switchboard/testkit';
import { ChatLoad } from '../src/chat-load';
import type { DeliveryLedger, LedgerReport } from '../src/ledger';
import { uniqueId, waitFor } from '../src/wait';

/**
 * The fault suite: a steady load of visitors and agents over real sockets while services are killed with
 * SIGKILL and servers are restarted or stopped. After each fault, every acked message must have reached
 * every participant exactly once and in seq order, and ClickHouse must eventually hold it exactly once.
 *
 * It starts its own NATS, ClickHouse and MongoDB (FerretDB) so stopping them disturbs no other test.
 */

const OUTAGE_MS = Number(process.env.SB_FAULT_OUTAGE_MS ?? 30_000);

let nats: RunningServer;
let clickhouse: RunningServer;
let mongo: RunningServer;
let stack: SwitchboardStack;
let load: ChatLoad;
const rows: (LedgerReport & { scenario: string; recoveryMs: number; storedOnce: boolean })[] = [];

beforeAll(async () => {
  [nats, clickhouse, mongo] = await Promise.all([startNats(), startClickHouse(), startMongo()]);
  const namespace = uniqueId('f');
  stack = await startSwitchboard({
    natsUrl: nats.url,
    clickhouseUrl: clickhouse.url,
    mongoUrl: mongo.url,
    namespace,
    mongoDatabase: namespace,
    clickhouseDatabase: namespace,
    seed: true,
    sessionInstances: 2,
    env: {
      // Routing respects capacity: let the two demo agents take every visitor of the suite.
      admin: { SEED_AGENT_MAX_CONCURRENT: '20' },
      session: { LEASE_TTL_MS: '2000', LEASE_RENEW_MS: '500' },
      // Long enough to ride out a NATS restart inside the gateway.
      gateway: { APPEND_DEADLINE_MS: '20000' },
    },
  });
  load = new ChatLoad({ httpUrl: stack.httpUrl, wsUrl: stack.wsUrl, intervalMs: 100 });
  await load.addAgent('alice@demo.test');
  await load.addAgent('bob@demo.test');
  for (let i = 0; i < 6; i++) await load.addVisitor(`visitor-${i}`);
  await waitFor('every conversation to be assigned', () => (load.assignments.size >= 6 ? true : undefined));
}, 180_000);

afterAll(async () => {
  printTable();
  await load.close();
  await stack.stop();
  await Promise.all([nats.stop(), clickhouse.stop(), mongo.stop()]);
}, 120_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs load around a fault, then checks delivery and storage. */
async function scenario(name: string, fault: () => Promise<void>): Promise<void> {
  const ledger = load.newLedger();
  load.start();
  await sleep(1500);
  await fault();
  await sleep(2000);
  await load.pause();
  // Not converging is reported below as lost messages, with the numbers, rather than as a timeout.
  await waitFor(
    `every participant to hold every acked message (${name})`,
    () => (ledger.converged() ? true : undefined),
    60_000,
  ).catch(() => undefined);
  const report = ledger.report();
  const storedOnce = await storedExactlyOnce(ledger, name);
  rows.push({ scenario: name, ...report, recoveryMs: Math.round(report.maxAckMs), storedOnce });
  expect(load.failures).toEqual([]);
  expect(report.acked).toBe(report.sent);
  expect({
    lost: report.lost,
    duplicated: report.duplicated,
    reordered: report.reordered,
    mismatched: report.mismatched,
  }).toEqual({
    lost: 0,
    duplicated: 0,
    reordered: 0,
    mismatched: 0,
  });
  expect(storedOnce).toBe(true);
}

/** ClickHouse (through HistoryService, which reads FINAL) holds each acked message exactly once. */
async function storedExactlyOnce(ledger: DeliveryLedger, name: string): Promise<boolean> {
  const expected = ledger.ackedMessages();
  return waitFor(
    `ClickHouse to hold every acked message once (${name})`,
    async () => {
      for (const [conversationId, bySeq] of expected) {
        const stored = await listAll('demo', conversationId);
        const seen = new Map<number, string>();
        for (const m of stored) {
          if (seen.has(m.seq)) return undefined;
          seen.set(m.seq, m.clientMsgId);
        }
        for (const [seq, id] of bySeq) if (seen.get(seq) !== id) return undefined;
      }
      return true;
    },
    90_000,
  ).catch(() => false);
}

async function listAll(tenantId: string, conversationId: string): Promise<UnifiedMessage[]> {
  const client = new HistoryServiceClient(stack.historyGrpcAddr, credentials.createInsecure());
  try {
    const out: UnifiedMessage[] = [];
    for (;;) {
      const page = await new Promise<{ messages: UnifiedMessage[]; hasMore: boolean }>((resolve, reject) => {
        client.listMessages(
          { tenantId, conversationId, afterSeq: out.at(-1)?.seq ?? 0, limit: 1000 },
          new Metadata(),
          { deadline: Date.now() + 5000 },
          (err, res) => {
            if (err) reject(err);
            else resolve(res);
          },
        );
      });
      out.push(...page.messages);
      if (!page.hasMore) return out;
    }
  } finally {
    client.close();
  }
}

function printTable(): void {
  const header = [
    'scenario',
    'sent',
    'acked',
    'delivered',
    'lost',
    'dup',
    'reordered',
    'max recovery ms',
    'CH once',
  ];
  const body = rows.map((r) => [
    r.scenario,
    String(r.sent),
    String(r.acked),
    String(r.delivered),
    String(r.lost),
    String(r.duplicated),
    String(r.reordered),
    String(r.recoveryMs),
    r.storedOnce ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(
    `\nfault suite (${load.conversationCount} conversations, 2 agents, a message every 100 ms per participant)\n` +
      `${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${body.map(line).join('\n')}\n\n`,
  );
}

describe('fault suite', () => {
  test(
    'kill -9 gateway',
    () =>
      scenario('kill -9 gateway', async () => {
        await stack.services.gateway.kill();
        await sleep(1000);
        await stack.restart('gateway');
      }),
    120_000,
  );

  test(
    'kill -9 session (one of two instances)',
    () =>
      scenario('kill -9 session', async () => {
        await stack.sessions[0]?.kill();
        await sleep(3000);
        await stack.restart('session', 0);
      }),
    120_000,
  );

  test(
    'kill -9 routing (new conversations wait, then get assigned)',
    () =>
      scenario('kill -9 routing', async () => {
        await stack.services.routing.kill();
        const fresh = await Promise.all([
          load.addVisitor('late-visitor-1'),
          load.addVisitor('late-visitor-2'),
        ]);
        await sleep(1000);
        await stack.restart('routing');
        await waitFor('the late conversations to be assigned', () =>
          fresh.every((c) => load.assignments.has(c)) ? true : undefined,
        );
      }),
    120_000,
  );

  test(
    'kill -9 persistence',
    () =>
      scenario('kill -9 persistence', async () => {
        await stack.services.persistence.kill();
        await sleep(1000);
        await stack.restart('persistence');
      }),
    120_000,
  );

  test(
    'restart NATS',
    () =>
      scenario('restart nats', async () => {
        await nats.restart();
      }),
    120_000,
  );

  test(
    `stop ClickHouse for ${OUTAGE_MS / 1000} s`,
    () =>
      scenario('stop clickhouse', async () => {
        await clickhouse.kill();
        await sleep(OUTAGE_MS);
        await clickhouse.restart();
      }),
    180_000,
  );

  test(
    `stop MongoDB for ${OUTAGE_MS / 1000} s`,
    () =>
      scenario('stop mongodb', async () => {
        await mongo.kill();
        await sleep(OUTAGE_MS);
        await mongo.restart();
      }),
    180_000,
  );
});
