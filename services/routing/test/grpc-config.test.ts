import { ConfigEntity, ConfigOp, type ConfigServiceClient, type WatchResponse } from '@switchboard/proto';
import { ConfigWatchFollower, GrpcConfigSource } from '../src/adapters/grpc-config-source';
import { createConfigClient } from '../src/adapters/config-client';
import { agent, group, T, tenant } from '../src/testing/fixtures';
import { FakeAdmin } from './fake-admin';
import { silentLogger, waitFor } from './support';

let admin: FakeAdmin;
let client: ConfigServiceClient;
let follower: ConfigWatchFollower | undefined;

beforeEach(async () => {
  admin = new FakeAdmin();
  client = createConfigClient(await admin.start());
});

afterEach(async () => {
  follower?.stop();
  follower = undefined;
  client.close();
  await admin.stop();
});

function change(revision: number, over: Partial<WatchResponse> = {}): WatchResponse {
  return {
    revision,
    tenantId: T,
    entity: ConfigEntity.CONFIG_ENTITY_AGENT,
    entityId: `a${revision}`,
    op: ConfigOp.CONFIG_OP_UPSERT,
    atMs: revision,
    value: { $case: 'agent', value: agent(`a${revision}`) },
    ...over,
  };
}

test('GrpcConfigSource - loads a tenant with its agents and groups', async () => {
  admin.tenants.set(T, tenant({ defaultGroupId: 'sales' }));
  admin.agents.set(T, [agent('a1', { groupIds: ['sales'] })]);
  admin.groups.set(T, [group('sales')]);
  const source = new GrpcConfigSource(client, 2000);
  await source.ping();
  const s = await source.loadTenant(T);
  expect(s.tenant?.settings?.defaultGroupId).toBe('sales');
  expect(s.agents.map((a) => a.id)).toEqual(['a1']);
  expect(s.groups.map((g) => g.id)).toEqual(['sales']);
});

test('GrpcConfigSource - a tenant admin does not know loads as no tenant (defaults), not an error', async () => {
  const s = await new GrpcConfigSource(client, 2000).loadTenant('ghost');
  expect(s).toEqual({ tenant: undefined, agents: [], groups: [] });
});

test('ConfigWatchFollower - follows Watch from revision 0 and resumes after the last revision when it breaks', async () => {
  const seen: number[] = [];
  follower = new ConfigWatchFollower(client, (c) => seen.push(c.revision), silentLogger, { retryMinMs: 10 });
  follower.start();
  await waitFor(() => admin.openWatches === 1, 'watch opened');
  admin.push(change(1));
  admin.push(change(2));
  await waitFor(() => seen.length === 2, 'two changes');
  admin.endWatches();
  await waitFor(() => admin.openWatches === 1, 'watch reopened');
  admin.push(change(3));
  await waitFor(() => seen.length === 3, 'third change');
  expect(seen).toEqual([1, 2, 3]);
  expect(admin.watchRequests.map((r) => [r.tenantId, r.fromRevision])).toEqual([
    ['', 0],
    ['', 2],
  ]);
});

test('ConfigWatchFollower - reconnects with backoff when admin is down at first', async () => {
  const port = admin.port;
  await admin.stop();
  const seen: number[] = [];
  follower = new ConfigWatchFollower(client, (c) => seen.push(c.revision), silentLogger, {
    retryMinMs: 20,
    retryMaxMs: 100,
  });
  follower.start();
  admin = new FakeAdmin();
  await admin.start(port);
  await waitFor(() => admin.openWatches === 1, 'watch opened after admin came up', 15_000);
  admin.push(change(7));
  await waitFor(() => seen.includes(7), 'change after reconnect');
});
