import { AgentRole, ConfigEntity, ConfigOp, ErrorCode, TenantSettings } from '@switchboard/proto';
import type { SwitchboardError } from '@switchboard/shared';
import {
  fastHasher,
  InMemoryAgents,
  InMemoryCannedReplies,
  InMemoryChangeLog,
  InMemoryGroups,
  InMemoryNotifications,
  InMemoryTenants,
  InMemoryWidgetKeys,
} from '../testing/fakes';
import { ConfigAdministration } from './config-administration';

function sut() {
  const deps = {
    tenants: new InMemoryTenants(),
    agents: new InMemoryAgents(),
    widgetKeys: new InMemoryWidgetKeys(),
    groups: new InMemoryGroups(),
    cannedReplies: new InMemoryCannedReplies(),
    changes: new InMemoryChangeLog(),
    announcer: new InMemoryNotifications(),
    hasher: fastHasher(),
  };
  let now = 1_000;
  const admin = new ConfigAdministration({ ...deps, clock: () => (now += 1) });
  return { admin, ...deps };
}

const alice = {
  tenantId: 'demo',
  email: 'Alice@Demo.test',
  displayName: 'Alice',
  role: AgentRole.AGENT_ROLE_ADMIN,
  maxConcurrent: 3,
  password: 'switchboard',
};

async function codeOf(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    return (err as SwitchboardError).code;
  }
}

describe('config administration', () => {
  it('config administration - each upsert writes, logs a revision and announces it', async () => {
    const s = sut();
    const tenant = await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const agent = await s.admin.upsertAgent(alice);
    const key = await s.admin.upsertWidgetKey({ tenantId: 'demo', key: 'demo-widget-key', name: 'Site' });
    expect([tenant.revision, agent.revision, key.revision]).toEqual([1, 2, 3]);
    expect(s.announcer.announced).toEqual([1, 2, 3]);
    expect(s.changes.entries.map((c) => c.entity)).toEqual([
      ConfigEntity.CONFIG_ENTITY_TENANT,
      ConfigEntity.CONFIG_ENTITY_AGENT,
      ConfigEntity.CONFIG_ENTITY_WIDGET_KEY,
    ]);
    expect(s.changes.entries.every((c) => c.tenantId === 'demo')).toBe(true);
  });

  it('config administration - stores the email lowercased and only a hash of the password', async () => {
    const s = sut();
    await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const { value } = await s.admin.upsertAgent(alice);
    expect(value.email).toBe('alice@demo.test');
    const stored = await s.agents.findByEmail('demo', 'alice@demo.test');
    expect(stored?.passwordHash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(s.changes.entries)).not.toContain('scrypt$');
  });

  it('config administration - repeating an upsert with the same values changes nothing', async () => {
    const s = sut();
    await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const first = await s.admin.upsertAgent(alice);
    const hash = (await s.agents.findByEmail('demo', 'alice@demo.test'))?.passwordHash;
    const again = await s.admin.upsertAgent(alice);
    expect(again.revision).toBeUndefined();
    expect(again.value.id).toBe(first.value.id);
    expect((await s.agents.findByEmail('demo', 'alice@demo.test'))?.passwordHash).toBe(hash);
    expect((await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' })).revision).toBeUndefined();
    expect(s.changes.entries).toHaveLength(2);
  });

  it('config administration - a new password or field is an update of the same agent', async () => {
    const s = sut();
    await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const first = await s.admin.upsertAgent(alice);
    const renamed = await s.admin.upsertAgent({
      ...alice,
      displayName: 'Alice A.',
      password: 'another-secret',
    });
    expect(renamed.value.id).toBe(first.value.id);
    expect(renamed.value.createdAtMs).toBe(first.value.createdAtMs);
    expect(renamed.revision).toBe(3);
    const stored = await s.agents.findByEmail('demo', 'alice@demo.test');
    expect(await s.hasher.verify('another-secret', stored?.passwordHash ?? '')).toBe(true);
    const keepPassword = await s.admin.upsertAgent({ ...alice, maxConcurrent: 5, password: undefined });
    expect(keepPassword.value.maxConcurrent).toBe(5);
    expect((await s.agents.findByEmail('demo', 'alice@demo.test'))?.passwordHash).toBe(stored?.passwordHash);
  });

  it('config administration - refuses agents and keys for a tenant that does not exist', async () => {
    const s = sut();
    expect(await codeOf(s.admin.upsertAgent(alice))).toBe(ErrorCode.ERROR_CODE_UNKNOWN_TENANT);
    expect(await codeOf(s.admin.upsertWidgetKey({ tenantId: 'demo', name: 'x' }))).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
    );
    expect(s.changes.entries).toHaveLength(0);
  });

  it('config administration - refuses bad input before writing anything', async () => {
    const s = sut();
    await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    const invalid = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    expect(await codeOf(s.admin.upsertTenant({ id: 'bad.id', name: 'x' }))).toBe(invalid);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, email: 'nope' }))).toBe(invalid);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, password: 'short' }))).toBe(invalid);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, password: undefined }))).toBe(invalid);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, role: AgentRole.AGENT_ROLE_UNSPECIFIED }))).toBe(
      invalid,
    );
    expect(await codeOf(s.admin.upsertAgent({ ...alice, maxConcurrent: 0 }))).toBe(invalid);
    expect(s.agents.rows.size).toBe(0);
    expect(s.changes.entries).toHaveLength(1);
  });

  it('config administration - a widget key belongs to one tenant', async () => {
    const s = sut();
    await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
    await s.admin.upsertTenant({ id: 'other', name: 'Other' });
    await s.admin.upsertWidgetKey({ tenantId: 'demo', key: 'demo-widget-key', name: 'Site' });
    expect(
      await codeOf(s.admin.upsertWidgetKey({ tenantId: 'other', key: 'demo-widget-key', name: 'Site' })),
    ).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect((await s.widgetKeys.find('demo-widget-key'))?.tenantId).toBe('demo');
  });

  it('config administration - generates subject-safe ids when none is given', async () => {
    const s = sut();
    const { value: tenant } = await s.admin.upsertTenant({ name: 'Generated' });
    expect(tenant.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    const { value: key } = await s.admin.upsertWidgetKey({ tenantId: tenant.id, name: 'Site' });
    expect(key.key).toMatch(/^[A-Za-z0-9_-]{8,128}$/);
  });
});

