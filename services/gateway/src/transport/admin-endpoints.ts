import {
  AgentRole,
  TenantSettings,
  type Agent,
  type BusinessHours,
  type Group,
  type WidgetSettings,
} from '@switchboard/proto';
import type { Logger } from '@switchboard/shared';
import type { AdminDirectory } from '../adapters/directory';
import type { Identity } from '../domain/identity';
import type { TokenService } from '../domain/tokens';
import {
  adminAgentBody,
  adminGroupBody,
  adminSettingsBody,
  type AdminSettingsBody,
  type BusinessHoursBody,
} from './admin-requests';
import { agentOf, answerWith, forbidden, notFound, pathId } from './agent-endpoints';
import type { PendingResponse, RequestInfo } from './http';
import { MAX_JSON_BODY_BYTES, parse } from './http-requests';
import { adminAgentJson, adminGroupJson, adminSettingsJson } from './json-views';

const ROLES = {
  agent: AgentRole.AGENT_ROLE_AGENT,
  supervisor: AgentRole.AGENT_ROLE_SUPERVISOR,
  admin: AgentRole.AGENT_ROLE_ADMIN,
} as const;

/**
 * The admin pages' REST endpoints (`/v1/admin/...`): agents, groups, tenant settings (business hours,
 * widget). Admins only; the tenant always comes from the token. The admin service validates every write.
 */
export class AdminEndpoints {
  constructor(
    private readonly tokens: TokenService,
    private readonly directory: AdminDirectory,
    private readonly logger: Logger,
  ) {}

  /** GET /v1/admin/agents */
  agents(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const admin = await this.adminOf(req);
      const agents = await this.directory.listAgents(admin.tenantId);
      res.json(200, { agents: agents.filter((a) => a.tenantId === admin.tenantId).map(adminAgentJson) });
    });
  }

  /** POST /v1/admin/agents: creates (201, password required) or updates (200) the agent with this email. */
  saveAgent(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      // Both start before the first await: uWS hands the body only to an onData registered synchronously.
      const [admin, raw] = await Promise.all([this.adminOf(req), res.readJson(MAX_JSON_BODY_BYTES)]);
      const body = parse(adminAgentBody, raw);
      const existed = (await this.directory.listAgents(admin.tenantId)).some(
        (a) => a.email.toLowerCase() === body.email.toLowerCase(),
      );
      const agent: Agent = {
        id: body.id ?? '',
        tenantId: admin.tenantId,
        email: body.email,
        displayName: body.display_name,
        role: ROLES[body.role],
        maxConcurrent: body.max_concurrent,
        groupIds: body.group_ids,
        skills: body.skills,
        languages: body.languages,
        createdAtMs: 0,
        updatedAtMs: 0,
      };
      const stored = await this.directory.upsertAgent(agent, body.password ?? '');
      res.json(existed ? 200 : 201, adminAgentJson(stored));
    });
  }

  /** GET /v1/admin/groups */
  groups(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const admin = await this.adminOf(req);
      const groups = await this.directory.listGroups(admin.tenantId);
      res.json(200, { groups: groups.filter((g) => g.tenantId === admin.tenantId).map(adminGroupJson) });
    });
  }

  /** POST /v1/admin/groups: creates (201, no id) or replaces (200) a group. */
  saveGroup(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const [admin, raw] = await Promise.all([this.adminOf(req), res.readJson(MAX_JSON_BODY_BYTES)]);
      const body = parse(adminGroupBody, raw);
      const id = body.id ?? '';
      if (id !== '') {
        const known = (await this.directory.listGroups(admin.tenantId)).some((g) => g.id === id);
        if (!known) throw notFound(`no group ${id}`);
      }
      const group: Group = {
        id,
        tenantId: admin.tenantId,
        name: body.name,
        skills: body.skills,
        languages: body.languages,
        manualPick: body.manual_pick,
        maxConcurrentPerAgent: body.max_concurrent_per_agent,
        businessHours: body.business_hours == null ? undefined : businessHours(body.business_hours),
        createdAtMs: 0,
        updatedAtMs: 0,
      };
      const stored = await this.directory.upsertGroup(group);
      res.json(id === '' ? 201 : 200, adminGroupJson(stored));
    });
  }

  /** DELETE /v1/admin/groups/:id */
  deleteGroup(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const admin = await this.adminOf(req);
      const id = pathId(req, 'id', 'group');
      await this.directory.deleteGroup(admin.tenantId, id);
      res.noContent();
    });
  }

  /** GET /v1/admin/settings: routing, lifecycle, business hours and widget settings, and the widget keys. */
  settings(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const admin = await this.adminOf(req);
      const [tenant, keys] = await Promise.all([
        this.directory.freshTenant(admin.tenantId),
        this.directory.listWidgetKeys(admin.tenantId),
      ]);
      res.json(200, adminSettingsJson(tenant, keys));
    });
  }

  /** PUT /v1/admin/settings: the fields sent replace the stored ones; the answer is the whole result. */
  updateSettings(res: PendingResponse, req: RequestInfo): Promise<void> {
    return answerWith(this.logger, res, async () => {
      const [admin, raw] = await Promise.all([this.adminOf(req), res.readJson(MAX_JSON_BODY_BYTES)]);
      const body = parse(adminSettingsBody, raw);
      const current = await this.directory.freshTenant(admin.tenantId);
      const next = mergeSettings(current.settings ?? TenantSettings.fromPartial({}), body);
      const [tenant, keys] = await Promise.all([
        this.directory.updateTenantSettings(admin.tenantId, next),
        this.directory.listWidgetKeys(admin.tenantId),
      ]);
      res.json(200, adminSettingsJson(tenant, keys));
    });
  }

  /** An admin's identity: 401 without a valid token, 403 for anyone else. */
  private async adminOf(req: RequestInfo): Promise<Identity> {
    const agent = await agentOf(this.tokens, req);
    if (!agent.admin) throw forbidden('only admins may use the admin pages');
    return agent;
  }
}

