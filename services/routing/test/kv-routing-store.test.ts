import { ConversationState } from '@switchboard/proto';
import { KvRoutingStore, routingKeyPrefixes } from '../src/adapters/kv-routing-store';
import { emptyAgentStats } from '../src/domain/stats';
import { event, summary } from '../src/testing/fixtures';
import { silentLogger, testBed, type TestBed } from './support';

let bed: TestBed;
let store: KvRoutingStore;

beforeEach(async () => {
  bed = await testBed();
  store = new KvRoutingStore(bed.routingKv, bed.catalog, { statsFlushMs: 50 }, silentLogger);
});

afterEach(async () => {
  store.close();
  await bed.cleanup();
});

test('routingKeyPrefixes - come from the catalog', () => {
  expect(routingKeyPrefixes(bed.catalog)).toEqual({
    conversation: 'conv.',
    agentStats: 'stats.',
    groupStats: 'group.',
    sticky: 'sticky.',
  });
});

test('KvRoutingStore - load of an empty bucket is empty', async () => {
  expect(await store.load()).toEqual({ conversations: [], agentStats: [], groupStats: [], sticky: [] });
});

test('KvRoutingStore - mirrors open conversations under conv.<tenant>.<conversation> and deletes closed ones', async () => {
  const open = event(summary({ conversationId: 'c1', version: 3 }), { firstMessagePreview: 'hi' });
  await store.writeConversation({ kind: 'put', record: open });
  await store.writeConversation({
    kind: 'put',
    record: event(
      summary({ conversationId: 'c2', state: ConversationState.CONVERSATION_STATE_CHATTING, agentId: 'a1' }),
    ),
  });
  await store.writeConversation({ kind: 'delete', tenantId: 't1', conversationId: 'c2' });
  expect((await bed.routingKv.get('conv.t1.c1'))?.operation).toBe('PUT');
  expect((await bed.routingKv.get('conv.t1.c2'))?.operation).toBe('DEL');
  const loaded = await store.load();
  expect(loaded.conversations).toEqual([open]);
});

test('KvRoutingStore - scores round-trip; coalesced writes land after the flush delay', async () => {
  const stats = { ...emptyAgentStats('t1', 'a1'), avgResponseMs: 1234, responseSamples: 2 };
  await store.writeStats(
    [
      { kind: 'agent', stats },
      { kind: 'group', stats: { tenantId: 't1', groupId: 'sales', avgHandleMs: 9, samples: 1 } },
      { kind: 'sticky', tenantId: 't1', visitorId: 'v1', sticky: { agentId: 'a1', atMs: 5 } },
    ],
    false,
  );
  const loaded = await store.load();
  expect(loaded.agentStats).toEqual([stats]);
  expect(loaded.groupStats).toEqual([{ tenantId: 't1', groupId: 'sales', avgHandleMs: 9, samples: 1 }]);
  expect(loaded.sticky).toEqual([{ tenantId: 't1', visitorId: 'v1', sticky: { agentId: 'a1', atMs: 5 } }]);
  expect(store.backlog).toBe(0);
});

test('KvRoutingStore - a record with an id that cannot be a key is skipped, not thrown', async () => {
  await expect(
    store.writeStats(
      [{ kind: 'sticky', tenantId: 't1', visitorId: 'bad id!', sticky: { agentId: 'a', atMs: 1 } }],
      true,
    ),
  ).resolves.toBeUndefined();
});

test('KvRoutingStore - a conversation id that cannot be a key is logged and skipped, not thrown', async () => {
  await expect(
    store.writeConversation({ kind: 'put', record: event(summary({ conversationId: 'bad id!' })) }),
  ).resolves.toBeUndefined();
  await expect(store.conversationDurable('t1', 'bad id!')).resolves.toBeUndefined();
});