/** A tenant with groups general and sales, and agent alice. */
async function withGroups() {
  const s = sut();
  await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop' });
  await s.admin.upsertGroup({ tenantId: 'demo', id: 'general', name: 'General' });
  await s.admin.upsertGroup({ tenantId: 'demo', id: 'sales', name: 'Sales', skills: ['sales'] });
  const { value: agent } = await s.admin.upsertAgent(alice);
  return { ...s, alice: agent };
}

const INVALID = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;

describe('config administration - agents in groups', () => {
  it('config administration - an agent keeps groups, skills and languages, normalised', async () => {
    const s = await withGroups();
    const { value, revision } = await s.admin.upsertAgent({
      ...alice,
      groupIds: ['general', 'sales', 'general'],
      skills: [' billing '],
      languages: ['en', 'zh-cn'],
    });
    expect(revision).toBeDefined();
    expect(value).toMatchObject({
      groupIds: ['general', 'sales'],
      skills: ['billing'],
      languages: ['en', 'zh-CN'],
    });
    expect(s.changes.entries.at(-1)?.value).toMatchObject({
      $case: 'agent',
      value: { groupIds: ['general', 'sales'] },
    });
    // Omitted lists keep what is stored; the same values again append nothing.
    const again = await s.admin.upsertAgent({ ...alice, languages: ['en', 'zh-CN'] });
    expect(again.revision).toBeUndefined();
    expect(again.value.groupIds).toEqual(['general', 'sales']);
  });

  it('config administration - an agent group must exist in the tenant', async () => {
    const s = await withGroups();
    await s.admin.upsertTenant({ id: 'other', name: 'Other' });
    await s.admin.upsertGroup({ tenantId: 'other', id: 'vip', name: 'VIP' });
    const before = s.changes.entries.length;
    for (const groupIds of [['nope'], ['vip'], ['bad.id']]) {
      expect(await codeOf(s.admin.upsertAgent({ ...alice, groupIds }))).toBe(INVALID);
    }
    const many = Array.from({ length: 33 }, (_, i) => `s${i}`);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, skills: many }))).toBe(INVALID);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, languages: ['not a language'] }))).toBe(INVALID);
    expect(s.changes.entries).toHaveLength(before);
  });

  it('config administration - an id that is not the email owner is refused', async () => {
    const s = await withGroups();
    expect((await s.admin.upsertAgent({ ...alice, id: s.alice.id, displayName: 'A' })).value.id).toBe(
      s.alice.id,
    );
    expect(await codeOf(s.admin.upsertAgent({ ...alice, id: 'someone-else' }))).toBe(INVALID);
    expect(await codeOf(s.admin.upsertAgent({ ...alice, email: 'new@demo.test', id: s.alice.id }))).toBe(
      INVALID,
    );
  });
});

