import type { VisitorContext } from '@switchboard/proto';
import {
  boundVisitorContext,
  emptyVisitorContext,
  firstLanguageTag,
  isFormFieldKey,
  isWithinVisitorContextBounds,
  truncate,
  VISITOR_CONTEXT_LIMITS,
  visitorContextBytes,
} from './visitor-context-bounds';

function ctx(over: Partial<VisitorContext>): VisitorContext {
  return { ...emptyVisitorContext(), ...over };
}

describe('visitor context bounds', () => {
  it('firstLanguageTag - the first tag of an Accept-Language header, or empty', () => {
    expect(firstLanguageTag('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(firstLanguageTag(' en-US ; q=1 , de')).toBe('en-US');
    expect(firstLanguageTag('zh-Hant-TW')).toBe('zh-Hant-TW');
    expect(firstLanguageTag('')).toBe('');
    expect(firstLanguageTag('*')).toBe('');
    expect(firstLanguageTag('<script>')).toBe('');
    expect(firstLanguageTag(`en-${'a'.repeat(40)}`)).toBe('');
  });

  it('truncate - never leaves half a surrogate pair', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdef', 3)).toBe('abc');
    expect(truncate('a😀b', 2)).toBe('a');
    expect(truncate('a😀b', 3)).toBe('a😀');
  });

  it('isFormFieldKey - 1-32 of A-Z a-z 0-9 _ -, never __proto__', () => {
    expect(isFormFieldKey('order_id')).toBe(true);
    expect(isFormFieldKey('Account-Type')).toBe(true);
    expect(isFormFieldKey('k'.repeat(32))).toBe(true);
    expect(isFormFieldKey('k'.repeat(33))).toBe(false);
    expect(isFormFieldKey('')).toBe(false);
    expect(isFormFieldKey('a.b')).toBe(false);
    expect(isFormFieldKey('__proto__')).toBe(false);
  });

  it('boundVisitorContext - an empty context is undefined', () => {
    expect(boundVisitorContext(emptyVisitorContext())).toBeUndefined();
    expect(boundVisitorContext(ctx({ name: '   ', fields: { a: ' ' } }))).toBeUndefined();
  });

  it('boundVisitorContext - cuts every member to its limit and is idempotent', () => {
    const fields: Record<string, string> = { 'a b': 'x', __proto__x: 'kept' };
    for (let i = 0; i < 30; i++) fields[`f${i}`] = `line 1\nline 2\u0000 ${'v'.repeat(600)}`;
    const wild = ctx({
      pageUrl: ` https://x/${'p'.repeat(3000)}`,
      referrer: 'r\u0007'.repeat(800),
      userAgent: `${'u'.repeat(511)}  tail`,
      language: 'EN-us',
      name: '\u0085Ann\u0000',
      email: ' ann@example.com ',
      groupId: 'sales',
      fields,
    });
    const once = boundVisitorContext(wild);
    expect(once).toBeDefined();
    const c = once as VisitorContext;
    expect(c.pageUrl.startsWith('https://x/')).toBe(true);
    expect(c.pageUrl).toHaveLength(VISITOR_CONTEXT_LIMITS.pageUrl);
    expect(c.referrer).toBe('r'.repeat(800));
    expect(c.userAgent).toBe('u'.repeat(511)); // cut at 512, then the trailing space trimmed
    expect(c.language).toBe('EN-us');
    expect(c.name).toBe('Ann');
    expect(c.email).toBe('ann@example.com');
    expect(Object.keys(c.fields)).toHaveLength(VISITOR_CONTEXT_LIMITS.fieldCount);
    expect(c.fields['__proto__x']).toBe('kept');
    expect(c.fields['f0']?.startsWith('line 1\nline 2 v')).toBe(true);
    expect(c.fields['f0']).toHaveLength(VISITOR_CONTEXT_LIMITS.fieldValue);
    expect(boundVisitorContext(c)).toEqual(c);
    expect(isWithinVisitorContextBounds(c)).toBe(true);
    expect(isWithinVisitorContextBounds(wild)).toBe(false);
  });

  it('boundVisitorContext - all maxima in ASCII fit the byte budget', () => {
    const fields = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`f${i}`.padEnd(32, '_'), 'v'.repeat(500)]),
    );
    const max = ctx({
      pageUrl: 'p'.repeat(1024),
      referrer: 'r'.repeat(1024),
      userAgent: 'u'.repeat(512),
      language: 'en-abcdefgh-abcdefgh-abcdefgh-abcde',
      name: 'n'.repeat(80),
      email: `${'e'.repeat(243)}@example.io`,
      groupId: 'g'.repeat(64),
      fields,
    });
    expect(visitorContextBytes(max)).toBeLessThanOrEqual(VISITOR_CONTEXT_LIMITS.totalBytes);
    expect(boundVisitorContext(max)).toEqual(max);
  });

  it('isWithinVisitorContextBounds - the empty context is within bounds; anything trimmed is not', () => {
    expect(isWithinVisitorContextBounds(emptyVisitorContext())).toBe(true);
    expect(isWithinVisitorContextBounds(ctx({ name: ' Ann' }))).toBe(false);
    expect(isWithinVisitorContextBounds(ctx({ groupId: 'a b' }))).toBe(false);
    expect(isWithinVisitorContextBounds(ctx({ fields: { ok: '' } }))).toBe(false);
    expect(isWithinVisitorContextBounds(ctx({ name: 'Ann', fields: { ok: 'yes' } }))).toBe(true);
  });
});
