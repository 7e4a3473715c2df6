import { randomBytes, randomUUID } from 'node:crypto';
import {
  ConfigEntity,
  ConfigOp,
  ErrorCode,
  Group as GroupMessage,
  TenantSettings,
  type Agent,
  type AgentRole,
  type BusinessHours,
  type CannedReply,
  type Group,
  type Tenant,
  type WidgetKey,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { checkPasswordPolicy, type PasswordHasher } from './password';
import type {
  AgentRepository,
  CannedReplyRepository,
  ChangeAnnouncer,
  Clock,
  ConfigChange,
  ConfigChangeLog,
  GroupRepository,
  StoredAgent,
  TenantRepository,
  WidgetKeyRepository,
} from './ports';
import { groupIdFromName, validateBusinessHours, validateTenantSettings } from './settings-validation';
import {
  invalid,
  normalizeEmail,
  optionalMaxConcurrent,
  requireLanguages,
  requireMaxConcurrent,
  requireName,
  requireReplyText,
  requireRole,
  requireShortcut,
  requireSubjectToken,
  requireSubjectTokens,
  requireTags,
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
  /** Each must be an existing group of the tenant. For these three, omitted keeps the current value. */
  readonly groupIds?: readonly string[] | undefined;
  readonly skills?: readonly string[] | undefined;
  readonly languages?: readonly string[] | undefined;
  /**
   * When set, the agent found by email must have this id: agents are looked up by email and their ids
   * are assigned here, so a mismatch means the caller tried to change an email or pick an id.
   */
  readonly id?: string | undefined;
}

/** A whole group: an upsert replaces every field (omitted lists and limits become empty / 0). */
export interface GroupInput {
  readonly tenantId: string;
  /** Omitted or '': a new id from the name (or random when the name has no usable characters). */
  readonly id?: string | undefined;
  readonly name: string;
  readonly skills?: readonly string[] | undefined;
  readonly languages?: readonly string[] | undefined;
  readonly manualPick?: boolean | undefined;
  readonly maxConcurrentPerAgent?: number | undefined;
  readonly businessHours?: BusinessHours | undefined;
}

export interface CannedReplyInput {
  readonly tenantId: string;
  /** Omitted or '': a new random id. */
  readonly id?: string | undefined;
  /** Omitted or '': shared by the tenant. Otherwise the owning agent, fixed once the reply exists. */
  readonly agentId?: string | undefined;
  readonly shortcut: string;
  readonly text: string;
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

/** What a delete did: the change log entries it appended, the DELETE itself last. */
export interface Deleted {
  readonly revisions: readonly number[];
}

export interface ConfigAdministrationDeps {
  readonly tenants: TenantRepository;
  readonly agents: AgentRepository;
  readonly widgetKeys: WidgetKeyRepository;
  readonly groups: GroupRepository;
  readonly cannedReplies: CannedReplyRepository;
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
    const tenant: Tenant = {
      id,
      name,
      createdAtMs: current?.createdAtMs ?? now,
      updatedAtMs: now,
      settings: current?.settings,
    };
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
    const groupIds =
      input.groupIds === undefined ? undefined : requireSubjectTokens('group_ids', input.groupIds);
    const skills = input.skills === undefined ? undefined : requireTags('skills', input.skills);
    const languages =
      input.languages === undefined ? undefined : requireLanguages('languages', input.languages);
    const id =
      input.id === undefined || input.id === '' ? undefined : requireSubjectToken('agent id', input.id);
    if (input.password !== undefined) checkPasswordPolicy(input.password);
    await this.requireTenant(tenantId);
    if (groupIds !== undefined) await this.requireGroups(tenantId, groupIds);

    // Two attempts: a concurrent insert of the same email turns our insert into an update.
    for (let attempt = 0; attempt < 2; attempt++) {
      const current = await this.deps.agents.findByEmail(tenantId, email);
      if (id !== undefined && current?.agent.id !== id) {
        throw invalid(
          `agent ${id} is not the agent with this email (emails cannot change, ids are assigned)`,
        );
      }
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
          groupIds: groupIds ?? [],
          skills: skills ?? [],
          languages: languages ?? [],
        };
        const stored: StoredAgent = { agent, passwordHash: await this.deps.hasher.hash(input.password) };
        if ((await this.deps.agents.insert(stored)) === 'duplicate') continue;
        return { value: agent, revision: await this.recordAgent(agent) };
      }
      const passwordHash = await this.nextPasswordHash(current.passwordHash, input.password);
      const a = current.agent;
      const next = {
        displayName,
        role,
        maxConcurrent,
        groupIds: groupIds ?? a.groupIds,
        skills: skills ?? a.skills,
        languages: languages ?? a.languages,
      };
      const same =
        a.displayName === next.displayName &&
        a.role === next.role &&
        a.maxConcurrent === next.maxConcurrent &&
        sameList(a.groupIds, next.groupIds) &&
        sameList(a.skills, next.skills) &&
        sameList(a.languages, next.languages) &&
        passwordHash === current.passwordHash;
      if (same) return { value: a, revision: undefined };
      const agent: Agent = { ...a, ...next, updatedAtMs: now };
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

  /** Creates or replaces a group. An upsert that changes nothing appends nothing. */
  async upsertGroup(input: GroupInput): Promise<Upserted<Group>> {
    const tenantId = requireSubjectToken('tenant id', input.tenantId);
    const requestedId = input.id ?? '';
    if (requestedId !== '') requireSubjectToken('group id', requestedId);
    const fields = {
      name: requireName('group name', input.name, 100),
      skills: requireTags('skills', input.skills ?? []),
      languages: requireLanguages('languages', input.languages ?? []),
      manualPick: input.manualPick ?? false,
      maxConcurrentPerAgent: optionalMaxConcurrent(
        input.maxConcurrentPerAgent ?? 0,
        'max_concurrent_per_agent',
      ),
      businessHours: validateBusinessHours('business_hours', input.businessHours),
    };
    await this.requireTenant(tenantId);
    if (requestedId === '') return this.createGroup(tenantId, fields);

    const current = await this.deps.groups.find(tenantId, requestedId);
    if (current !== undefined && sameGroup(current, { ...current, ...fields })) {
      return { value: current, revision: undefined };
    }
    const now = this.clock();
    const group: Group = {
      id: requestedId,
      tenantId,
      ...fields,
      createdAtMs: current?.createdAtMs ?? now,
      updatedAtMs: now,
    };
    await this.deps.groups.save(group);
    return { value: group, revision: await this.recordGroup(group) };
  }

  /**
   * Removes a group: first from every agent that is in it (one AGENT change each), then the group itself
   * (a GROUP DELETE). Refused while the tenant's settings route to it, so the settings stay valid.
   */
  async deleteGroup(tenantId: string, groupId: string): Promise<Deleted> {
    requireSubjectToken('tenant id', tenantId);
    requireSubjectToken('group id', groupId);
    const group = await this.deps.groups.find(tenantId, groupId);
    if (group === undefined) throw notFound(`group ${groupId} not found`);
    const settings = (await this.deps.tenants.findById(tenantId))?.settings;
    const users = [
      ...(settings?.defaultGroupId === groupId ? ['default_group_id'] : []),
      ...(settings?.rules ?? []).filter((r) => r.groupId === groupId).map((r) => `rule ${r.id}`),
    ];
    if (users.length > 0) {
      throw invalid(
        `group ${groupId} is used by the tenant settings (${users.join(', ')}); change them first`,
      );
    }
    const revisions: number[] = [];
    for (const member of await this.deps.agents.list(tenantId)) {
      if (!member.groupIds.includes(groupId)) continue;
      const stored = await this.deps.agents.findByEmail(tenantId, member.email);
      if (stored === undefined) continue;
      const agent: Agent = {
        ...stored.agent,
        groupIds: stored.agent.groupIds.filter((g) => g !== groupId),
        updatedAtMs: this.clock(),
      };
      await this.deps.agents.update({ agent, passwordHash: stored.passwordHash });
      revisions.push(await this.recordAgent(agent));
    }
    if (!(await this.deps.groups.delete(tenantId, groupId))) throw notFound(`group ${groupId} not found`);
    revisions.push(
      await this.record(
        tenantId,
        ConfigEntity.CONFIG_ENTITY_GROUP,
        groupId,
        undefined,
        ConfigOp.CONFIG_OP_DELETE,
      ),
    );
    return { revisions };
  }

  /**
   * Creates or replaces a canned reply. A shortcut is unique per owner (the tenant or one agent); the
   * owner of an existing reply never changes, so an agent cannot take over a shared reply or another's.
   */
  async upsertCannedReply(input: CannedReplyInput): Promise<Upserted<CannedReply>> {
    const tenantId = requireSubjectToken('tenant id', input.tenantId);
    const requestedId = input.id ?? '';
    if (requestedId !== '') requireSubjectToken('reply id', requestedId);
    const agentId = input.agentId ?? '';
    if (agentId !== '') requireSubjectToken('agent id', agentId);
    const shortcut = requireShortcut(input.shortcut);
    const text = requireReplyText(input.text);
    await this.requireTenant(tenantId);
    if (agentId !== '' && (await this.deps.agents.findById(tenantId, agentId)) === undefined) {
      throw invalid(`agent ${agentId} does not exist in tenant ${tenantId}`);
    }
    const current =
      requestedId === '' ? undefined : await this.deps.cannedReplies.find(tenantId, requestedId);
    if (current !== undefined && current.agentId !== agentId) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `canned reply ${requestedId} belongs to ${current.agentId === '' ? 'the tenant' : 'another agent'}`,
      );
    }
    const clash = await this.deps.cannedReplies.findByShortcut(tenantId, agentId, shortcut);
    if (clash !== undefined && clash.id !== requestedId) throw shortcutTaken(shortcut, agentId);
    if (current?.shortcut === shortcut && current.text === text)
      return { value: current, revision: undefined };
    const now = this.clock();
    const reply: CannedReply = {
      id: requestedId === '' ? randomUUID() : requestedId,
      tenantId,
      agentId,
      shortcut,
      text,
      createdAtMs: current?.createdAtMs ?? now,
      updatedAtMs: now,
    };
    if ((await this.deps.cannedReplies.save(reply)) === 'duplicate') throw shortcutTaken(shortcut, agentId);
    const revision = await this.record(tenantId, ConfigEntity.CONFIG_ENTITY_CANNED_REPLY, reply.id, {
      $case: 'cannedReply',
      value: reply,
    });
    return { value: reply, revision };
  }

  /** With `agentId` set (an agent deleting), only that agent's own replies may go: FORBIDDEN otherwise. */
  async deleteCannedReply(tenantId: string, replyId: string, agentId = ''): Promise<Deleted> {
    requireSubjectToken('tenant id', tenantId);
    requireSubjectToken('reply id', replyId);
    if (agentId !== '') requireSubjectToken('agent id', agentId);
    const reply = await this.deps.cannedReplies.find(tenantId, replyId);
    if (reply === undefined) throw notFound(`canned reply ${replyId} not found`);
    if (agentId !== '' && reply.agentId !== agentId) {
      throw new SwitchboardError(
        ErrorCode.ERROR_CODE_FORBIDDEN,
        `canned reply ${replyId} is not agent ${agentId}'s own reply`,
      );
    }
    if (!(await this.deps.cannedReplies.delete(tenantId, replyId))) {
      throw notFound(`canned reply ${replyId} not found`);
    }
    const revision = await this.record(
      tenantId,
      ConfigEntity.CONFIG_ENTITY_CANNED_REPLY,
      replyId,
      undefined,
      ConfigOp.CONFIG_OP_DELETE,
    );
    return { revisions: [revision] };
  }

  /**
   * Validates and replaces the tenant's settings; the change log gets a TENANT upsert carrying the whole
   * tenant with its new settings. Settings equal to the stored ones append nothing.
   */
  async updateTenantSettings(tenantId: string, settings: TenantSettings): Promise<Upserted<Tenant>> {
    requireSubjectToken('tenant id', tenantId);
    const current = await this.deps.tenants.findById(tenantId);
    if (current === undefined) throw unknownTenant(tenantId);
    const groups = new Set((await this.deps.groups.list(tenantId)).map((g) => g.id));
    const next = validateTenantSettings(settings, groups);
    if (current.settings !== undefined && sameMessage(TenantSettings, current.settings, next)) {
      return { value: current, revision: undefined };
    }
    const now = this.clock();
    if (!(await this.deps.tenants.saveSettings(tenantId, next, now))) throw unknownTenant(tenantId);
    const tenant: Tenant = { ...current, settings: next, updatedAtMs: now };
    const revision = await this.record(tenantId, ConfigEntity.CONFIG_ENTITY_TENANT, tenantId, {
      $case: 'tenant',
      value: tenant,
    });
    return { value: tenant, revision };
  }

  /** A new group under an id made from its name; a taken id gets a random suffix. */
  private async createGroup(
    tenantId: string,
    fields: Omit<Group, 'id' | 'tenantId' | 'createdAtMs' | 'updatedAtMs'>,
  ): Promise<Upserted<Group>> {
    const base = groupIdFromName(fields.name);
    for (let attempt = 0; attempt < 4; attempt++) {
      const suffix = randomBytes(4).toString('hex');
      const id = base === undefined ? randomUUID() : attempt === 0 ? base : `${base.slice(0, 55)}-${suffix}`;
      const now = this.clock();
      const group: Group = { id, tenantId, ...fields, createdAtMs: now, updatedAtMs: now };
      if ((await this.deps.groups.insert(group)) === 'duplicate') continue;
      return { value: group, revision: await this.recordGroup(group) };
    }
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_UNAVAILABLE,
      'could not allocate a group id; retry',
      true,
    );
  }

  private async requireGroups(tenantId: string, groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    const existing = new Set((await this.deps.groups.list(tenantId)).map((g) => g.id));
    const missing = groupIds.filter((g) => !existing.has(g));
    if (missing.length > 0)
      throw invalid(`group_ids: no such group in tenant ${tenantId}: ${missing.join(', ')}`);
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if ((await this.deps.tenants.findById(tenantId)) === undefined) throw unknownTenant(tenantId);
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

  private recordGroup(group: Group): Promise<number> {
    return this.record(group.tenantId, ConfigEntity.CONFIG_ENTITY_GROUP, group.id, {
      $case: 'group',
      value: group,
    });
  }

  /** A DELETE carries no value: the log holds records after the change, and after a delete there is none. */
  private async record(
    tenantId: string,
    entity: ConfigEntity,
    entityId: string,
    value: ConfigChange['value'],
    op: ConfigOp = ConfigOp.CONFIG_OP_UPSERT,
  ): Promise<number> {
    const change = await this.deps.changes.append({
      tenantId,
      entity,
      entityId,
      op,
      atMs: this.clock(),
      value,
    });
    this.deps.announcer.announce(change.revision);
    return change.revision;
  }
}

function unknownTenant(tenantId: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_UNKNOWN_TENANT, `tenant ${tenantId} does not exist`);
}

function notFound(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, message);
}

/** ErrorCode has no conflict code; INVALID_ARGUMENT with a message that says what clashed. */
function shortcutTaken(shortcut: string, agentId: string): SwitchboardError {
  const owner = agentId === '' ? 'a shared reply of the tenant' : `another reply of agent ${agentId}`;
  return invalid(`shortcut /${shortcut} already exists: ${owner} uses it`);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

interface Encodable<T> {
  encode(message: T): { finish(): Uint8Array };
}

/** Field-by-field equality of two protobuf messages (their encodings are deterministic). */
function sameMessage<T>(type: Encodable<T>, a: T, b: T): boolean {
  return Buffer.from(type.encode(a).finish()).equals(type.encode(b).finish());
}

/** Equal in every field an upsert sets (timestamps aside). */
function sameGroup(a: Group, b: Group): boolean {
  const untimed = (g: Group): Group => ({ ...g, createdAtMs: 0, updatedAtMs: 0 });
  return sameMessage(GroupMessage, untimed(a), untimed(b));
}

function keyTaken(): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'widget key is already in use');
}
