import type { VisitorSessionRequest } from '@switchboard/client';
import { stripControl, truncate, VISITOR_CONTEXT_LIMITS } from '@switchboard/proto/wire';
import type { MessageKey } from './i18n';
import { FIELD_KEY, GROUP_ID, type PreChatField } from './options';

/** The visitor context of a session request (the SDK's type). */
export type VisitorContext = NonNullable<VisitorSessionRequest['context']>;

/** The gateway's limits (docs/protocol.md 2.1): anything over them is refused, so the widget cuts first. */
export const CONTEXT_LIMITS = {
  url: VISITOR_CONTEXT_LIMITS.pageUrl,
  name: VISITOR_CONTEXT_LIMITS.name,
  email: VISITOR_CONTEXT_LIMITS.email,
  fieldValue: VISITOR_CONTEXT_LIMITS.fieldValue,
  fieldCount: VISITOR_CONTEXT_LIMITS.fieldCount,
  /** The gateway allows 16 KiB of context JSON; stay a little under. */
  bytes: VISITOR_CONTEXT_LIMITS.totalBytes - 1024,
} as const;

/** What the gateway accepts as an email address. */
export const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Where the visitor is: sent with every session so agents see the current page. */
export interface PageInfo {
  url: string;
  referrer: string;
  language: string;
}

/**
 * The context for POST /v1/visitor/sessions: the page, the language and the visitor's form answers (`name`,
 * `email` and `group` to their own members, other keys to `fields`), cut to the gateway's limits. `group`
 * from the form wins over data-group. Answers the gateway would refuse are left out rather than failing.
 */
export function visitorContext(
  profile: Readonly<Record<string, string>> | undefined,
  page: PageInfo,
  group: string,
): VisitorContext {
  const context: VisitorContext = {
    pageUrl: truncate(stripControl(page.url), CONTEXT_LIMITS.url),
    referrer: truncate(stripControl(page.referrer), CONTEXT_LIMITS.url),
    language: page.language,
  };
  const answers = profile ?? {};
  const name = truncate(stripControl(answers['name'] ?? '').trim(), CONTEXT_LIMITS.name);
  if (name !== '') context.name = name;
  const email = (answers['email'] ?? '').trim();
  if (email.length <= CONTEXT_LIMITS.email && EMAIL.test(email)) context.email = email;
  const chosenGroup = (answers['group'] ?? '').trim() || group;
  if (GROUP_ID.test(chosenGroup)) context.group = chosenGroup;
  const fields: Record<string, string> = {};
  let count = 0;
  for (const [key, raw] of Object.entries(answers)) {
    if (key === 'name' || key === 'email' || key === 'group' || key === '__proto__') continue;
    if (!FIELD_KEY.test(key) || count >= CONTEXT_LIMITS.fieldCount) continue;
    const value = truncate(stripControl(raw, true).trim(), CONTEXT_LIMITS.fieldValue);
    if (value === '') continue;
    fields[key] = value;
    count++;
  }
  if (count > 0) context.fields = fields;
  // Text in non-Latin scripts takes up to 3 bytes a character: drop answers from the end to fit.
  const kept = Object.entries(fields);
  while (kept.length > 0 && contextBytes(context) > CONTEXT_LIMITS.bytes) {
    kept.pop();
    if (kept.length === 0) delete context.fields;
    else context.fields = Object.fromEntries(kept);
  }
  return context;
}

function contextBytes(context: VisitorContext): number {
  return new TextEncoder().encode(JSON.stringify(context)).length;
}

/** The longest answer each pre-chat field takes (the input's maxlength). */
export function fieldMaxLength(key: string): number {
  if (key === 'name') return CONTEXT_LIMITS.name;
  if (key === 'email') return CONTEXT_LIMITS.email;
  if (key === 'group') return 64;
  return CONTEXT_LIMITS.fieldValue;
}

/** Checks a form's answers: required ones present, email and group well formed. Returns the errors by key. */
export function validateAnswers(
  fields: readonly Pick<PreChatField, 'key' | 'required'>[],
  answers: Readonly<Record<string, string>>,
): Map<string, MessageKey> {
  const errors = new Map<string, MessageKey>();
  for (const field of fields) {
    const value = (answers[field.key] ?? '').trim();
    if (value === '') {
      if (field.required) errors.set(field.key, 'form.required');
      continue;
    }
    if (field.key === 'email' && (value.length > CONTEXT_LIMITS.email || !EMAIL.test(value))) {
      errors.set(field.key, 'form.email');
    } else if (field.key === 'group' && !GROUP_ID.test(value)) {
      errors.set(field.key, 'form.invalid');
    }
  }
  return errors;
}
