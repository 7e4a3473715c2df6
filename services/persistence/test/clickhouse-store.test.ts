import type { ClickHouseClient } from '@clickhouse/client';
import { ListMessagesRequest } from '@switchboard/proto';
import { z } from 'zod';
import { ClickHouseMessageStore } from '../src/adapters/clickhouse-store';
import { sqlIdentifier, sqlString, sqlUInt } from '../src/adapters/sql';
import { StoreUnavailableError } from '../src/domain/errors';
import { HistoryReader } from '../src/domain/history';
import { row } from '../src/testing/fakes';
import { clickHouseFor, closedPort, dropDatabase, freshDatabase } from './support';

let client: ClickHouseClient;
let database: string;
let store: ClickHouseMessageStore;

beforeEach(async () => {
  client = clickHouseFor();
  ({ database, store } = await freshDatabase(client));
});

afterEach(async () => {
  await dropDatabase(client, database);
  await client.close();
});

const PAYLOADS = [
  "'",
  "''",
  '\\',
  "\\'",
  "\\' OR 1=1 --",
  "' OR '1'='1",
  "x'; DROP TABLE messages; --",
  'back\\slash\\\\double',
  'nul\0byte\0',
  'line\nbreak\r\ttab',
  '\u0001\u001f\u007f control',
  'unicode: 你好, émoji 😀, rtl \u202e',
  '%_ like wildcards',
  '`backticks` and "double quotes"',
  '{x:String} {param}',
];

test('sqlString - every injection payload reaches ClickHouse as the exact literal', async () => {
  for (const payload of PAYLOADS) {
    const rs = await client.query({
      query: `SELECT ${sqlString(payload)} AS v, length(${sqlString(payload)}) AS n`,
      format: 'JSONEachRow',
    });
    const [answer] = z.array(z.object({ v: z.string(), n: z.coerce.number() })).parse(await rs.json());
    expect(answer?.v).toBe(payload);
    expect(answer?.n).toBe(Buffer.byteLength(payload, 'utf8'));
  }
});

test('ClickHouseMessageStore - injection payloads are stored and matched literally, and scope the query', async () => {
  // Each payload is a tenant, a conversation and a text of its own.
  await store.insert(
    PAYLOADS.map((p, i) =>
      row(1, { tenant_id: p, conversation_id: `c${p}`, text: p, client_msg_id: String(i) }),
    ),
  );
  await store.insert([row(1, { tenant_id: 'victim', conversation_id: 'secret', text: 'do not leak' })]);
  for (const p of PAYLOADS) {
    const rows = await store.list({ tenantId: p, conversationId: `c${p}`, afterSeq: 0, maxRows: 100 });
    expect(rows.map((r) => [r.tenant_id, r.conversation_id, r.text])).toEqual([[p, `c${p}`, p]]);
    // The payload as tenant with the victim's conversation finds nothing: no clause was escaped out of.
    expect(await store.list({ tenantId: p, conversationId: 'secret', afterSeq: 0, maxRows: 100 })).toEqual(
      [],
    );
  }
  const count = await client.query({
    query: `SELECT count() AS n FROM ${sqlIdentifier(database)}.messages`,
    format: 'JSONEachRow',
  });
  expect(z.array(z.object({ n: z.coerce.number() })).parse(await count.json())).toEqual([
    { n: PAYLOADS.length + 1 },
  ]);
});

test('ClickHouseMessageStore - round-trips rows and pages through them with has_more', async () => {
  const written = Array.from({ length: 25 }, (_, i) =>
    row(i + 1, { metadata_keys: ['a', 'b'], metadata_values: [`x${i}`, 'y'], client_sent_at_ms: -1 - i }),
  );
  // Out of order and in two batches: the order comes from seq.
  await store.insert(written.slice(10).reverse());
  await store.insert(written.slice(0, 10));
  expect(await store.list({ tenantId: 't1', conversationId: 'c1', afterSeq: 0, maxRows: 100 })).toEqual(
    written,
  );

  const reader = new HistoryReader(store);
  const seen: number[] = [];
  let afterSeq = 0;
  let pages = 0;
  for (;;) {
    const page = await reader.listMessages(
      ListMessagesRequest.fromPartial({ tenantId: 't1', conversationId: 'c1', afterSeq, limit: 10 }),
    );
    pages += 1;
    seen.push(...page.messages.map((m) => m.seq));
    const last = page.messages.at(-1);
    if (!page.hasMore || last === undefined) break;
    afterSeq = last.seq;
  }
  expect(pages).toBe(3);
  expect(seen).toEqual(written.map((r) => r.seq));
});

