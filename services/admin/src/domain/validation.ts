import { AgentRole, ErrorCode, isSubjectToken } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

function invalid(message: string): SwitchboardError {
  return new SwitchboardError(ErrorCode.ERROR_CODE_INVALID_ARGUMENT, message);
}

/** An id that ends up in a NATS subject (tenant, conversation, agent). */
export function requireSubjectToken(what: string, value: string): string {
  if (!isSubjectToken(value)) {
    throw invalid(`${what} must be 1-64 characters of A-Z, a-z, 0-9, _ or -`);
  }
  return value;
}

/** An optional filter: empty means "any", otherwise it must be a valid id. */
export function optionalSubjectToken(what: string, value: string): string | undefined {
  return value === '' ? undefined : requireSubjectToken(what, value);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Emails are compared lowercased and trimmed; the unique index is on that form. */
export function normalizeEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (e.length > 254 || !EMAIL.test(e)) throw invalid('email is not a valid address');
  return e;
}

export function requireName(what: string, value: string, max = 200): string {
  const v = value.trim();
  if (v === '' || v.length > max) throw invalid(`${what} must be 1-${max} characters`);
  return v;
}

const WIDGET_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/** Widget keys are public (embedded in web pages); they only need to be URL- and subject-safe. */
export function requireWidgetKey(key: string): string {
  if (!WIDGET_KEY.test(key)) throw invalid('widget key must be 8-128 characters of A-Z, a-z, 0-9, _ or -');
  return key;
}

export function requireRole(role: AgentRole): AgentRole {
  switch (role) {
    case AgentRole.AGENT_ROLE_AGENT:
    case AgentRole.AGENT_ROLE_SUPERVISOR:
    case AgentRole.AGENT_ROLE_ADMIN:
      return role;
    case AgentRole.AGENT_ROLE_UNSPECIFIED:
    case AgentRole.UNRECOGNIZED:
      throw invalid('role must be AGENT, SUPERVISOR or ADMIN');
  }
}

export const MAX_CONCURRENT_LIMIT = 100;

export function requireMaxConcurrent(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_LIMIT) {
    throw invalid(`max_concurrent must be an integer in 1..${MAX_CONCURRENT_LIMIT}`);
  }
  return n;
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 500;

/** 0 means the default; larger than the maximum is capped rather than refused. */
export function listLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) throw invalid('limit must be a non-negative integer');
  if (limit === 0) return DEFAULT_LIST_LIMIT;
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** Visitor ids come from channels (widget, WeChat openid, ...) and are only length-checked. */
export function optionalVisitorId(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 256) throw invalid('visitor_id must be at most 256 characters');
  return value;
}

export function requireRevision(revision: number): number {
  if (!Number.isSafeInteger(revision) || revision < 0)
    throw invalid('from_revision must be a non-negative integer');
  return revision;
}
