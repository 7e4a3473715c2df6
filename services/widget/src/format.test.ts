import { formatTime, isoTime, linkify, queueLine, roundUpMinutes, safeHref } from './format';
import { translator } from './i18n';

describe('format', () => {
  test('formatTime - hours and minutes today, with the date on other days', () => {
    const now = new Date(2026, 2, 14, 18, 0).getTime();
    const today = new Date(2026, 2, 14, 9, 5).getTime();
    const earlier = new Date(2026, 2, 10, 9, 5).getTime();
    expect(formatTime(today, now, 'en')).toMatch(/^9:05\sAM$/);
    expect(formatTime(today, now, 'zh-CN')).toMatch(/9:05/);
    expect(formatTime(earlier, now, 'en')).toMatch(/^Mar 10.*9:05\sAM$/);
    expect(formatTime(0, now, 'en')).toBe('');
  });

  test('isoTime - ISO 8601, nothing for timestamps that are no date', () => {
    expect(isoTime(Date.UTC(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02T03:04:05.000Z');
    expect(isoTime(0)).toBeUndefined();
    expect(isoTime(Number.MAX_SAFE_INTEGER)).toBeUndefined();
  });

  test('roundUpMinutes - whole minutes, at least one', () => {
    expect(roundUpMinutes(0)).toBe(1);
    expect(roundUpMinutes(59)).toBe(1);
    expect(roundUpMinutes(61)).toBe(2);
    expect(roundUpMinutes(180)).toBe(3);
  });

  test('queueLine - place in line with the wait in minutes, or "shortly" without an estimate', () => {
    expect(queueLine(translator('en'), 2, 150)).toBe('You are number 2 in line · about 3 min');
    expect(queueLine(translator('en'), 1, 0)).toBe('You are number 1 in line · an agent will join shortly');
    expect(queueLine(translator('zh-CN'), 3, 60)).toBe('您在队列中排第 3 位 · 预计约 1 分钟');
  });

  test('linkify - finds http(s) URLs, leaves trailing punctuation out, and joins back to the input', () => {
    const text =
      'See https://shop.example/a?b=1&c=2, or (http://x.test/y). Not javascript:alert(1) nor ftp://f';
    const segments = linkify(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments.filter((s) => 'href' in s)).toEqual([
      { text: 'https://shop.example/a?b=1&c=2', href: 'https://shop.example/a?b=1&c=2' },
      { text: 'http://x.test/y', href: 'http://x.test/y' },
    ]);
  });

  test('linkify - markup stays plain text', () => {
    const text = '<img src=x onerror=alert(1)> https://a.test/<script>';
    const segments = linkify(text);
    expect(segments.map((s) => s.text).join('')).toBe(text);
    expect(segments).toEqual([
      { text: '<img src=x onerror=alert(1)> ' },
      { text: 'https://a.test/', href: 'https://a.test/' },
      { text: '<script>' },
    ]);
  });

  test('safeHref - only http and https', () => {
    expect(safeHref('https://a.test/x')).toBe('https://a.test/x');
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,hi')).toBeUndefined();
    expect(safeHref('not a url')).toBeUndefined();
  });
});
