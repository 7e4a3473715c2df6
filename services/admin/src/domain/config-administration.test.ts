import { AgentRole, ConfigEntity, ErrorCode } from '@switchboard/proto';
import type { SwitchboardError } from '@switchboard/shared';
import {
  fastHasher,
  InMemoryAgents,
  InMemoryChangeLog,
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