describe('config administration - groups', () => {
  it('config administration - upsertGroup creates, replaces and is a no-op when unchanged', async () => {
    const s = await withGroups();
    const hours = { timeZone: 'Asia/Shanghai', windows: [{ weekday: 1, startMinute: 540, endMinute: 1080 }] };
    const created = await s.admin.upsertGroup({
      tenantId: 'demo',
      id: 'support',
      name: ' Support ',
      languages: ['zh-cn'],
      manualPick: true,
      maxConcurrentPerAgent: 4,
      businessHours: hours,
    });
    expect(created.value).toMatchObject({
      id: 'support',
      tenantId: 'demo',
      name: 'Support',
      languages: ['zh-CN'],
      manualPick: true,
      maxConcurrentPerAgent: 4,
      businessHours: hours,
    });
    const change = s.changes.entries.at(-1);
    expect(change).toMatchObject({
      entity: ConfigEntity.CONFIG_ENTITY_GROUP,
      entityId: 'support',
      op: ConfigOp.CONFIG_OP_UPSERT,
      value: { $case: 'group', value: { id: 'support' } },
    });
    const same = await s.admin.upsertGroup({
      tenantId: 'demo',
      id: 'support',
      name: 'Support',
      languages: ['zh-CN'],
      manualPick: true,
      maxConcurrentPerAgent: 4,
      businessHours: hours,
    });
    expect(same.revision).toBeUndefined();
    // Replace: omitted fields become empty / defaults; created_at stays.
    const replaced = await s.admin.upsertGroup({ tenantId: 'demo', id: 'support', name: 'Support 2' });
    expect(replaced.revision).toBeDefined();
    expect(replaced.value).toMatchObject({ languages: [], manualPick: false, maxConcurrentPerAgent: 0 });
    expect(replaced.value.businessHours).toBeUndefined();
    expect(replaced.value.createdAtMs).toBe(created.value.createdAtMs);
  });

  it('config administration - an empty id becomes one made from the name, or random', async () => {
    const s = await withGroups();
    const { value: vip } = await s.admin.upsertGroup({ tenantId: 'demo', name: 'VIP Customers' });
    expect(vip.id).toBe('vip-customers');
    const { value: again } = await s.admin.upsertGroup({ tenantId: 'demo', id: '', name: 'VIP Customers' });
    expect(again.id).toMatch(/^vip-customers-[0-9a-f]{8}$/);
    const { value: zh } = await s.admin.upsertGroup({ tenantId: 'demo', name: '售后' });
    expect(zh.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect((await s.groups.list('demo')).length).toBe(5);
  });

  it('config administration - upsertGroup refuses bad input before writing', async () => {
    const s = await withGroups();
    const before = s.changes.entries.length;
    const bad = [
      { id: 'bad id', name: 'x' },
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'x', maxConcurrentPerAgent: 101 },
      { name: 'x', languages: ['??'] },
      { name: 'x', businessHours: { timeZone: 'Nowhere/Land', windows: [] } },
      {
        name: 'x',
        businessHours: { timeZone: 'UTC', windows: [{ weekday: 9, startMinute: 0, endMinute: 1 }] },
      },
      {
        name: 'x',
        businessHours: { timeZone: 'UTC', windows: [{ weekday: 1, startMinute: 5, endMinute: 1 }] },
      },
    ];
    for (const input of bad)
      expect(await codeOf(s.admin.upsertGroup({ tenantId: 'demo', ...input }))).toBe(INVALID);
    expect(await codeOf(s.admin.upsertGroup({ tenantId: 'missing', name: 'x' }))).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
    );
    expect(s.changes.entries).toHaveLength(before);
  });

  it('config administration - deleteGroup removes it from agents, logs a DELETE, NOT_FOUND when absent', async () => {
    const s = await withGroups();
    await s.admin.upsertAgent({ ...alice, groupIds: ['general', 'sales'] });
    const { revisions } = await s.admin.deleteGroup('demo', 'sales');
    expect(revisions).toHaveLength(2);
    expect(await s.groups.find('demo', 'sales')).toBeUndefined();
    const stored = await s.agents.findByEmail('demo', 'alice@demo.test');
    expect(stored?.agent.groupIds).toEqual(['general']);
    const [agentChange, groupChange] = s.changes.entries.slice(-2);
    expect(agentChange).toMatchObject({
      entity: ConfigEntity.CONFIG_ENTITY_AGENT,
      value: { $case: 'agent' },
    });
    expect(groupChange).toMatchObject({
      entity: ConfigEntity.CONFIG_ENTITY_GROUP,
      entityId: 'sales',
      op: ConfigOp.CONFIG_OP_DELETE,
      value: undefined,
    });
    expect(await codeOf(s.admin.deleteGroup('demo', 'sales'))).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(await codeOf(s.admin.deleteGroup('demo', 'bad.id'))).toBe(INVALID);
  });

  it('config administration - a group the settings route to cannot be deleted', async () => {
    const s = await withGroups();
    await s.admin.updateTenantSettings(
      'demo',
      TenantSettings.fromPartial({
        defaultGroupId: 'general',
        rules: [{ id: 'pricing', groupId: 'sales', keywords: ['price'] }],
      }),
    );
    for (const group of ['general', 'sales']) {
      expect(await codeOf(s.admin.deleteGroup('demo', group))).toBe(INVALID);
    }
    expect(await s.groups.find('demo', 'sales')).toBeDefined();
  });
});

