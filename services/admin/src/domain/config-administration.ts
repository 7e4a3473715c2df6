import { randomUUID } from 'node:crypto';
import {
  ConfigEntity,
  ConfigOp,
  ErrorCode,
  type Agent,
  type AgentRole,
  type Tenant,
  type WidgetKey,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { checkPasswordPolicy, type PasswordHasher } from './password';
import type {
  AgentRepository,
  ChangeAnnouncer,
  Clock,
  ConfigChange,
  ConfigChangeLog,
  StoredAgent,
  TenantRepository,
  WidgetKeyRepository,
} from './ports';
import {
  normalizeEmail,
  requireMaxConcurrent,
  requireName,
  requireRole,
  requireSubjectToken,
  requireWidgetKey,
} from './validation';

export interface TenantInput {
  /** Omitted: a new random id. */
  readonly id?: string | undefined;
  readonly name: string;
}

export interface AgentInput {
  readonly tenantId: string;
  readonly email: string;
  readonly displayName: string;
  readonly role: AgentRole;
  readonly maxConcurrent: number;
  /** Required for a new agent; for an existing one, omitted keeps the current password. */
  readonly password?: string | undefined;
}

export interface WidgetKeyInput {
  readonly tenantId: string;
  /** Omitted: a new random key. */
  readonly key?: string | undefined;
  readonly name: string;
}

/** What an upsert did; `revision` is the change log entry it appended (undefined when nothing changed). */
export interface Upserted<T> {
  readonly value: T;
  readonly revision: number | undefined;
}

export interface ConfigAdministrationDeps {
  readonly tenants: TenantRepository;
  readonly agents: AgentRepository;
  readonly widgetKeys: WidgetKeyRepository;
  readonly changes: ConfigChangeLog;
  readonly announcer: ChangeAnnouncer;
  readonly hasher: PasswordHasher;
  readonly clock?: Clock;
}

/**
 * Configuration mutations. Each one validates, writes the record, appends a change-log entry with the
 * next revision and announces it so every Watch stream wakes. An upsert that changes nothing appends
 * nothing, which makes seeding idempotent. Without transactions the record is written first: a crash
 * between the two steps leaves a current record whose change is missing from the log until the record
 * next changes, never a logged change that points at nothing.
 */
export class ConfigAdministration {
  private readonly clock: Clock;

  constructor(private readonly deps: ConfigAdministrationDeps) {
    this.clock = deps.clock ?? Date.now;
  }

  async upsertTenant(input: TenantInput): Promise<Upserted<Tenant>> {
    const id = requireSubjectToken('tenant id', input.id ?? randomUUID());
    const name = requireName('tenant name', input.name);
    const current = await this.deps.tenants.findById(id);
    if (current?.name === name) return { value: current, revision: undefined };
    const now = this.clock();
    const tenant: Tenant = { id, name, createdAtMs: current?.createdAtMs ?? now, updatedAtMs: now };
    await this.deps.tenants.save(tenant);
    const revision = await this.record(id, ConfigEntity.CONFIG_ENTITY_TENANT, id, {
      $case: 'tenant',
      value: tenant,
    });
    return { value: tenant, revision };
  }

  async upsertAgent(input: AgentInput): Promise<Upserted<Agent>> {
    const tenantId = requireSubjectToken('tenant id', input.tenantId);
    const email = normalizeEmail(input.email);
    const displayName = requireName('display name', input.displayName);
    const role = requireRole(input.role);
    const maxConcurrent = requireMaxConcurrent(input.maxConcurrent);
    if (input.password !== undefined) checkPasswordPolicy(input.password);
    await this.requireTenant(tenantId);

    // Two attempts: a concurrent insert of the same email turns our insert into an update.
    for (let attempt = 0; attempt < 2; attempt++) {
      const current = await this.deps.agents.findByEmail(tenantId, email);
      const now = this.clock();
      if (current === undefined) {
        if (input.password === undefined) {
          throw new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'a new agent needs a password');
        }
        const agent: Agent = {
          id: randomUUID(),
          tenantId,
          email,
          displayName,
          role,
          maxConcurrent,
          createdAtMs: now,
          updatedAtMs: now,
        };
        const stored: StoredAgent = { agent, passwordHash: await this.deps.hasher.hash(input.password) };
        if ((await this.deps.agents.insert(stored)) === 'duplicate') continue;
        return { value: agent, revision: await this.recordAgent(agent) };
      }
      const passwordHash = await this.nextPasswordHash(current.passwordHash, input.password);
      const a = current.agent;
      const same =
        a.displayName === displayName &&
        a.role === role &&
        a.maxConcurrent === maxConcurrent &&
        passwordHash === current.passwordHash;
      if (same) return { value: a, revision: undefined };
      const agent: Agent = { ...a, displayName, role, maxConcurrent, updatedAtMs: now };
      await this.deps.agents.update({ agent, passwordHash });
      return { value: agent, revision: await this.recordAgent(agent) };
    }
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_UNAVAILABLE,
      'agent was modified concurrently; retry',
      true,
    );
  }

  async upsertWidgetKey(input: WidgetKeyInput): Promise<Upserted<WidgetKey>> {
    const tenantId = requireSubjectToken('tenant id', input.tenantId);
    const key = requireWidgetKey(input.key ?? randomUUID());
    const name = requireName('widget key name', input.name);
    await this.requireTenant(tenantId);
    const current = await this.deps.widgetKeys.find(key);
    if (current !== undefined && current.tenantId !== tenantId) throw keyTaken();
    if (current?.name === name) return { value: current, revision: undefined };
    const widgetKey: WidgetKey = { key, tenantId, name, createdAtMs: current?.createdAtMs ?? this.clock() };
    if ((await this.deps.widgetKeys.save(widgetKey)) === 'taken') throw keyTaken();
    const revision = await this.record(tenantId, ConfigEntity.CONFIG_ENTITY_WIDGET_KEY, key, {
      $case: 'widgetKey',
      value: widgetKey,
    });
    return { value: widgetKey, revision };
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if ((await this.deps.tenants.findById(tenantId)) === undefined) {
      throw new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, `tenant ${tenantId} does not exist`);
    }
  }

  /** Keeps the stored hash when the password is unchanged (and strong enough), so re-seeding is a no-op. */
  private async nextPasswordHash(stored: string, password: string | undefined): Promise<string> {
    if (password === undefined) return stored;
    const unchanged =
      (await this.deps.hasher.verify(password, stored)) && !this.deps.hasher.needsRehash(stored);
    return unchanged ? stored : this.deps.hasher.hash(password);
  }

  private recordAgent(agent: Agent): Promise<number> {
    return this.record(agent.tenantId, ConfigEntity.CONFIG_ENTITY_AGENT, agent.id, {
      $case: 'agent',
      value: agent,
    });
  }

  private async record(
    tenantId: string,
    entity: ConfigEntity,
    entityId: string,
    value: ConfigChange['value'],
  ): Promise<number> {
    const change = await this.deps.changes.append({
      tenantId,
      entity,
      entityId,
      op: ConfigOp.CONFIG_OP_UPSERT,
      atMs: this.clock(),
      value,
    });
    this.deps.announcer.announce(change.revision);
    return change.revision;
  }
}

function keyTaken(): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'widget key is already in use');
}
