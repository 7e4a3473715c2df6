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
