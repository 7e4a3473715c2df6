import { CONTEXT_LIMITS, validateAnswers, visitorContext } from './profile';

const PAGE = { url: 'https://shop.example/cart', referrer: 'https://search.example/?q=mug', language: 'en' };

describe('profile', () => {
  test('visitorContext - always the page, referrer and language; answers to their members', () => {
    expect(visitorContext(undefined, PAGE, '')).toEqual({
      pageUrl: PAGE.url,
      referrer: PAGE.referrer,
      language: 'en',
    });
    expect(
      visitorContext(
        { name: ' Ann ', email: 'ann@example.com', group: 'sales', order: 'A-1', note: '' },
        PAGE,
        'support',
      ),
    ).toEqual({
      pageUrl: PAGE.url,
      referrer: PAGE.referrer,
      language: 'en',
      name: 'Ann',
      email: 'ann@example.com',
      group: 'sales',
      fields: { order: 'A-1' },
    });
  });

  test('visitorContext - data-group when the form has none; bad answers are left out, long ones cut', () => {
    const long = 'x'.repeat(2000);
    const context = visitorContext(
      {
        name: `A\u0000${'n'.repeat(100)}`,
        email: 'not-an-email',
        'bad key!': 'v',
        comment: `a\nb\u0007${long}`,
      },
      { ...PAGE, url: `https://shop.example/${long}` },
      'support',
    );
    expect(context.group).toBe('support');
    expect(context.email).toBeUndefined();
    expect(context.name).toHaveLength(CONTEXT_LIMITS.name);
    expect(context.pageUrl).toHaveLength(CONTEXT_LIMITS.url);
    expect(context.fields).toEqual({ comment: `a\nb${long}`.slice(0, CONTEXT_LIMITS.fieldValue) });
  });

  test('visitorContext - at most 20 fields, and within the byte budget for non-Latin text', () => {
    const many = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, '长'.repeat(500)]));
    const context = visitorContext(many, PAGE, '');
    const count = Object.keys(context.fields ?? {}).length;
    expect(count).toBeGreaterThan(0);
    expect(count).toBeLessThanOrEqual(CONTEXT_LIMITS.fieldCount);
    expect(new TextEncoder().encode(JSON.stringify(context)).length).toBeLessThanOrEqual(
      CONTEXT_LIMITS.bytes,
    );
  });

  test('validateAnswers - required, email and group checks', () => {
    const fields = [
      { key: 'name', required: true },
      { key: 'email', required: false },
      { key: 'group', required: false },
      { key: 'order', required: true },
    ];
    expect(validateAnswers(fields, { name: ' ', email: 'x', group: 'no spaces', order: 'A' })).toEqual(
      new Map([
        ['name', 'form.required'],
        ['email', 'form.email'],
        ['group', 'form.invalid'],
      ]),
    );
    expect(validateAnswers(fields, { name: 'Ann', email: '', order: 'A-1' })).toEqual(new Map());
  });
});
