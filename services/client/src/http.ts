import { ErrorCode, errorCodeFromJSON } from '@switchboard/proto/wire';
import { ClientError, type ProblemDetails } from './errors';

export interface VisitorSessionRequest {
  /** The tenant's public widget key. */
  widgetKey: string;
  /** A previous visitor token: keeps the same visitorId and, if it is still open, the conversation. */
  token?: string;
  displayName?: string;
  /**
   * What the widget knows about the visitor; agents see it with the conversation. On a renewed session it
   * replaces the previous context whole. The gateway refuses (400) values over its limits: docs/protocol.md 2.1.
   */
  context?: VisitorContextRequest;
}

/** The visitor context of a session request (docs/protocol.md 2.1); empty strings count as absent. */
export interface VisitorContextRequest {
  /** The page the visitor is on (at most 1024 characters). */
  pageUrl?: string;
  /** Where they came from (at most 1024 characters). */
  referrer?: string;
  /** Default: the request's User-Agent header. */
  userAgent?: string;
  /** A language tag such as `en` or `zh-CN`; default: the request's Accept-Language. */
  language?: string;
  /** From the pre-chat form (at most 80 characters). */
  name?: string;
  email?: string;
  /** A group id the conversation should be routed to first. */
  group?: string;
  /** Other pre-chat answers: at most 20, keys 1-32 of `A-Z a-z 0-9 _ -`, values at most 500 characters. */
  fields?: Record<string, string>;
}

export interface VisitorSession {
  token: string;
  tenantId: string;
  visitorId: string;
  conversationId: string;
  expiresAtMs: number;
}

export interface AgentLoginRequest {
  tenantId: string;
  email: string;
  password: string;
}

export interface AgentSession {
  token: string;
  tenantId: string;
  agentId: string;
  displayName: string;
  expiresAtMs: number;
}

export interface HttpOptions {
  /** How long to wait for the whole answer. Default 10000. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Opens (or resumes) a visitor session: POST /v1/visitor/sessions. */
export async function createVisitorSession(
  baseUrl: string,
  request: VisitorSessionRequest,
  options: HttpOptions = {},
): Promise<VisitorSession> {
  const body = {
    widget_key: request.widgetKey,
    ...(request.token === undefined ? {} : { token: request.token }),
    ...(request.displayName === undefined ? {} : { display_name: request.displayName }),
    ...(request.context === undefined ? {} : { context: contextBody(request.context) }),
  };
  const json = await postJson(baseUrl, '/v1/visitor/sessions', body, options);
  const token = stringField(json, 'token');
  const tenantId = stringField(json, 'tenant_id');
  const visitorId = stringField(json, 'visitor_id');
  const conversationId = stringField(json, 'conversation_id');
  const expiresAtMs = numberField(json, 'expires_at_ms');
  if (
    token === undefined ||
    tenantId === undefined ||
    visitorId === undefined ||
    conversationId === undefined ||
    expiresAtMs === undefined
  ) {
    throw unexpectedShape('/v1/visitor/sessions', json);
  }
  return { token, tenantId, visitorId, conversationId, expiresAtMs };
}

/** The REST body's snake_case `context`, without the members left undefined. */
function contextBody(context: VisitorContextRequest): Record<string, unknown> {
  const members: [string, string | Record<string, string> | undefined][] = [
    ['page_url', context.pageUrl],
    ['referrer', context.referrer],
    ['user_agent', context.userAgent],
    ['language', context.language],
    ['name', context.name],
    ['email', context.email],
    ['group', context.group],
    ['fields', context.fields === undefined ? undefined : { ...context.fields }],
  ];
  return Object.fromEntries(members.filter(([, value]) => value !== undefined));
}

/** Logs an agent in: POST /v1/agent/login. */
export async function agentLogin(
  baseUrl: string,
  request: AgentLoginRequest,
  options: HttpOptions = {},
): Promise<AgentSession> {
  const body = { tenant_id: request.tenantId, email: request.email, password: request.password };
  const json = await postJson(baseUrl, '/v1/agent/login', body, options);
  const token = stringField(json, 'token');
  const tenantId = stringField(json, 'tenant_id');
  const agentId = stringField(json, 'agent_id');
  const displayName = stringField(json, 'display_name');
  const expiresAtMs = numberField(json, 'expires_at_ms');
  if (
    token === undefined ||
    tenantId === undefined ||
    agentId === undefined ||
    displayName === undefined ||
    expiresAtMs === undefined
  ) {
    throw unexpectedShape('/v1/agent/login', json);
  }
  return { token, tenantId, agentId, displayName, expiresAtMs };
}

/** The WebSocket endpoint of the gateway whose HTTP base URL is given: http→ws, https→wss, plus /v1/ws. */
export function gatewayWebSocketUrl(baseUrl: string): string {
  const joined = joinPath(baseUrl, '/v1/ws');
  if (!URL.canParse(joined)) {
    throw new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `bad gateway url ${baseUrl}`, {
      source: 'local',
    });
  }
  const url = new URL(joined);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.toString();
}

