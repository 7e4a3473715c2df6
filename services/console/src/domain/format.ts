/** Formatting for the console's views. Pure: the clock and the locale are parameters. */

/** `h:mm` style clock time in the given locale. */
export function clockTime(ms: number, locale: string): string {
  return new Date(ms).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
}

/** A date with time, for tooltips and the context panel. */
export function dateTime(ms: number, locale: string): string {
  return new Date(ms).toLocaleString(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** The list's timestamp: clock time today, else a short date. */
export function listTime(ms: number, nowMs: number, locale: string): string {
  if (ms <= 0) return '';
  const d = new Date(ms);
  const now = new Date(nowMs);
  if (d.toDateString() === now.toDateString()) return clockTime(ms, locale);
  return d.toLocaleDateString(locale, { month: 'short', day: 'numeric' });
}

/** A compact duration: `45s`, `3m`, `1h 5m`, `2d 3h`. */
export function shortDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** `mm:ss` (or `h:mm:ss`) for a live wait clock. */
export function waitClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s)}` : `${two(m)}:${two(s)}`;
}

/** The URL if it is http(s), for an `href`; anything else (javascript:, data:) is only ever shown as text. */
export function safeHttpUrl(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '' || !URL.canParse(text)) return undefined;
  const url = new URL(text);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
}

export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"']+/gi;

/** Splits message text into plain runs and http(s) links (trailing punctuation stays text). */
export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    const index = m.index;
    let raw = m[0];
    const trail = /[.,;:!?)\]]+$/.exec(raw);
    if (trail !== null) raw = raw.slice(0, raw.length - trail[0].length);
    const href = safeHttpUrl(raw);
    if (href === undefined || raw === '') continue;
    if (index > at) out.push({ kind: 'text', text: text.slice(at, index) });
    out.push({ kind: 'link', text: raw, href });
    at = index + raw.length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

export interface HighlightSegment {
  text: string;
  match: boolean;
}

/** Splits text around case-insensitive occurrences of each word of the query (for <mark> in search hits). */
export function highlight(text: string, query: string): HighlightSegment[] {
  const words = query
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '')
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  if (words.length === 0) return [{ text, match: false }];
  const re = new RegExp(`(${words.join('|')})`, 'gi');
  const out: HighlightSegment[] = [];
  let at = 0;
  for (const m of text.matchAll(re)) {
    if (m[0] === '') continue;
    if (m.index > at) out.push({ text: text.slice(at, m.index), match: false });
    out.push({ text: m[0], match: true });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ text: text.slice(at), match: false });
  return out;
}

/** At most `max` characters of text around the first match of the query, with ellipses where cut. */
export function snippet(text: string, query: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const first = query.trim().split(/\s+/)[0] ?? '';
  const at = first === '' ? -1 : flat.toLowerCase().indexOf(first.toLowerCase());
  const start = at < 0 ? 0 : Math.max(0, Math.min(at - Math.floor(max / 3), flat.length - max));
  const body = flat.slice(start, start + max);
  return `${start > 0 ? '…' : ''}${body}${start + max < flat.length ? '…' : ''}`;
}

/** "Chrome 126 · macOS" from a User-Agent string; the raw string when nothing is recognised. */
export function describeUserAgent(ua: string): string {
  if (ua.trim() === '') return '';
  const browser =
    match(ua, /Edg\/(\d+)/, 'Edge') ??
    match(ua, /OPR\/(\d+)/, 'Opera') ??
    match(ua, /Firefox\/(\d+)/, 'Firefox') ??
    match(ua, /Chrome\/(\d+)/, 'Chrome') ??
    (/Safari\//.test(ua) ? match(ua, /Version\/(\d+)/, 'Safari') : undefined);
  let os: string | undefined;
  if (/Windows/.test(ua)) os = 'Windows';
  else if (/iPhone|iPad/.test(ua)) os = 'iOS';
  else if (/Mac OS X|Macintosh/.test(ua)) os = 'macOS';
  else if (/Android/.test(ua)) os = 'Android';
  else if (/Linux/.test(ua)) os = 'Linux';
  if (browser === undefined && os === undefined) return ua;
  return [browser, os].filter((x) => x !== undefined).join(' · ');
}

function match(ua: string, re: RegExp, name: string): string | undefined {
  const m = re.exec(ua);
  return m === null ? undefined : `${name} ${m[1] ?? ''}`.trim();
}

/** Initials for an avatar: first letters of the first two words, else the first character. */
export function initials(name: string): string {
  // Words that start with a letter: `Visitor #1a2b3c` is V, `#1a2b3c` is ?.
  const words = name
    .trim()
    .split(/\s+/)
    .filter((w) => /^\p{L}/u.test(w) || /^\p{Extended_Pictographic}/u.test(w));
  const [first, second] = words;
  if (first === undefined) return '?';
  if (second === undefined) return graphemes(first, 1).toUpperCase();
  return (graphemes(first, 1) + graphemes(second, 1)).toUpperCase();
}

/** The first `n` user-perceived characters (an emoji or a CJK character counts as one). */
function graphemes(text: string, n: number): string {
  let out = '';
  let count = 0;
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (count++ >= n) break;
    out += segment;
  }
  return out;
}

/** A stable hue (0..359) for a name, so a visitor keeps their avatar colour. */
export function hueOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = (h * 31 + key.charCodeAt(i)) >>> 0;
  return h % 360;
}
