import { ErrorCode, isSubjectToken, type VisitorContext } from '@switchboard/proto';
import { z } from 'zod';
import {
  boundVisitorContext,
  emptyVisitorContext,
  firstLanguageTag,
  isFormFieldKey,
  LANGUAGE_TAG,
  truncate,
  VISITOR_CONTEXT_LIMITS as LIMITS,
  visitorContextBytes,
} from '../domain/visitor-context-bounds';
import { HttpProblem } from './http';

/** Request bodies and query strings of the REST endpoints, validated with zod: any failure is a 400. */

export const MAX_JSON_BODY_BYTES = 64 * 1024;
/** A visitor token with the largest context stays well below this. */
export const MAX_TOKEN_CHARS = 32 * 1024;
export const MAX_CANNED_REPLY_TEXT = 2000;
export const MAX_LIST_LIMIT = 500;
export const DEFAULT_LIST_LIMIT = 100;

function hasControl(s: string, allowLines: boolean): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (allowLines && (ch === '\n' || ch === '\r' || ch === '\t')) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** A single-line string of at most `max` characters (UTF-16 units). */
function line(max: number) {
  return z
    .string()
    .max(max)
    .refine((s) => !hasControl(s, false), 'must not contain control characters');
}

const visitorContextBody = z
  .object({
    page_url: line(LIMITS.pageUrl).nullish(),
    referrer: line(LIMITS.referrer).nullish(),
    user_agent: line(LIMITS.userAgent).nullish(),
    language: z
      .string()
      .max(LIMITS.language)
      .refine((s) => s === '' || LANGUAGE_TAG.test(s), 'must be a language tag such as en or zh-CN')
      .nullish(),
    name: line(LIMITS.name).nullish(),
    email: z
      .string()
      .trim()
      .max(LIMITS.email)
      .refine((s) => s === '' || /^[^\s@]+@[^\s@]+$/.test(s), 'must be an email address')
      .nullish(),
    group: z
      .string()
      .refine((s) => s === '' || isSubjectToken(s), 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -')
      .nullish(),
    fields: z
      .record(
        z.string(),
        z
          .string()
          .max(LIMITS.fieldValue)
          .refine((s) => !hasControl(s, true), 'must not contain control characters other than line breaks'),
      )
      .superRefine((fields, ctx) => {
        const keys = Object.keys(fields);
        if (keys.length > LIMITS.fieldCount) {
          ctx.addIssue({ code: 'custom', message: `at most ${LIMITS.fieldCount} fields` });
        }
        for (const k of keys) {
          if (!isFormFieldKey(k)) {
            ctx.addIssue({
              code: 'custom',
              path: [k],
              message: 'a field name must be 1-32 characters of A-Z, a-z, 0-9, _ or -',
            });
          }
        }
      })
      .nullish(),
  })
  .refine(
    (c) => visitorContextBytes(contextOf(c)) <= LIMITS.totalBytes,
    `the context must be at most ${LIMITS.totalBytes} bytes as JSON`,
  );

export type VisitorContextBody = z.infer<typeof visitorContextBody>;

export const visitorSessionBody = z.object({
  widget_key: z.string().min(1).max(128),
  token: z.string().max(MAX_TOKEN_CHARS).nullish(),
  display_name: z.string().trim().max(LIMITS.name).nullish(),
  context: visitorContextBody.nullish(),
});

export const agentLoginBody = z.object({
  tenant_id: z.string().min(1).max(64),
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(1024),
});

/** POST /v1/agent/canned-replies. The shortcut is compared lower-case, like the admin service stores it. */
export const cannedReplyBody = z.object({
  id: z.string().refine(isSubjectToken, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -').nullish(),
  shortcut: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 characters of A-Z, a-z, 0-9, _ or -')
    .transform((s) => s.toLowerCase()),
  text: z
    .string()
    .refine((s) => s.trim() !== '', 'must not be blank')
    .refine(
      (s) => Array.from(s).length <= MAX_CANNED_REPLY_TEXT,
      `must be at most ${MAX_CANNED_REPLY_TEXT} characters`,
    ),
  shared: z.boolean().nullish(),
});

export const conversationListQuery = z.object({
  scope: z.enum(['mine', 'all', 'closed']).default('mine'),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(DEFAULT_LIST_LIMIT),
});

export const widgetSettingsQuery = z.object({
  key: z.string().min(1, 'the widget key is required').max(128),
});

/** GET /v1/agent/search */
export const MAX_SEARCH_LIMIT = 100;

export const searchQuery = z.object({
  q: z
    .string()
    .trim()
    .refine((s) => Array.from(s).length >= 2 && Array.from(s).length <= 200, 'must be 2-200 characters'),
  limit: z.coerce.number().int().min(1).max(MAX_SEARCH_LIMIT).default(20),
  conversation_id: z
    .string()
    .refine(isSubjectToken, 'must be 1-64 characters of A-Z, a-z, 0-9, _ or -')
    .optional(),
});

/** The value, or a 400 problem naming every bad field. */
export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const detail = r.error.issues
    .map((i) => `${i.path.map(String).join('.') || 'body'}: ${i.message}`)
    .join('; ');
  throw new HttpProblem(400, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, detail);
}

/** A query string's parameters as an object (the first value of a repeated name wins). */
export function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (!(k in out)) out[k] = v;
  return out;
}

/**
 * The visitor context of a session request: the body's, with the request's User-Agent header when it has
 * no user agent and the first tag of Accept-Language when it has no language. Undefined when all is empty.
 */
export function visitorContextOf(
  body: VisitorContextBody | null | undefined,
  headers: { readonly userAgent: string; readonly acceptLanguage: string },
): VisitorContext | undefined {
  const c = contextOf(body ?? {});
  if (c.userAgent === '') c.userAgent = truncate(headers.userAgent, LIMITS.userAgent);
  if (c.language === '') c.language = firstLanguageTag(headers.acceptLanguage);
  return boundVisitorContext(c);
}

function contextOf(body: {
  page_url?: string | null | undefined;
  referrer?: string | null | undefined;
  user_agent?: string | null | undefined;
  language?: string | null | undefined;
  name?: string | null | undefined;
  email?: string | null | undefined;
  group?: string | null | undefined;
  fields?: Record<string, string> | null | undefined;
}): VisitorContext {
  return {
    ...emptyVisitorContext(),
    pageUrl: body.page_url ?? '',
    referrer: body.referrer ?? '',
    userAgent: body.user_agent ?? '',
    language: body.language ?? '',
    name: body.name ?? '',
    email: body.email ?? '',
    groupId: body.group ?? '',
    fields: { ...(body.fields ?? {}) },
  };
}