/**
 * Turns a non-2xx answer into a ClientError. A problem+json body gives the code; anything else (a proxy's
 * HTML page, say) falls back to a code derived from the status.
 */
export function problemToError(status: number, contentType: string | null, body: string): ClientError {
  const problem = isJsonType(contentType) ? parseProblem(body) : undefined;
  const fromBody = problem === undefined ? undefined : errorCodeFromJSON(problem.code);
  const code =
    fromBody === undefined ||
    fromBody === ErrorCode.UNRECOGNIZED ||
    fromBody === ErrorCode.ERROR_CODE_UNSPECIFIED
      ? errorCodeForStatus(status)
      : fromBody;
  const message =
    problem === undefined
      ? `HTTP ${status}${body.trim() === '' ? '' : `: ${body.trim().slice(0, 200)}`}`
      : [problem.title, problem.detail].filter((s) => s !== '').join(': ') || `HTTP ${status}`;
  return new ClientError(code, message, {
    source: 'http',
    httpStatus: status,
    problem,
    retryable: code === ErrorCode.ERROR_CODE_UNAVAILABLE || code === ErrorCode.ERROR_CODE_RATE_LIMITED,
  });
}

/** The ErrorCode a bare HTTP status stands for, when the body names none. */
export function errorCodeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return ErrorCode.ERROR_CODE_INVALID_ARGUMENT;
    case 401:
      return ErrorCode.ERROR_CODE_UNAUTHENTICATED;
    case 403:
      return ErrorCode.ERROR_CODE_FORBIDDEN;
    case 404:
      return ErrorCode.ERROR_CODE_NOT_FOUND;
    case 409:
      return ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION;
    case 429:
      return ErrorCode.ERROR_CODE_RATE_LIMITED;
    case 502:
    case 503:
    case 504:
      return ErrorCode.ERROR_CODE_UNAVAILABLE;
    default:
      return ErrorCode.ERROR_CODE_INTERNAL;
  }
}

async function postJson(
  baseUrl: string,
  path: string,
  body: Record<string, unknown>,
  options: HttpOptions,
): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const url = joinPath(baseUrl, path);
  if (!URL.canParse(url)) {
    throw new ClientError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, `bad gateway url ${baseUrl}`, {
      source: 'local',
    });
  }
  let status: number;
  let contentType: string | null;
  let text: string;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, application/problem+json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    contentType = response.headers.get('content-type');
    text = await response.text();
  } catch (err) {
    throw transportError(baseUrl, url, timeoutMs, err);
  }
  if (status < 200 || status >= 300) throw problemToError(status, contentType, text);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ClientError(ErrorCode.ERROR_CODE_INTERNAL, `POST ${path} answered ${status} without JSON`, {
      source: 'http',
      httpStatus: status,
      cause: err,
    });
  }
}

function transportError(baseUrl: string, url: string, timeoutMs: number, err: unknown): ClientError {
  if (err instanceof Error && err.name === 'TimeoutError') {
    return new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, `no answer from ${url} within ${timeoutMs} ms`, {
      source: 'timeout',
      retryable: true,
      cause: err,
    });
  }
  // undici reports "fetch failed" and keeps the useful part (ECONNREFUSED ...) in cause.
  const detail = err instanceof Error && err.cause instanceof Error ? err.cause.message : describe(err);
  return new ClientError(ErrorCode.ERROR_CODE_UNAVAILABLE, `cannot reach gateway at ${baseUrl}: ${detail}`, {
    source: 'transport',
    retryable: true,
    cause: err,
  });
}

function parseProblem(body: string): ProblemDetails | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  return {
    type: stringField(json, 'type') ?? 'about:blank',
    title: stringField(json, 'title') ?? '',
    status: numberField(json, 'status') ?? 0,
    detail: stringField(json, 'detail') ?? '',
    code: stringField(json, 'code') ?? '',
  };
}

function isJsonType(contentType: string | null): boolean {
  if (contentType === null) return false;
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

function joinPath(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + path;
}

function stringField(json: unknown, key: string): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value: unknown = (json as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function numberField(json: unknown, key: string): number | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const value: unknown = (json as Record<string, unknown>)[key];
  // int64 fields may come as JSON strings (the protobuf JSON mapping does that).
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function unexpectedShape(path: string, json: unknown): ClientError {
  const keys = typeof json === 'object' && json !== null ? Object.keys(json).join(', ') : typeof json;
  return new ClientError(
    ErrorCode.ERROR_CODE_INTERNAL,
    `POST ${path} answered an unexpected body (${keys})`,
    {
      source: 'http',
    },
  );
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
