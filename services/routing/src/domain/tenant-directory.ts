import {
  ConfigEntity,
  ConfigOp,
  type Agent,
  type Group,
  type Tenant,
  type WatchResponse,
} from '@switchboard/proto';
import { resolveSettings, type ResolvedSettings } from './settings';
import { TargetGroupChooser } from './target-group';

/** A tenant's configuration as admin serves it (GetTenant, ListAgents, ListGroups). */
export interface TenantConfigSnapshot {
  /** undefined: admin does not know the tenant; every default applies and nobody is an agent. */
  readonly tenant: Tenant | undefined;
  readonly agents: readonly Agent[];
  readonly groups: readonly Group[];
}

/** One tenant's routing configuration, kept current by admin's Watch. */
export class TenantConfig {
  private tenant: Tenant | undefined;
  private resolved: ResolvedSettings = resolveSettings(undefined);
  private readonly groupsById = new Map<string, Group>();
  private readonly agentsById = new Map<string, Agent>();
  private chooserCache: TargetGroupChooser | undefined;
  private membersCache: Map<string, readonly Agent[]> | undefined;
  /** True once a full snapshot was loaded: routing acts for the tenant only then. */
  loaded = false;

  constructor(readonly tenantId: string) {}

  get settings(): ResolvedSettings {
    return this.resolved;
  }

  get timeZone(): string {
    return this.tenant?.settings?.businessHours?.timeZone ?? '';
  }

  group(groupId: string): Group | undefined {
    return this.groupsById.get(groupId);
  }

  groups(): Iterable<Group> {
    return this.groupsById.values();
  }

  agent(agentId: string): Agent | undefined {
    return this.agentsById.get(agentId);
  }

  agents(): Iterable<Agent> {
    return this.agentsById.values();
  }

  /** The agents who serve `groupId`: its members, or every agent when the tenant has no such group. */
  membersOf(groupId: string): readonly Agent[] {
    this.membersCache ??= new Map();
    let members = this.membersCache.get(groupId);
    if (members === undefined) {
      const known = this.groupsById.has(groupId);
      members = [...this.agentsById.values()].filter((a) => !known || a.groupIds.includes(groupId));
      this.membersCache.set(groupId, members);
    }
    return members;
  }

  /** Whether `agentId` may serve `groupId` (also true for a group the tenant does not have). */
  serves(agentId: string, groupId: string): boolean {
    const a = this.agentsById.get(agentId);
    if (a === undefined) return false;
    return !this.groupsById.has(groupId) || a.groupIds.includes(groupId);
  }

  get chooser(): TargetGroupChooser {
    this.chooserCache ??= TargetGroupChooser.of(
      this.resolved.rules,
      this.groupsById.values(),
      this.resolved.defaultGroupId,
    );
    return this.chooserCache;
  }

  applySnapshot(s: TenantConfigSnapshot): void {
    this.setTenant(s.tenant);
    this.groupsById.clear();
    for (const g of s.groups) this.groupsById.set(g.id, g);
    this.agentsById.clear();
    for (const a of s.agents) this.agentsById.set(a.id, a);
    this.loaded = true;
    this.invalidate();
  }

  setTenant(t: Tenant | undefined): void {
    if (t !== undefined && this.tenant !== undefined && t.updatedAtMs < this.tenant.updatedAtMs) return;
    this.tenant = t;
    this.resolved = resolveSettings(t?.settings);
    this.invalidate();
  }

  upsertGroup(g: Group): void {
    const prev = this.groupsById.get(g.id);
    if (prev !== undefined && g.updatedAtMs < prev.updatedAtMs) return;
    this.groupsById.set(g.id, g);
    this.invalidate();
  }

  deleteGroup(groupId: string): void {
    if (this.groupsById.delete(groupId)) this.invalidate();
  }

  upsertAgent(a: Agent): void {
    const prev = this.agentsById.get(a.id);
    if (prev !== undefined && a.updatedAtMs < prev.updatedAtMs) return;
    this.agentsById.set(a.id, a);
    this.invalidate();
  }

  deleteAgent(agentId: string): void {
    if (this.agentsById.delete(agentId)) this.invalidate();
  }

  private invalidate(): void {
    this.chooserCache = undefined;
    this.membersCache = undefined;
  }
}

/** Every tenant's configuration routing has heard of. */
export class TenantDirectory {
  private readonly tenants = new Map<string, TenantConfig>();

  get(tenantId: string): TenantConfig | undefined {
    return this.tenants.get(tenantId);
  }

  /** The tenant's config, created (not yet loaded) on first sight. */
  see(tenantId: string): TenantConfig {
    let t = this.tenants.get(tenantId);
    if (t === undefined) {
      t = new TenantConfig(tenantId);
      this.tenants.set(tenantId, t);
    }
    return t;
  }

  loadedTenants(): string[] {
    return [...this.tenants.values()].filter((t) => t.loaded).map((t) => t.tenantId);
  }

  /** Tenants seen but not loaded yet. */
  unloaded(): string[] {
    return [...this.tenants.values()].filter((t) => !t.loaded).map((t) => t.tenantId);
  }

  applySnapshot(tenantId: string, snapshot: TenantConfigSnapshot): void {
    this.see(tenantId).applySnapshot(snapshot);
  }

  /** One change from admin's Watch. */
  applyChange(c: WatchResponse): void {
    if (c.tenantId === '') return;
    const t = this.see(c.tenantId);
    const v = c.value;
    if (c.op === ConfigOp.CONFIG_OP_DELETE) {
      if (v?.$case === 'group' || (v === undefined && c.entity === ConfigEntity.CONFIG_ENTITY_GROUP))
        t.deleteGroup(c.entityId);
      else if (v?.$case === 'agent' || (v === undefined && c.entity === ConfigEntity.CONFIG_ENTITY_AGENT))
        t.deleteAgent(c.entityId);
      return;
    }
    if (c.op !== ConfigOp.CONFIG_OP_UPSERT || v === undefined) return;
    switch (v.$case) {
      case 'tenant':
        t.setTenant(v.value);
        break;
      case 'group':
        t.upsertGroup(v.value);
        break;
      case 'agent':
        t.upsertAgent(v.value);
        break;
      case 'widgetKey':
      case 'cannedReply':
        break;
    }
  }
}
