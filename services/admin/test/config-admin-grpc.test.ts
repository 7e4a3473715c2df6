import { status } from '@grpc/grpc-js';
import {
  AgentRole,
  ConfigEntity,
  ConfigOp,
  ErrorCode,
  Group,
  TenantSettings,
  type Agent,
  type CannedReply,
  type ConfigServiceClient,
} from '@switchboard/proto';
import { createLogger } from '@switchboard/shared';
import type { AdminConfig } from '../src/config';
import { loadSeedConfig } from '../src/config';
import type { AdminService } from '../src/main';
import { runSeed, type SeedSummary } from '../src/seed';
import {
  collectWatch,
  configApi,
  configClient,
  dropDatabase,
  eventually,
  failureOf,
  startTestAdmin,
  statusOf,
  testConfig,
  type ConfigApi,
} from './helpers';

// Real servers: startup, scrypt and JetStream round trips outlive jest's 5 s default.
jest.setTimeout(30_000);

const INVALID = String(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);

function agent(overrides: Partial<Agent>): Agent {
  return {
    id: '',
    tenantId: 'demo',
    email: '',
    displayName: '',
    role: AgentRole.AGENT_ROLE_AGENT,
    maxConcurrent: 2,
    createdAtMs: 0,
    updatedAtMs: 0,
    groupIds: [],
    skills: [],
    languages: [],
    ...overrides,
  };
}

function reply(overrides: Partial<CannedReply>): CannedReply {
  return {
    id: '',
    tenantId: 'demo',
    agentId: '',
    shortcut: '',
    text: '',
    createdAtMs: 0,
    updatedAtMs: 0,
    ...overrides,
  };
}

