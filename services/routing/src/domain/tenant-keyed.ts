/** Values per conversation, grouped by tenant so per-tenant passes never scan other tenants' entries. */
export class TenantKeyed<V> {
  private readonly byTenant = new Map<string, Map<string, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(tenantId: string, conversationId: string): V | undefined {
    return this.byTenant.get(tenantId)?.get(conversationId);
  }

  has(tenantId: string, conversationId: string): boolean {
    return this.byTenant.get(tenantId)?.has(conversationId) ?? false;
  }

  set(tenantId: string, conversationId: string, value: V): void {
    let m = this.byTenant.get(tenantId);
    if (m === undefined) {
      m = new Map();
      this.byTenant.set(tenantId, m);
    }
    if (!m.has(conversationId)) this.count++;
    m.set(conversationId, value);
  }

  delete(tenantId: string, conversationId: string): void {
    const m = this.byTenant.get(tenantId);
    if (m?.delete(conversationId) === true) {
      this.count--;
      if (m.size === 0) this.byTenant.delete(tenantId);
    }
  }

  /** One tenant's entries (safe to delete from while iterating). */
  ofTenant(tenantId: string): [string, V][] {
    return [...(this.byTenant.get(tenantId) ?? [])];
  }

  /** Drops every entry `keep` says no to. */
  retain(keep: (tenantId: string, conversationId: string) => boolean): void {
    for (const [tenantId, m] of this.byTenant) {
      for (const conversationId of [...m.keys()])
        if (!keep(tenantId, conversationId)) this.delete(tenantId, conversationId);
    }
  }
}
