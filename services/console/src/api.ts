import type { CannedReplyView } from './domain/canned';
import {
  asObject,
  bool,
  type ConversationRecord,
  isObject,
  num,
  recordFromJson,
  str,
  strings,
} from './domain/records';
import type { SenderRole } from './domain/timeline';

/** An agent's rank (docs/protocol.md 2.2): an admin may do all a supervisor may. */
export type AgentRole = 'agent' | 'supervisor' | 'admin';

export interface AgentSession {
  token: string;
  tenantId: string;
  agentId: string;
  displayName: string;
  role: AgentRole;
  expiresAtMs: number;
}

export interface ConversationDetail {
  record: ConversationRecord;
  previous: ConversationRecord[];
}

export interface GroupInfo {
  id: string;
  name: string;
  manualPick: boolean;
}

export interface AgentInfo {
  id: string;
  displayName: string;
  role: AgentRole;
  groupIds: string[];
}

export interface SearchHit {
  conversationId: string;
  seq: number;
  senderRole: SenderRole;
  senderName: string;
  text: string;
  note: boolean;
  sentAtMs: number;
}

export type ConversationScope = 'mine' | 'all' | 'closed';

/**
 * A failed REST call. `code` is the problem document's ErrorCode name (`ERROR_CODE_FORBIDDEN`), or one derived
 * from the status when the body named none; `status` 0 means the gateway was not reached.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly detail: string;

  constructor(status: number, code: string, detail: string, options?: { cause?: unknown }) {
    super(detail === '' ? code : detail, options);
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  get unauthenticated(): boolean {
    return this.code === 'ERROR_CODE_UNAUTHENTICATED';
  }
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const DEFAULT_TIMEOUT_MS = 15_000;

/** The ErrorCode a bare status stands for when the body names none (docs/protocol.md section 3). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return 'ERROR_CODE_INVALID_ARGUMENT';
    case 401:
      return 'ERROR_CODE_UNAUTHENTICATED';
    case 403:
      return 'ERROR_CODE_FORBIDDEN';
    case 404:
      return 'ERROR_CODE_NOT_FOUND';
    case 409:
      return 'ERROR_CODE_ILLEGAL_TRANSITION';
    case 429:
      return 'ERROR_CODE_RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      return 'ERROR_CODE_UNAVAILABLE';
    default:
      return 'ERROR_CODE_INTERNAL';
  }
}

async function request(
  fetchFn: FetchLike,
  baseUrl: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token !== undefined) headers['authorization'] = `Bearer ${opts.token}`;
  let res: Response;
  let text: string;
  try {
    res = await fetchFn(baseUrl + path, {
      method,
      headers,
      ...(opts.body === undefined ? {} : { body: JSON.stringify(opts.body) }),
      signal: AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS),
    });
    text = await res.text();
  } catch (err) {
    const timedOut = err instanceof Error && err.name === 'TimeoutError';
    throw new ApiError(
      0,
      'ERROR_CODE_UNAVAILABLE',
      timedOut ? `${method} ${path}: no answer in time` : `cannot reach the gateway (${describe(err)})`,
      { cause: err },
    );
  }
  const json = parseJson(text);
  if (res.status < 200 || res.status >= 300) {
    const problem = asObject(json);
    const code = str(problem, 'code') || codeForStatus(res.status);
    const detail = str(problem, 'detail') || str(problem, 'title') || `HTTP ${res.status}`;
    throw new ApiError(res.status, code, detail);
  }
  return json;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function role(v: string): AgentRole {
  return v === 'admin' || v === 'supervisor' ? v : 'agent';
}

function senderRoleOf(v: string): SenderRole {
  return v === 'visitor' || v === 'agent' || v === 'bot' ? v : 'system';
}

/** POST /v1/agent/login. */
export async function login(
  baseUrl: string,
  credentials: { tenantId: string; email: string; password: string },
  fetchFn: FetchLike = (input, init) => fetch(input, init),
): Promise<AgentSession> {
  const json = asObject(
    await request(fetchFn, baseUrl, 'POST', '/v1/agent/login', {
      body: { tenant_id: credentials.tenantId, email: credentials.email, password: credentials.password },
    }),
  );
  const session: AgentSession = {
    token: str(json, 'token'),
    tenantId: str(json, 'tenant_id'),
    agentId: str(json, 'agent_id'),
    displayName: str(json, 'display_name'),
    role: role(str(json, 'role')),
    expiresAtMs: num(json, 'expires_at_ms'),
  };
  if (session.token === '' || session.agentId === '') {
    throw new ApiError(200, 'ERROR_CODE_INTERNAL', 'the login answer has no token');
  }
  return session;
}