test('ClickHouseMessageStore - a row stored twice comes back once (FINAL)', async () => {
  await store.insert([row(1), row(2), row(3)]);
  await store.insert([row(2), row(3)]);
  expect(
    (await store.list({ tenantId: 't1', conversationId: 'c1', afterSeq: 0, maxRows: 100 })).map((r) => r.seq),
  ).toEqual([1, 2, 3]);
  const raw = await client.query({
    query: `SELECT count() AS n FROM ${sqlIdentifier(database)}.messages WHERE seq > ${sqlUInt(0)}`,
    format: 'JSONEachRow',
  });
  // Both copies may still be on disk; only the read de-duplicates.
  expect(z.array(z.object({ n: z.coerce.number() })).parse(await raw.json())[0]?.n).toBeGreaterThanOrEqual(3);
});

test('ClickHouseMessageStore - never returns rows of another tenant or conversation', async () => {
  await store.insert([row(1), row(2, { tenant_id: 't2' }), row(3, { conversation_id: 'c2' })]);
  expect(
    (await store.list({ tenantId: 't1', conversationId: 'c1', afterSeq: 0, maxRows: 100 })).map((r) => r.seq),
  ).toEqual([1]);
  expect(
    (await store.list({ tenantId: 't2', conversationId: 'c1', afterSeq: 0, maxRows: 100 })).map((r) => r.seq),
  ).toEqual([2]);
});

test('ClickHouseMessageStore - an unreachable server fails with StoreUnavailableError', async () => {
  const down = clickHouseFor(`http://127.0.0.1:${await closedPort()}`);
  const unreachable = new ClickHouseMessageStore(down, database);
  try {
    await expect(unreachable.insert([row(1)])).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(unreachable.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(
      unreachable.list({ tenantId: 't1', conversationId: 'c1', afterSeq: 0, maxRows: 1 }),
    ).rejects.toMatchObject({
      name: 'StoreUnavailableError',
    });
  } finally {
    await down.close();
  }
});

test('ClickHouseMessageStore - search finds text case-insensitively (also CJK), scoped by tenant, conversation and participant', async () => {
  await store.insert([
    row(1, { conversation_id: 'c1', sender_id: 'v1', text: 'Where is my ORDER?', accepted_at_ms: 1000 }),
    row(2, { conversation_id: 'c1', sender_id: 'bob', text: 'Your order ships today', accepted_at_ms: 2000 }),
    row(1, { conversation_id: 'c2', sender_id: 'v2', text: '我的订单在哪里', accepted_at_ms: 3000 }),
    row(2, { conversation_id: 'c2', sender_id: 'carol', text: 'order 订单 found', accepted_at_ms: 4000 }),
    row(1, { tenant_id: 't2', conversation_id: 'c9', text: 'other tenant order', accepted_at_ms: 5000 }),
  ]);
  // Stored twice: still one hit.
  await store.insert([
    row(2, { conversation_id: 'c1', sender_id: 'bob', text: 'Your order ships today', accepted_at_ms: 2000 }),
  ]);
  const hits = (q: Partial<Parameters<typeof store.search>[0]>) =>
    store
      .search({ tenantId: 't1', text: 'order', maxRows: 10, ...q })
      .then((rows) => rows.map((r) => `${r.conversation_id}/${r.seq}`));
  expect(await hits({})).toEqual(['c2/2', 'c1/2', 'c1/1']);
  expect(await hits({ text: '订单' })).toEqual(['c2/2', 'c2/1']);
  expect(await hits({ conversationId: 'c1' })).toEqual(['c1/2', 'c1/1']);
  expect(await hits({ participantId: 'bob' })).toEqual(['c1/2', 'c1/1']);
  expect(await hits({ maxRows: 1 })).toEqual(['c2/2']);
  // LIKE wildcards and quotes are plain text to a substring search.
  expect(await hits({ text: '%' })).toEqual([]);
  expect(await hits({ text: "' OR 1=1 --" })).toEqual([]);
});
