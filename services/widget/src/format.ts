import type { Lang, Translate } from './i18n';

/** A message's time: hours and minutes today, with the date on other days. */
export function formatTime(atMs: number, nowMs: number, lang: Lang): string {
  if (!(atMs > 0)) return '';
  const at = new Date(atMs);
  const now = new Date(nowMs);
  const sameDay =
    at.getFullYear() === now.getFullYear() &&
    at.getMonth() === now.getMonth() &&
    at.getDate() === now.getDate();
  const options: Intl.DateTimeFormatOptions = sameDay
    ? { hour: 'numeric', minute: '2-digit' }
    : { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(lang, options).format(at);
}

/** The ISO 8601 form of a timestamp for <time datetime>; undefined when it is not a valid date. */
export function isoTime(atMs: number): string | undefined {
  const at = new Date(atMs);
  return atMs > 0 && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined;
}

/** Whole minutes for a wait or countdown in seconds, at least 1. */
export function roundUpMinutes(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / 60));
}

/** "You are number 2 in line · about 3 min": a queued visitor's place and the estimated wait. */
export function queueLine(t: Translate, position: number, estimatedWaitS: number): string {
  const wait =
    estimatedWaitS > 0 ? t('queue.wait', { minutes: roundUpMinutes(estimatedWaitS) }) : t('queue.soon');
  return `${t('queue.position', { position })} · ${wait}`;
}

/** A piece of message text: plain, or a link to an http(s) URL. */
export type TextSegment = { text: string } | { text: string; href: string };

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than the URL. */
const TRAILING = /[.,;:!?)\]}'"。，；：！？）】]+$/;

/**
 * Splits text into plain pieces and http(s) links. Joining every piece's text gives the input back, so
 * rendering the pieces with text nodes shows exactly what was sent.
 */
export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const start = match.index;
    const raw = match[0].replace(TRAILING, '');
    const href = safeHref(raw);
    if (href === undefined) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

/** The URL normalised when it is a valid http(s) URL; undefined for anything else. */
export function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