describe('config administration - canned replies', () => {
  const shared = { tenantId: 'demo', shortcut: 'hello', text: 'Hi {{visitor.name}}!' };

  it('config administration - replies are created, replaced and logged; unchanged is a no-op', async () => {
    const s = await withGroups();
    const created = await s.admin.upsertCannedReply({ ...shared, shortcut: ' Hello ' });
    expect(created.value).toMatchObject({ tenantId: 'demo', agentId: '', shortcut: 'hello' });
    expect(created.value.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
    expect(s.changes.entries.at(-1)).toMatchObject({
      entity: ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
      entityId: created.value.id,
      value: { $case: 'cannedReply', value: { shortcut: 'hello' } },
    });
    const id = created.value.id;
    expect((await s.admin.upsertCannedReply({ ...shared, id })).revision).toBeUndefined();
    const edited = await s.admin.upsertCannedReply({ ...shared, id, text: 'Hello there' });
    expect(edited.revision).toBeDefined();
    expect(edited.value.createdAtMs).toBe(created.value.createdAtMs);
  });

  it('config administration - a shortcut is unique per owner, not across owners', async () => {
    const s = await withGroups();
    await s.admin.upsertCannedReply(shared);
    const dup = await s.admin.upsertCannedReply({ ...shared, text: 'other' }).then(
      () => undefined,
      (err: unknown) => err as SwitchboardError,
    );
    expect(dup?.code).toBe(INVALID);
    expect(dup?.message).toMatch(/already exists/);
    // The agent may have a personal /hello next to the shared one, but only one.
    const own = await s.admin.upsertCannedReply({ ...shared, agentId: s.alice.id, text: 'Mine' });
    expect(own.value.agentId).toBe(s.alice.id);
    expect(await codeOf(s.admin.upsertCannedReply({ ...shared, agentId: s.alice.id }))).toBe(INVALID);
  });

  it('config administration - the owner of a reply never changes', async () => {
    const s = await withGroups();
    const { value: reply } = await s.admin.upsertCannedReply(shared);
    expect(await codeOf(s.admin.upsertCannedReply({ ...shared, id: reply.id, agentId: s.alice.id }))).toBe(
      ErrorCode.ERROR_CODE_FORBIDDEN,
    );
  });

  it('config administration - canned reply input is validated', async () => {
    const s = await withGroups();
    const bad = [
      { shortcut: '' },
      { shortcut: 'with space' },
      { shortcut: 'x'.repeat(33) },
      { text: '   ' },
      { text: 'x'.repeat(2001) },
      { id: 'bad.id' },
      { agentId: 'bad.id' },
      { agentId: 'no-such-agent' },
    ];
    for (const input of bad)
      expect(await codeOf(s.admin.upsertCannedReply({ ...shared, ...input }))).toBe(INVALID);
    expect(s.cannedReplies.rows.size).toBe(0);
  });

  it('config administration - an agent deletes only their own replies', async () => {
    const s = await withGroups();
    const { value: sharedReply } = await s.admin.upsertCannedReply(shared);
    const { value: own } = await s.admin.upsertCannedReply({ ...shared, agentId: s.alice.id });
    expect(await codeOf(s.admin.deleteCannedReply('demo', sharedReply.id, s.alice.id))).toBe(
      ErrorCode.ERROR_CODE_FORBIDDEN,
    );
    expect(await codeOf(s.admin.deleteCannedReply('demo', own.id, 'bob'))).toBe(
      ErrorCode.ERROR_CODE_FORBIDDEN,
    );
    const { revisions } = await s.admin.deleteCannedReply('demo', own.id, s.alice.id);
    expect(s.changes.entries.at(-1)).toMatchObject({
      revision: revisions[0],
      entity: ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
      entityId: own.id,
      op: ConfigOp.CONFIG_OP_DELETE,
      value: undefined,
    });
    // Without agent_id (an admin), shared replies can go too.
    await s.admin.deleteCannedReply('demo', sharedReply.id);
    expect(await codeOf(s.admin.deleteCannedReply('demo', sharedReply.id))).toBe(
      ErrorCode.ERROR_CODE_NOT_FOUND,
    );
    expect(s.cannedReplies.rows.size).toBe(0);
  });
});

describe('config administration - tenant settings', () => {
  const valid = TenantSettings.fromPartial({
    defaultGroupId: 'general',
    rules: [{ id: 'pricing', groupId: 'sales', keywords: ['price', '价格'] }],
    widget: { title: 'Demo', color: '#2563eb', position: 'right', csatEnabled: true },
  });

  it('config administration - settings are stored on the tenant and logged as a TENANT change', async () => {
    const s = await withGroups();
    const { value, revision } = await s.admin.updateTenantSettings('demo', valid);
    expect(revision).toBeDefined();
    expect(value.settings).toEqual(valid);
    expect((await s.tenants.findById('demo'))?.settings).toEqual(valid);
    expect(s.changes.entries.at(-1)).toMatchObject({
      entity: ConfigEntity.CONFIG_ENTITY_TENANT,
      entityId: 'demo',
      op: ConfigOp.CONFIG_OP_UPSERT,
      value: { $case: 'tenant', value: { id: 'demo', name: 'Demo Shop', settings: valid } },
    });
    expect((await s.admin.updateTenantSettings('demo', valid)).revision).toBeUndefined();
    // A rename keeps the settings, and the logged tenant carries them.
    const renamed = await s.admin.upsertTenant({ id: 'demo', name: 'Demo Shop 2' });
    expect(renamed.value.settings).toEqual(valid);
    expect((await s.tenants.findById('demo'))?.settings).toEqual(valid);
  });

  it('config administration - invalid settings and unknown tenants change nothing', async () => {
    const s = await withGroups();
    const before = s.changes.entries.length;
    expect(await codeOf(s.admin.updateTenantSettings('demo', { ...valid, defaultGroupId: 'support' }))).toBe(
      INVALID,
    );
    expect(
      await codeOf(
        s.admin.updateTenantSettings('demo', {
          ...valid,
          rules: [{ id: 'r', groupId: 'sales', keywords: [], pattern: '([', priority: 0 }],
        }),
      ),
    ).toBe(INVALID);
    expect(await codeOf(s.admin.updateTenantSettings('missing', valid))).toBe(
      ErrorCode.ERROR_CODE_UNKNOWN_TENANT,
    );
    expect(await codeOf(s.admin.updateTenantSettings('bad.id', valid))).toBe(INVALID);
    expect((await s.tenants.findById('demo'))?.settings).toBeUndefined();
    expect(s.changes.entries).toHaveLength(before);
  });
});