describe('config admin gRPC', () => {
  let config: AdminConfig;
  let service: AdminService;
  let client: ConfigServiceClient;
  let api: ConfigApi;
  let seeded: SeedSummary;
  let aliceId: string;

  beforeAll(async () => {
    // A poll interval longer than the test: Watch must be woken by the NATS notification.
    config = testConfig({ WATCH_POLL_MS: '600000' });
    service = await startTestAdmin(config);
    client = configClient(service.ports.grpc);
    api = configApi(client);
    seeded = await runSeed(
      loadSeedConfig({
        MONGO_URL: config.MONGO_URL,
        MONGO_DATABASE: config.MONGO_DATABASE,
        NATS_URL: config.NATS_URL,
        SB_NAMESPACE: config.SB_NAMESPACE,
      }),
      createLogger('seed', 'silent'),
    );
    aliceId = seeded.agents.find((a) => a.email === 'alice@demo.test')?.id ?? '';
  });

  afterAll(async () => {
    client.close();
    await service.stop();
    await dropDatabase(config.MONGO_URL, config.MONGO_DATABASE);
  });

  it("config admin gRPC - ListWidgetKeys returns the tenant's keys; NOT_FOUND for an unknown tenant", async () => {
    const { widgetKeys } = await api.listWidgetKeys({ tenantId: 'demo' });
    expect(widgetKeys.map((k) => [k.key, k.tenantId])).toEqual([['demo-widget-key', 'demo']]);
    expect(await statusOf(api.listWidgetKeys({ tenantId: 'nope' }))).toBe(status.NOT_FOUND);
    expect(await statusOf(api.listWidgetKeys({ tenantId: 'a.b' }))).toBe(status.INVALID_ARGUMENT);
  });

  it('config admin gRPC - ListGroups returns the seeded groups; NOT_FOUND / INVALID_ARGUMENT for bad tenants', async () => {
    const { groups } = await api.listGroups({ tenantId: 'demo' });
    expect(groups.map((g) => g.id)).toEqual(['general', 'sales', 'support']);
    expect(groups[1]).toMatchObject({ name: 'Sales', skills: ['sales'], languages: ['en', 'zh-CN'] });
    expect(await statusOf(api.listGroups({ tenantId: 'nope' }))).toBe(status.NOT_FOUND);
    expect(await statusOf(api.listGroups({ tenantId: 'a.b' }))).toBe(status.INVALID_ARGUMENT);
  });

  it('config admin gRPC - GetTenant and ResolveWidgetKey carry the seeded settings', async () => {
    const { tenant } = await api.getTenant({ tenantId: 'demo' });
    expect(tenant?.settings).toMatchObject({
      defaultGroupId: 'general',
      rules: [{ id: 'pricing', groupId: 'sales', keywords: ['price', 'pricing', '报价', '价格'] }],
      widget: { title: 'Switchboard Demo', color: '#2563eb', csatEnabled: true, preChatEnabled: false },
    });
    const resolved = await api.resolveWidgetKey({ key: 'demo-widget-key' });
    expect(resolved.tenant?.settings?.defaultGroupId).toBe('general');
  });

  it('config admin gRPC - UpsertGroup creates (with a generated id) and replaces; bad input is INVALID_ARGUMENT', async () => {
    const hours = { timeZone: 'Asia/Shanghai', windows: [{ weekday: 1, startMinute: 540, endMinute: 1080 }] };
    const created = await api.upsertGroup({
      group: Group.fromPartial({
        tenantId: 'demo',
        name: 'VIP Customers',
        languages: ['zh-cn'],
        businessHours: hours,
      }),
    });
    expect(created.group).toMatchObject({ id: 'vip-customers', languages: ['zh-CN'], businessHours: hours });
    const replaced = await api.upsertGroup({
      group: Group.fromPartial({ tenantId: 'demo', id: 'vip-customers', name: 'VIP', manualPick: true }),
    });
    expect(replaced.group).toMatchObject({
      id: 'vip-customers',
      name: 'VIP',
      manualPick: true,
      languages: [],
    });
    expect(replaced.group?.createdAtMs).toBe(created.group?.createdAtMs);
    expect((await api.listGroups({ tenantId: 'demo' })).groups.map((g) => g.id)).toContain('vip-customers');

    const bad = [
      { name: 'x', businessHours: { timeZone: 'Nowhere/Land', windows: [] } },
      {
        name: 'x',
        businessHours: { timeZone: 'UTC', windows: [{ weekday: 7, startMinute: 0, endMinute: 60 }] },
      },
      {
        name: 'x',
        businessHours: { timeZone: 'UTC', windows: [{ weekday: 1, startMinute: 600, endMinute: 60 }] },
      },
      { name: 'x', id: 'not a token' },
      { name: '' },
      { name: 'x', maxConcurrentPerAgent: 1000 },
    ];
    for (const b of bad) {
      const f = await failureOf(api.upsertGroup({ group: Group.fromPartial({ tenantId: 'demo', ...b }) }));
      expect([f.code, f.errorCode]).toEqual([status.INVALID_ARGUMENT, INVALID]);
    }
    expect(await statusOf(api.upsertGroup({ group: undefined }))).toBe(status.INVALID_ARGUMENT);
    expect(
      await statusOf(api.upsertGroup({ group: Group.fromPartial({ tenantId: 'nope', name: 'x' }) })),
    ).toBe(status.NOT_FOUND);
  });

  it('config admin gRPC - UpsertAgent creates with a password, updates by email, checks groups; never returns hashes', async () => {
    const dave = agent({
      email: 'Dave@Demo.Test',
      displayName: 'Dave',
      groupIds: ['general', 'sales'],
      skills: ['billing'],
      languages: ['en'],
    });
    const created = await api.upsertAgent({ agent: dave, password: 'dave-password' });
    expect(created.agent).toMatchObject({ email: 'dave@demo.test', groupIds: ['general', 'sales'] });
    expect(created.agent?.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const login = await api.authenticateAgent({
      tenantId: 'demo',
      email: 'dave@demo.test',
      password: 'dave-password',
    });
    expect(login.agent?.id).toBe(created.agent?.id);

    // Update without a password keeps it; the id from ListAgents may be sent back.
    const updated = await api.upsertAgent({
      agent: {
        ...dave,
        id: created.agent?.id ?? '',
        role: AgentRole.AGENT_ROLE_SUPERVISOR,
        groupIds: ['support'],
      },
      password: '',
    });
    expect(updated.agent).toMatchObject({ role: AgentRole.AGENT_ROLE_SUPERVISOR, groupIds: ['support'] });
    expect(updated.agent?.id).toBe(created.agent?.id);
    await api.authenticateAgent({ tenantId: 'demo', email: 'dave@demo.test', password: 'dave-password' });

    const unknownGroup = await failureOf(
      api.upsertAgent({ agent: { ...dave, groupIds: ['ghosts'] }, password: '' }),
    );
    expect(unknownGroup).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: INVALID });
    expect(unknownGroup.details).toMatch(/ghosts/);
    const bad = [
      { agent: agent({ email: 'new@demo.test', displayName: 'New' }), password: '' },
      { agent: agent({ email: 'new@demo.test', displayName: 'New' }), password: 'short' },
      { agent: { ...dave, role: AgentRole.AGENT_ROLE_UNSPECIFIED }, password: '' },
      { agent: { ...dave, maxConcurrent: 0 }, password: '' },
      { agent: { ...dave, skills: ['x'.repeat(65)] }, password: '' },
      { agent: { ...dave, languages: ['not a language'] }, password: '' },
      { agent: { ...dave, id: 'someone-else' }, password: '' },
      { agent: undefined, password: 'whatever-password' },
    ];
    for (const req of bad) expect(await statusOf(api.upsertAgent(req))).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(api.upsertAgent({ agent: { ...dave, tenantId: 'nope' }, password: '' }))).toBe(
      status.NOT_FOUND,
    );
    const listed = await api.listAgents({ tenantId: 'demo' });
    expect(JSON.stringify([listed, created, updated])).not.toMatch(/scrypt|hash/i);
  });

  it('config admin gRPC - DeleteGroup removes the group and its memberships; NOT_FOUND when absent', async () => {
    await api.upsertGroup({ group: Group.fromPartial({ tenantId: 'demo', id: 'returns', name: 'Returns' }) });
    await api.upsertAgent({
      agent: agent({ email: 'erin@demo.test', displayName: 'Erin', groupIds: ['general', 'returns'] }),
      password: 'erin-password',
    });
    await api.deleteGroup({ tenantId: 'demo', groupId: 'returns' });
    const { agents } = await api.listAgents({ tenantId: 'demo' });
    expect(agents.find((a) => a.email === 'erin@demo.test')?.groupIds).toEqual(['general']);
    expect((await api.listGroups({ tenantId: 'demo' })).groups.map((g) => g.id)).not.toContain('returns');
    expect(await statusOf(api.deleteGroup({ tenantId: 'demo', groupId: 'returns' }))).toBe(status.NOT_FOUND);
    expect(await statusOf(api.deleteGroup({ tenantId: 'demo', groupId: 'bad.id' }))).toBe(
      status.INVALID_ARGUMENT,
    );
    // The seeded settings route to sales (rule) and general (default).
    const used = await failureOf(api.deleteGroup({ tenantId: 'demo', groupId: 'sales' }));
    expect(used.code).toBe(status.INVALID_ARGUMENT);
    expect(used.details).toMatch(/rule pricing/);
  });

  it('config admin gRPC - canned replies: list shared + own, unique shortcuts, owner-only deletes', async () => {
    const shared = await api.listCannedReplies({ tenantId: 'demo', agentId: '' });
    expect(shared.replies.map((r) => r.shortcut)).toEqual(['bye', 'hello']);

    const own = await api.upsertCannedReply({
      reply: reply({ agentId: aliceId, shortcut: 'Hello', text: 'Hi, Alice here.' }),
    });
    expect(own.reply).toMatchObject({ agentId: aliceId, shortcut: 'hello' });
    const mine = await api.listCannedReplies({ tenantId: 'demo', agentId: aliceId });
    expect(mine.replies.map((r) => [r.shortcut, r.agentId])).toEqual([
      ['bye', ''],
      ['hello', aliceId],
      ['hello', ''],
    ]);

    const dup = await failureOf(api.upsertCannedReply({ reply: reply({ shortcut: 'bye', text: 'again' }) }));
    expect(dup).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: INVALID });
    expect(dup.details).toMatch(/already exists/);
    for (const bad of [
      reply({ shortcut: 'has space', text: 'x' }),
      reply({ shortcut: 'ok', text: '' }),
      reply({ shortcut: 'ok', text: 'x'.repeat(2001) }),
      reply({ shortcut: 'ok', text: 'x', agentId: 'no-such-agent' }),
    ]) {
      expect(await statusOf(api.upsertCannedReply({ reply: bad }))).toBe(status.INVALID_ARGUMENT);
    }
    expect(await statusOf(api.upsertCannedReply({ reply: undefined }))).toBe(status.INVALID_ARGUMENT);

    const helloShared = shared.replies.find((r) => r.shortcut === 'hello')?.id ?? '';
    const forbidden = await failureOf(
      api.deleteCannedReply({ tenantId: 'demo', replyId: helloShared, agentId: aliceId }),
    );
    expect(forbidden).toMatchObject({
      code: status.PERMISSION_DENIED,
      errorCode: String(ErrorCode.ERROR_CODE_FORBIDDEN),
    });
    await api.deleteCannedReply({ tenantId: 'demo', replyId: own.reply?.id ?? '', agentId: aliceId });
    expect(
      await statusOf(
        api.deleteCannedReply({ tenantId: 'demo', replyId: own.reply?.id ?? '', agentId: aliceId }),
      ),
    ).toBe(status.NOT_FOUND);
    expect((await api.listCannedReplies({ tenantId: 'demo', agentId: aliceId })).replies).toHaveLength(2);
  });

  it('config admin gRPC - UpdateTenantSettings validates, stores and GetTenant returns the result', async () => {
    const settings = TenantSettings.fromPartial({
      ...seeded.tenant.settings,
      acceptTimeoutS: 20,
      businessHours: {
        timeZone: 'Asia/Shanghai',
        windows: [{ weekday: 1, startMinute: 540, endMinute: 1080 }],
      },
    });
    const res = await api.updateTenantSettings({ tenantId: 'demo', settings });
    expect(res.tenant?.settings).toEqual(settings);
    expect((await api.getTenant({ tenantId: 'demo' })).tenant?.settings).toEqual(settings);

    const bad: TenantSettings[] = [
      { ...settings, widget: settings.widget && { ...settings.widget, color: 'blue' } },
      { ...settings, widget: settings.widget && { ...settings.widget, position: 'middle' } },
      { ...settings, defaultGroupId: 'ghosts' },
      { ...settings, rules: [{ id: 'r1', groupId: 'sales', keywords: [], pattern: '(', priority: 0 }] },
      { ...settings, rules: [{ id: 'bad id', groupId: 'sales', keywords: ['x'], pattern: '', priority: 0 }] },
      { ...settings, acceptTimeoutS: 3601 },
      { ...settings, idleCloseS: 8 * 86_400 },
      { ...settings, businessHours: { timeZone: 'Mars/Base', windows: [] } },
      { ...settings, weights: { response: -1, csat: 0, idle: 0, responseDecay: 0 } },
    ];
    for (const s of bad) {
      const f = await failureOf(api.updateTenantSettings({ tenantId: 'demo', settings: s }));
      expect([f.code, f.errorCode]).toEqual([status.INVALID_ARGUMENT, INVALID]);
    }
    expect(await statusOf(api.updateTenantSettings({ tenantId: 'demo', settings: undefined }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await statusOf(api.updateTenantSettings({ tenantId: 'nope', settings }))).toBe(status.NOT_FOUND);
    expect((await api.getTenant({ tenantId: 'demo' })).tenant?.settings).toEqual(settings);
  });

  it('config admin gRPC - Watch streams group, canned-reply and settings changes, deletes included', async () => {
    await service.administration.upsertTenant({ id: 'watched', name: 'Watched Shop' });
    const c = collectWatch(client.watch({ tenantId: 'watched', fromRevision: 0 }));
    await eventually(
      () => Promise.resolve(c.messages.length),
      (n) => n >= 1,
      'replay of the tenant',
    );
    const { group } = await api.upsertGroup({
      group: Group.fromPartial({ tenantId: 'watched', id: 'front', name: 'Front desk' }),
    });
    const { reply: created } = await api.upsertCannedReply({
      reply: reply({ tenantId: 'watched', shortcut: 'thanks', text: 'Thank you!' }),
    });
    await api.updateTenantSettings({
      tenantId: 'watched',
      settings: TenantSettings.fromPartial({ defaultGroupId: 'front' }),
    });
    await api.deleteCannedReply({ tenantId: 'watched', replyId: created?.id ?? '', agentId: '' });
    await api.updateTenantSettings({ tenantId: 'watched', settings: TenantSettings.fromPartial({}) });
    await api.deleteGroup({ tenantId: 'watched', groupId: 'front' });
    await eventually(
      () => Promise.resolve(c.messages.length),
      (n) => n >= 7,
      'live changes',
    );
    const live = c.messages.slice(1);
    expect(live.map((m) => [m.entity, m.entityId, m.op])).toEqual([
      [ConfigEntity.CONFIG_ENTITY_GROUP, 'front', ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_CANNED_REPLY, created?.id, ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_TENANT, 'watched', ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_CANNED_REPLY, created?.id, ConfigOp.CONFIG_OP_DELETE],
      [ConfigEntity.CONFIG_ENTITY_TENANT, 'watched', ConfigOp.CONFIG_OP_UPSERT],
      [ConfigEntity.CONFIG_ENTITY_GROUP, 'front', ConfigOp.CONFIG_OP_DELETE],
    ]);
    expect(live[0]?.value).toEqual({ $case: 'group', value: group });
    expect(live[1]?.value).toEqual({ $case: 'cannedReply', value: created });
    expect(live[2]?.value).toMatchObject({
      $case: 'tenant',
      value: { id: 'watched', name: 'Watched Shop', settings: { defaultGroupId: 'front' } },
    });
    expect(live[3]?.value).toBeUndefined();
    expect(live[5]?.value).toBeUndefined();
    const revisions = c.messages.map((m) => m.revision);
    expect(revisions).toEqual([...revisions].sort((a, b) => a - b));
    expect(c.errors).toEqual([]);
  });
});