/** The agent console's REST endpoints (docs/protocol.md 2.4), with the agent's token. */
export class ConsoleApi {
  readonly #baseUrl: string;
  readonly #token: string;
  readonly #fetch: FetchLike;
  readonly #onUnauthenticated: (err: ApiError) => void;

  constructor(opts: {
    baseUrl: string;
    token: string;
    fetch?: FetchLike;
    /** Called when the gateway refuses the token (expired): the app logs out. */
    onUnauthenticated?: (err: ApiError) => void;
  }) {
    this.#baseUrl = opts.baseUrl;
    this.#token = opts.token;
    this.#fetch = opts.fetch ?? ((input, init) => fetch(input, init));
    this.#onUnauthenticated = opts.onUnauthenticated ?? (() => undefined);
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    try {
      return await request(this.#fetch, this.#baseUrl, method, path, {
        token: this.#token,
        ...(body === undefined ? {} : { body }),
      });
    } catch (err) {
      if (err instanceof ApiError && err.unauthenticated) this.#onUnauthenticated(err);
      throw err;
    }
  }

  async conversations(scope: ConversationScope, limit = 100): Promise<ConversationRecord[]> {
    const json = asObject(await this.#call('GET', `/v1/agent/conversations?scope=${scope}&limit=${limit}`));
    return records(json['conversations']);
  }

  async conversation(id: string): Promise<ConversationDetail> {
    const json = await this.#call('GET', `/v1/agent/conversations/${encodeURIComponent(id)}`);
    const record = recordFromJson(json);
    if (record === undefined)
      throw new ApiError(200, 'ERROR_CODE_INTERNAL', 'the answer has no conversation');
    return { record, previous: records(asObject(json)['previous_conversations']) };
  }

  async cannedReplies(): Promise<CannedReplyView[]> {
    const json = asObject(await this.#call('GET', '/v1/agent/canned-replies'));
    return list(json['replies']).map(cannedReply);
  }

  async saveCannedReply(reply: {
    shortcut: string;
    text: string;
    shared?: boolean;
    id?: string;
  }): Promise<CannedReplyView> {
    return cannedReply(await this.#call('POST', '/v1/agent/canned-replies', reply));
  }

  async deleteCannedReply(id: string): Promise<void> {
    await this.#call('DELETE', `/v1/agent/canned-replies/${encodeURIComponent(id)}`);
  }

  async groups(): Promise<GroupInfo[]> {
    const json = asObject(await this.#call('GET', '/v1/agent/groups'));
    return list(json['groups']).map((g) => ({
      id: str(g, 'id'),
      name: str(g, 'name') || str(g, 'id'),
      manualPick: bool(g, 'manual_pick'),
    }));
  }

  async agents(): Promise<AgentInfo[]> {
    const json = asObject(await this.#call('GET', '/v1/agent/agents'));
    return list(json['agents']).map((a) => ({
      id: str(a, 'id'),
      displayName: str(a, 'display_name') || str(a, 'id'),
      role: role(str(a, 'role')),
      groupIds: strings(a['group_ids']),
    }));
  }

  /** GET /v1/agent/search: the tenant's stored messages matching the text, newest first. */
  async search(q: string, limit = 50): Promise<SearchHit[]> {
    const json = asObject(
      await this.#call('GET', `/v1/agent/search?q=${encodeURIComponent(q)}&limit=${limit}`),
    );
    return list(json['hits']).map((h) => ({
      conversationId: str(h, 'conversation_id'),
      seq: num(h, 'seq'),
      senderRole: senderRoleOf(str(h, 'sender_role')),
      senderName: str(h, 'sender_display_name'),
      text: str(h, 'text'),
      note: bool(h, 'note'),
      sentAtMs: num(h, 'sent_at_ms'),
    }));
  }
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isObject) : [];
}

function records(v: unknown): ConversationRecord[] {
  return list(v).flatMap((c) => {
    const r = recordFromJson(c);
    return r === undefined ? [] : [r];
  });
}

function cannedReply(v: unknown): CannedReplyView {
  const o = asObject(v);
  const agentId = str(o, 'agent_id');
  return {
    id: str(o, 'id'),
    agentId,
    shortcut: str(o, 'shortcut'),
    text: str(o, 'text'),
    shared: agentId === '',
  };
}
