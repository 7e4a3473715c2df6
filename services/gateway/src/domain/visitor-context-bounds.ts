import {
  isSubjectToken,
  stripControl,
  truncate,
  VISITOR_CONTEXT_LIMITS,
  type VisitorContext,
} from '@switchboard/proto';

/** How much of a visitor's context the gateway accepts, carries in tokens and forwards to session. */
export { truncate, VISITOR_CONTEXT_LIMITS };

const FORM_FIELD_KEY = /^[A-Za-z0-9_-]{1,32}$/;

/** 1-32 of A-Z, a-z, 0-9, _ and -; `__proto__` is refused as it would vanish from a plain object. */
export function isFormFieldKey(key: string): boolean {
  return FORM_FIELD_KEY.test(key) && key !== '__proto__';
}
/** A BCP 47 tag in its common shape (en, zh-CN, zh-Hant-TW); ≤ 35 characters is checked apart. */
export const LANGUAGE_TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;

export function emptyVisitorContext(): VisitorContext {
  return {
    pageUrl: '',
    referrer: '',
    userAgent: '',
    language: '',
    name: '',
    email: '',
    groupId: '',
    fields: {},
  };
}

export function isEmptyVisitorContext(c: VisitorContext): boolean {
  return (
    c.pageUrl === '' &&
    c.referrer === '' &&
    c.userAgent === '' &&
    c.language === '' &&
    c.name === '' &&
    c.email === '' &&
    c.groupId === '' &&
    Object.keys(c.fields).length === 0
  );
}

/**
 * The context cut down to the limits: control characters removed, long strings truncated (never inside a
 * surrogate pair), an over-long email or language, a group that is not a subject token and bad form keys
 * dropped, form fields past 20 (or past the byte budget) dropped from the end. Undefined when nothing is left.
 */
export function boundVisitorContext(c: VisitorContext): VisitorContext | undefined {
  const L = VISITOR_CONTEXT_LIMITS;
  const email = stripControl(c.email).trim();
  const language = stripControl(c.language).trim();
  const out: VisitorContext = {
    pageUrl: fit(c.pageUrl, L.pageUrl),
    referrer: fit(c.referrer, L.referrer),
    userAgent: fit(c.userAgent, L.userAgent),
    language: language.length <= L.language && LANGUAGE_TAG.test(language) ? language : '',
    name: fit(c.name, L.name),
    email: email.length <= L.email ? email : '',
    groupId: isSubjectToken(c.groupId) ? c.groupId : '',
    fields: {},
  };
  for (const [key, raw] of Object.entries(c.fields)) {
    if (Object.keys(out.fields).length >= L.fieldCount) break;
    const value = truncate(stripControl(raw, true), L.fieldValue);
    if (!isFormFieldKey(key) || value.trim() === '') continue;
    out.fields[key] = value;
  }
  const entries = Object.entries(out.fields);
  for (let kept = entries.length; kept > 0 && visitorContextBytes(out) > L.totalBytes; kept--) {
    out.fields = Object.fromEntries(entries.slice(0, kept - 1));
  }
  return isEmptyVisitorContext(out) ? undefined : out;
}

/** True when `boundVisitorContext` would return the context unchanged. */
export function isWithinVisitorContextBounds(c: VisitorContext): boolean {
  const bounded = boundVisitorContext(c);
  if (bounded === undefined) return isEmptyVisitorContext(c);
  return (
    bounded.pageUrl === c.pageUrl &&
    bounded.referrer === c.referrer &&
    bounded.userAgent === c.userAgent &&
    bounded.language === c.language &&
    bounded.name === c.name &&
    bounded.email === c.email &&
    bounded.groupId === c.groupId &&
    Object.keys(bounded.fields).length === Object.keys(c.fields).length &&
    Object.entries(c.fields).every(([k, v]) => bounded.fields[k] === v)
  );
}

export function visitorContextBytes(c: VisitorContext): number {
  return Buffer.byteLength(JSON.stringify(c), 'utf8');
}

/** The first language tag of an Accept-Language header (`zh-CN,zh;q=0.9` → `zh-CN`); '' when none. */
export function firstLanguageTag(acceptLanguage: string): string {
  const first = acceptLanguage.split(',')[0]?.split(';')[0]?.trim() ?? '';
  return first.length <= VISITOR_CONTEXT_LIMITS.language && LANGUAGE_TAG.test(first) ? first : '';
}

/** At most `max` UTF-16 units, without leaving half a surrogate pair at the end. */

/** Cleaned, trimmed, then cut to `max` (and trimmed again at the cut: the result is stable). */
function fit(s: string, max: number): string {
  return truncate(stripControl(s).trim(), max).trimEnd();
}
