/**
 * The admin pages' REST client. Responses are read defensively (missing fields get their zero value), so
 * an older gateway that omits a field cannot crash the pages; errors become AdminApiError with the
 * RFC 9457 problem's `detail`, which the pages show next to the form.
 */
import type {
  Agent,
  AgentBody,
  AgentRole,
  BusinessHours,
  CannedReply,
  CannedReplyBody,
  Group,
  GroupBody,
  OpeningWindow,
  PreChatField,
  SettingsPatch,
  TenantSettings,
  WidgetSettings,
} from './types';

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** A failed admin request: an HTTP problem (status > 0) or no answer at all (status 0). */
export class AdminApiError extends Error {
  override readonly name = 'AdminApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function bool(v: unknown): boolean {
  return v === true;
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function role(v: unknown): AgentRole {
  return v === 'admin' || v === 'supervisor' ? v : 'agent';
}

export function readBusinessHours(v: unknown): BusinessHours {
  const o = isObject(v) ? v : {};
  return {
    time_zone: str(o['time_zone']),
    windows: objects(o['windows']).map((w): OpeningWindow => ({
      weekday: num(w['weekday']),
      start_minute: num(w['start_minute']),
      end_minute: num(w['end_minute']),
    })),
  };
}

export function readAgent(o: Json): Agent {
  return {
    id: str(o['id']),
    email: str(o['email']),
    display_name: str(o['display_name']),
    role: role(o['role']),
    max_concurrent: num(o['max_concurrent']),
    group_ids: strings(o['group_ids']),
    skills: strings(o['skills']),
    languages: strings(o['languages']),
  };
}

export function readGroup(o: Json): Group {
  return {
    id: str(o['id']),
    name: str(o['name']),
    manual_pick: bool(o['manual_pick']),
    max_concurrent_per_agent: num(o['max_concurrent_per_agent']),
    skills: strings(o['skills']),
    languages: strings(o['languages']),
    business_hours: readBusinessHours(o['business_hours']),
  };
}

export function readWidget(v: unknown): WidgetSettings {
  const o = isObject(v) ? v : {};
  return {
    title: str(o['title']),
    color: str(o['color']),
    position: o['position'] === 'left' ? 'left' : 'right',
    pre_chat_enabled: bool(o['pre_chat_enabled']),
    pre_chat_fields: objects(o['pre_chat_fields']).map((f): PreChatField => ({
      key: str(f['key']),
      label_en: str(f['label_en']),
      label_zh: str(f['label_zh']),
      required: bool(f['required']),
    })),
    welcome_message: str(o['welcome_message']),
    offline_message: str(o['offline_message']),
    csat_enabled: bool(o['csat_enabled']),
  };
}

export function readSettings(o: Json): TenantSettings {
  return {
    widget_keys: strings(o['widget_keys']),
    default_group_id: str(o['default_group_id']),
    accept_timeout_s: num(o['accept_timeout_s']),
    idle_close_s: num(o['idle_close_s']),
    idle_warning_s: num(o['idle_warning_s']),
    reopen_window_s: num(o['reopen_window_s']),
    default_max_concurrent: num(o['default_max_concurrent']),
    idle_close_disabled: bool(o['idle_close_disabled']),
    reopen_disabled: bool(o['reopen_disabled']),
    business_hours: readBusinessHours(o['business_hours']),
    widget: readWidget(o['widget']),
  };
}

export function readCannedReply(o: Json): CannedReply {
  return {
    id: str(o['id']),
    agent_id: str(o['agent_id']),
    shortcut: str(o['shortcut']),
    text: str(o['text']),
    shared: bool(o['shared']),
    updated_at_ms: num(o['updated_at_ms']),
  };
}

/** The message of an error answer: the problem's detail, else its title, else the status line. */
export function problemMessage(
  status: number,
  statusText: string,
  body: unknown,
): { message: string; code: string } {
  const o = isObject(body) ? body : {};
  const detail = str(o['detail']).trim();
  const title = str(o['title']).trim();
  const fallback = `HTTP ${status}${statusText === '' ? '' : ` ${statusText}`}`;
  return { message: detail || title || fallback, code: str(o['code']) };
}

export class AdminApi {
  private readonly base: string;

  constructor(
    baseUrl: string,
    private readonly token: string,
    private readonly fetchFn: FetchLike = (url, init) => fetch(url, init),
  ) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async listAgents(): Promise<Agent[]> {
    const body = await this.request('GET', '/v1/admin/agents');
    return objects(body['agents']).map(readAgent);
  }

  async saveAgent(agent: AgentBody): Promise<Agent> {
    return readAgent(await this.request('POST', '/v1/admin/agents', agent));
  }

  async listGroups(): Promise<Group[]> {
    const body = await this.request('GET', '/v1/admin/groups');
    return objects(body['groups']).map(readGroup);
  }

  async saveGroup(group: GroupBody): Promise<Group> {
    return readGroup(await this.request('POST', '/v1/admin/groups', group));
  }

  async deleteGroup(id: string): Promise<void> {
    await this.request('DELETE', `/v1/admin/groups/${encodeURIComponent(id)}`);
  }

  async getSettings(): Promise<TenantSettings> {
    return readSettings(await this.request('GET', '/v1/admin/settings'));
  }

  async updateSettings(patch: SettingsPatch): Promise<TenantSettings> {
    return readSettings(await this.request('PUT', '/v1/admin/settings', patch));
  }

  /** The tenant's shared replies (the endpoint also answers with the admin's own, which are left out). */
  async listSharedReplies(): Promise<CannedReply[]> {
    const body = await this.request('GET', '/v1/agent/canned-replies');
    return objects(body['replies'])
      .map(readCannedReply)
      .filter((r) => r.shared);
  }

  async saveReply(reply: CannedReplyBody): Promise<CannedReply> {
    return readCannedReply(await this.request('POST', '/v1/agent/canned-replies', reply));
  }

  async deleteReply(id: string): Promise<void> {
    await this.request('DELETE', `/v1/agent/canned-replies/${encodeURIComponent(id)}`);
  }

  private async request(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<Json> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json, application/problem+json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(`${this.base}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new AdminApiError(`network error: ${reason}`, 0, 'NETWORK', { cause: err });
    }
    const text = await res.text();
    let parsed: unknown = undefined;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch (err) {
        if (res.ok)
          throw new AdminApiError('the server sent invalid JSON', res.status, 'BAD_RESPONSE', { cause: err });
      }
    }
    if (!res.ok) {
      const { message, code } = problemMessage(res.status, res.statusText, parsed);
      throw new AdminApiError(message, res.status, code);
    }
    return isObject(parsed) ? parsed : {};
  }
}

/** What a page shows for a failed call. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
