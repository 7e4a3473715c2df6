import { AgentRole, ErrorCode, isSubjectToken } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

export function invalid(message: string): SwitchboardError {
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

export function requireMaxConcurrent(n: number, what = 'max_concurrent'): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_LIMIT) {
    throw invalid(`${what} must be an integer in 1..${MAX_CONCURRENT_LIMIT}`);
  }
  return n;
}

/** A limit where 0 means "the next default in line" (group → tenant → 5). */
export function optionalMaxConcurrent(n: number, what: string): number {
  if (n === 0) return 0;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONCURRENT_LIMIT) {
    throw invalid(`${what} must be 0 (the default) or an integer in 1..${MAX_CONCURRENT_LIMIT}`);
  }
  return n;
}

/** Bounds of an agent's or group's skills, languages and groups. */
export const MAX_LIST_ENTRIES = 32;
export const MAX_TAG_LENGTH = 64;
const MAX_LANGUAGE_TAG_LENGTH = 35;
const CONTROL = /\p{Cc}/u;

function requireCount(what: string, values: readonly unknown[], max: number): void {
  if (values.length > max) throw invalid(`${what} may have at most ${max} entries`);
}

/** Free-text labels such as skills: trimmed, 1-64 characters without control characters, duplicates dropped. */
export function requireTags(what: string, values: readonly string[], max = MAX_LIST_ENTRIES): string[] {
  requireCount(what, values, max);
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    if (v === '' || v.length > MAX_TAG_LENGTH || CONTROL.test(v)) {
      throw invalid(`each of ${what} must be 1-${MAX_TAG_LENGTH} printable characters`);
    }
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** BCP 47 language tags, canonicalised (`zh-cn` → `zh-CN`) so routing can compare them as strings. */
export function requireLanguages(what: string, values: readonly string[]): string[] {
  requireCount(what, values, MAX_LIST_ENTRIES);
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    let canonical: string | undefined;
    try {
      canonical = v.length <= MAX_LANGUAGE_TAG_LENGTH ? Intl.getCanonicalLocales(v)[0] : undefined;
    } catch {
      canonical = undefined;
    }
    if (canonical === undefined) throw invalid(`${what}: "${v.slice(0, 40)}" is not a BCP 47 language tag`);
    if (!out.includes(canonical)) out.push(canonical);
  }
  return out;
}

/** Ids that must each be a subject token; duplicates dropped. */
export function requireSubjectTokens(what: string, values: readonly string[]): string[] {
  requireCount(what, values, MAX_LIST_ENTRIES);
  const out: string[] = [];
  for (const v of values) {
    requireSubjectToken(what, v);
    if (!out.includes(v)) out.push(v);
  }
  return out;
}

/** An IANA time zone the runtime knows ('' means UTC). */
export function requireTimeZone(what: string, zone: string): string {
  if (zone === '') return zone;
  try {
    if (zone.length > 64) throw new RangeError('too long');
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
  } catch (err) {
    if (err instanceof RangeError) throw invalid(`${what} "${zone.slice(0, 64)}" is not an IANA time zone`);
    throw err;
  }
  return zone;
}

const SHORTCUT = /^[a-z0-9_-]{1,32}$/;

/** What an agent types after "/": compared lowercased, so it is stored lowercased. */
export function requireShortcut(shortcut: string): string {
  const s = shortcut.trim().toLowerCase();
  if (!SHORTCUT.test(s)) throw invalid('shortcut must be 1-32 characters of a-z, 0-9, _ or -');
  return s;
}

export const MAX_REPLY_TEXT = 2000;

/** Kept verbatim (leading spaces and line breaks are the author's), but not blank. */
export function requireReplyText(text: string): string {
  if (text.trim() === '' || text.length > MAX_REPLY_TEXT) {
    throw invalid(`text must be 1-${MAX_REPLY_TEXT} characters and not blank`);
  }
  return text;
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