function businessHours(b: BusinessHoursBody): BusinessHours {
  return {
    timeZone: b.time_zone,
    windows: b.windows.map((w) => ({
      weekday: w.weekday,
      startMinute: w.start_minute,
      endMinute: w.end_minute,
    })),
  };
}

/** The stored settings with the body's fields replacing theirs (routing rules and weights are kept). */
export function mergeSettings(current: TenantSettings, body: AdminSettingsBody): TenantSettings {
  const widget: WidgetSettings | undefined =
    body.widget === undefined
      ? current.widget
      : {
          title: body.widget.title,
          color: body.widget.color,
          position: body.widget.position,
          preChatEnabled: body.widget.pre_chat_enabled,
          preChatFields: body.widget.pre_chat_fields.map((f) => ({
            key: f.key,
            labelEn: f.label_en,
            labelZh: f.label_zh,
            required: f.required,
          })),
          welcomeMessage: body.widget.welcome_message,
          offlineMessage: body.widget.offline_message,
          csatEnabled: body.widget.csat_enabled,
        };
  return {
    ...current,
    defaultGroupId: body.default_group_id ?? current.defaultGroupId,
    acceptTimeoutS: body.accept_timeout_s ?? current.acceptTimeoutS,
    idleCloseS: body.idle_close_s ?? current.idleCloseS,
    idleWarningS: body.idle_warning_s ?? current.idleWarningS,
    reopenWindowS: body.reopen_window_s ?? current.reopenWindowS,
    defaultMaxConcurrent: body.default_max_concurrent ?? current.defaultMaxConcurrent,
    idleCloseDisabled: body.idle_close_disabled ?? current.idleCloseDisabled,
    reopenDisabled: body.reopen_disabled ?? current.reopenDisabled,
    businessHours:
      body.business_hours === undefined ? current.businessHours : businessHours(body.business_hours),
    widget,
  };
}
