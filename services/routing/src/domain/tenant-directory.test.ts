import { ConfigEntity, ConfigOp, type WatchResponse } from '@switchboard/proto';
import { agent, group, snapshot, T, tenant } from '../testing/fixtures';
import { TenantDirectory } from './tenant-directory';

function change(over: Partial<WatchResponse>): WatchResponse {
  return {
    revision: 1,
    tenantId: T,
    entity: ConfigEntity.CONFIG_ENTITY_UNSPECIFIED,
    entityId: '',
    op: ConfigOp.CONFIG_OP_UPSERT,
    atMs: 0,
    value: undefined,
    ...over,
  };
}

describe('TenantDirectory', () => {
  it('see / unloaded - a tenant seen is loaded once a snapshot arrives', () => {
    const dir = new TenantDirectory();
    dir.see(T);
    expect(dir.unloaded()).toEqual([T]);
    dir.applySnapshot(T, snapshot([agent('a1')], [group('sales')], { defaultGroupId: 'sales' }));
    expect(dir.unloaded()).toEqual([]);
    expect(dir.loadedTenants()).toEqual([T]);
    expect(dir.get(T)?.settings.defaultGroupId).toBe('sales');
  });

  it('membersOf - members of a known group; every agent for a group the tenant does not have', () => {
    const dir = new TenantDirectory();
    dir.applySnapshot(T, snapshot([agent('a1', { groupIds: ['sales'] }), agent('a2')], [group('sales')]));
    const cfg = dir.get(T);
    expect(cfg?.membersOf('sales').map((a) => a.id)).toEqual(['a1']);
    expect(cfg?.membersOf('general').map((a) => a.id)).toEqual(['a1', 'a2']);
    expect(cfg?.serves('a2', 'sales')).toBe(false);
    expect(cfg?.serves('a2', 'general')).toBe(true);
    expect(cfg?.serves('ghost', 'general')).toBe(false);
  });

  it('applyChange - Watch upserts and deletes agents and groups, and replaces settings', () => {
    const dir = new TenantDirectory();
    dir.applySnapshot(T, snapshot([agent('a1')], []));
    dir.applyChange(
      change({ entity: ConfigEntity.CONFIG_ENTITY_GROUP, value: { $case: 'group', value: group('sales') } }),
    );
    dir.applyChange(
      change({
        entity: ConfigEntity.CONFIG_ENTITY_AGENT,
        value: { $case: 'agent', value: agent('a1', { groupIds: ['sales'], updatedAtMs: 2 }) },
      }),
    );
    dir.applyChange(change({ value: { $case: 'tenant', value: tenant({ acceptTimeoutS: 7 }) } }));
    const cfg = dir.get(T);
    expect(cfg?.membersOf('sales').map((a) => a.id)).toEqual(['a1']);
    expect(cfg?.settings.acceptTimeoutMs).toBe(7000);
    dir.applyChange(
      change({ entity: ConfigEntity.CONFIG_ENTITY_GROUP, entityId: 'sales', op: ConfigOp.CONFIG_OP_DELETE }),
    );
    expect(cfg?.group('sales')).toBeUndefined();
    dir.applyChange(
      change({ entity: ConfigEntity.CONFIG_ENTITY_AGENT, entityId: 'a1', op: ConfigOp.CONFIG_OP_DELETE }),
    );
    expect(cfg?.agent('a1')).toBeUndefined();
  });

  it('applyChange - an older upsert (Watch replay behind a newer snapshot) does not win', () => {
    const dir = new TenantDirectory();
    dir.applySnapshot(T, snapshot([agent('a1', { maxConcurrent: 3, updatedAtMs: 10 })]));
    dir.applyChange(
      change({ value: { $case: 'agent', value: agent('a1', { maxConcurrent: 1, updatedAtMs: 5 }) } }),
    );
    expect(dir.get(T)?.agent('a1')?.maxConcurrent).toBe(3);
  });

  it('chooser - is rebuilt when rules or groups change', () => {
    const dir = new TenantDirectory();
    dir.applySnapshot(T, snapshot([], [group('billing')]));
    const cfg = dir.get(T);
    expect(cfg?.chooser.choose(undefined, 'refund').groupId).toBe('general');
    dir.applyChange(
      change({
        value: {
          $case: 'tenant',
          value: tenant({
            rules: [{ id: 'r', groupId: 'billing', keywords: ['refund'], pattern: '', priority: 0 }],
          }),
        },
      }),
    );
    expect(cfg?.chooser.choose(undefined, 'refund').groupId).toBe('billing');
  });
});
