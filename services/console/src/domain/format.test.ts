import {
  describeUserAgent,
  highlight,
  initials,
  linkify,
  safeHttpUrl,
  shortDuration,
  snippet,
  waitClock,
} from './format';

describe('safeHttpUrl', () => {
  it('safeHttpUrl - only http(s) URLs become links', () => {
    expect(safeHttpUrl('https://shop.test/cart?a=1')).toBe('https://shop.test/cart?a=1');
    expect(safeHttpUrl(' http://x.test ')).toBe('http://x.test/');
    expect(safeHttpUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeHttpUrl('data:text/html,<b>x</b>')).toBeUndefined();
    expect(safeHttpUrl('not a url')).toBeUndefined();
    expect(safeHttpUrl('')).toBeUndefined();
  });
});

describe('linkify', () => {
  it('linkify - splits links out of text, leaving trailing punctuation as text', () => {
    expect(linkify('see https://x.test/a, then http://y.test.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://x.test/a', href: 'https://x.test/a' },
      { kind: 'text', text: ', then ' },
      { kind: 'link', text: 'http://y.test', href: 'http://y.test/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('linkify - markup stays text', () => {
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    expect(linkify(payload)).toEqual([{ kind: 'text', text: payload }]);
    expect(linkify('javascript:alert(1)')).toEqual([{ kind: 'text', text: 'javascript:alert(1)' }]);
  });
});

describe('highlight and snippet', () => {
  it('highlight - marks each query word case-insensitively, regex characters are literal', () => {
    expect(highlight('Refund for order A-1', 'refund a-1')).toEqual([
      { text: 'Refund', match: true },
      { text: ' for order ', match: false },
      { text: 'A-1', match: true },
    ]);
    expect(highlight('price (USD)?', '(usd)?')).toEqual([
      { text: 'price ', match: false },
      { text: '(USD)?', match: true },
    ]);
    expect(highlight('abc', '  ')).toEqual([{ text: 'abc', match: false }]);
  });

  it('snippet - keeps the match in view of a long text', () => {
    const long = `${'a '.repeat(200)}needle ${'b '.repeat(200)}`;
    const s = snippet(long, 'needle', 60);
    expect(s).toContain('needle');
    expect(s.startsWith('…')).toBe(true);
    expect(s.endsWith('…')).toBe(true);
    expect(snippet('short text', 'x')).toBe('short text');
  });
});

describe('durations', () => {
  it('shortDuration and waitClock - compact and clock forms', () => {
    expect(shortDuration(45_000)).toBe('45s');
    expect(shortDuration(180_000)).toBe('3m');
    expect(shortDuration(3_900_000)).toBe('1h 5m');
    expect(shortDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d 3h');
    expect(shortDuration(-5)).toBe('0s');
    expect(waitClock(65_000)).toBe('01:05');
    expect(waitClock(3_725_000)).toBe('1:02:05');
  });
});

describe('describeUserAgent and initials', () => {
  it('describeUserAgent - browser and OS, else the raw string', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
      ),
    ).toBe('Chrome 126 · macOS');
    expect(
      describeUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0'),
    ).toBe('Firefox 128 · Windows');
    expect(describeUserAgent('curl/8.0')).toBe('curl/8.0');
    expect(describeUserAgent('')).toBe('');
  });

  it('initials - first letters of two words, else one character (CJK and emoji count as one)', () => {
    expect(initials('Ann Lee')).toBe('AL');
    expect(initials('bob')).toBe('B');
    expect(initials('王小明')).toBe('王');
    expect(initials('👩‍💻 dev')).toBe('👩‍💻D');
    expect(initials('  ')).toBe('?');
    expect(initials('Visitor #1a2b3c')).toBe('V');
    expect(initials('#1a2b3c')).toBe('?');
  });
});
