/**
 * How a visitor's context (page, referrer, user agent, language, pre-chat form) travels from the gateway to
 * session: as metadata entries of the visitor's messages, read by session when the first one opens the
 * conversation. The keys are part of the contract, so they are spelled only here.
 */
import type { VisitorContext } from '../gen/switchboard/v1/conversation.pb';

const KEYS = {
  pageUrl: 'ctx.page_url',
  referrer: 'ctx.referrer',
  userAgent: 'ctx.user_agent',
  language: 'ctx.language',
  name: 'ctx.name',
  email: 'ctx.email',
  groupId: 'ctx.group',
} as const;
const FIELD_PREFIX = 'form.';

/**
 * What the gateway keeps of a visitor's context (longer values are cut, control characters removed); the
 * widget trims to the same limits before sending, so what the visitor typed is what agents see.
 */
export const VISITOR_CONTEXT_LIMITS = {
  pageUrl: 1024,
  referrer: 1024,
  userAgent: 512,
  language: 35,
  name: 80,
  email: 254,
  fieldCount: 20,
  fieldValue: 500,
  /** The whole context as JSON, in UTF-8 bytes: every limit above fits in ASCII; this caps multi-byte text. */
  totalBytes: 16 * 1024,
} as const;

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Without C0/C1 control characters; with `keepLines`, line breaks and tabs stay. */
export function stripControl(s: string, keepLines = false): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
    if (!control || (keepLines && (ch === '\n' || ch === '\r' || ch === '\t'))) out += ch;
  }
  return out;
}

/** Metadata entries carrying `context` (empty values are left out). */
export function visitorContextToMetadata(context: VisitorContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS) as [keyof typeof KEYS, string][]) {
    const v = context[field];
    if (v !== '') out[key] = v;
  }
  for (const [k, v] of Object.entries(context.fields)) if (v !== '') out[FIELD_PREFIX + k] = v;
  return out;
}

/** The visitor context in a message's metadata; undefined when it carries none. */
export function visitorContextFromMetadata(metadata: Record<string, string>): VisitorContext | undefined {
  const get = (k: string): string => metadata[k] ?? '';
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata))
    if (k.startsWith(FIELD_PREFIX)) fields[k.slice(FIELD_PREFIX.length)] = v;
  const context: VisitorContext = {
    pageUrl: get(KEYS.pageUrl),
    referrer: get(KEYS.referrer),
    userAgent: get(KEYS.userAgent),
    language: get(KEYS.language),
    name: get(KEYS.name),
    email: get(KEYS.email),
    groupId: get(KEYS.groupId),
    fields,
  };
  const any = Object.values(KEYS).some((k) => get(k) !== '') || Object.keys(fields).length > 0;
  return any ? context : undefined;
}
