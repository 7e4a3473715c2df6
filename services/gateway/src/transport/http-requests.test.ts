import {
  cannedReplyBody,
  conversationListQuery,
  parse,
  queryObject,
  visitorContextOf,
  visitorSessionBody,
} from './http-requests';

function detailOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a failure');
}

describe('http requests', () => {
  it('visitorSessionBody - accepts the documented shape, with or without a context', () => {
    expect(parse(visitorSessionBody, { widget_key: 'k' })).toEqual({ widget_key: 'k' });
    const full = parse(visitorSessionBody, {
      widget_key: 'k',
      token: 't',
      display_name: '  Ann  ',
      context: { page_url: 'https://x', group: 'sales', fields: { a: '1' }, extra: 'ignored' },
    });
    expect(full.display_name).toBe('Ann');
    expect(full.context).toEqual({ page_url: 'https://x', group: 'sales', fields: { a: '1' } });
  });

  it('visitorSessionBody - a token too long to be ours is refused', () => {
    expect(
      detailOf(() => parse(visitorSessionBody, { widget_key: 'k', token: 't'.repeat(32 * 1024 + 1) })),
    ).toMatch(/^token: /);
  });

  it('parse - every bad field is named in one detail', () => {
    const d = detailOf(() =>
      parse(visitorSessionBody, { widget_key: '', context: { group: 'a b', email: 'x' } }),
    );
    expect(d).toMatch(/widget_key: /);
    expect(d).toMatch(/context\.group: /);
    expect(d).toMatch(/context\.email: /);
    expect(detailOf(() => parse(visitorSessionBody, null))).toMatch(/^body: /);
  });

  it('visitorContextOf - fills user agent and language from the headers only when absent', () => {
    const headers = { userAgent: 'UA', acceptLanguage: 'fr-CA,fr;q=0.8' };
    expect(visitorContextOf(undefined, headers)).toMatchObject({ userAgent: 'UA', language: 'fr-CA' });
    expect(visitorContextOf({ user_agent: 'App', language: 'de' }, headers)).toMatchObject({
      userAgent: 'App',
      language: 'de',
    });
    expect(visitorContextOf({ user_agent: '', language: null }, headers)).toMatchObject({
      userAgent: 'UA',
      language: 'fr-CA',
    });
    expect(visitorContextOf({ group: 'sales' }, { userAgent: '', acceptLanguage: '' })).toEqual({
      pageUrl: '',
      referrer: '',
      userAgent: '',
      language: '',
      name: '',
      email: '',
      groupId: 'sales',
      fields: {},
    });
    expect(visitorContextOf(null, { userAgent: '', acceptLanguage: '' })).toBeUndefined();
  });

  it('cannedReplyBody - the shortcut is trimmed and lower-cased; text counted in characters', () => {
    expect(parse(cannedReplyBody, { shortcut: ' Hello ', text: 'Hi {{visitor.name}}' })).toEqual({
      shortcut: 'hello',
      text: 'Hi {{visitor.name}}',
    });
    expect(parse(cannedReplyBody, { shortcut: 'x', text: '😀'.repeat(2000) }).text).toHaveLength(4000);
    expect(detailOf(() => parse(cannedReplyBody, { shortcut: 'x', text: '😀'.repeat(2001) }))).toMatch(
      /^text: /,
    );
    expect(detailOf(() => parse(cannedReplyBody, { shortcut: 'x'.repeat(33), text: 'y' }))).toMatch(
      /^shortcut: /,
    );
  });

  it('conversationListQuery - defaults to mine and 100; limit 1..500', () => {
    expect(parse(conversationListQuery, {})).toEqual({ scope: 'mine', limit: 100 });
    expect(parse(conversationListQuery, { scope: 'closed', limit: '500' })).toEqual({
      scope: 'closed',
      limit: 500,
    });
    expect(detailOf(() => parse(conversationListQuery, { limit: '501' }))).toMatch(/^limit: /);
    expect(detailOf(() => parse(conversationListQuery, { scope: 'x' }))).toMatch(/^scope: /);
  });

  it('queryObject - the first value of a repeated name wins', () => {
    expect(queryObject(new URLSearchParams('scope=all&scope=mine&limit=5'))).toEqual({
      scope: 'all',
      limit: '5',
    });
  });
});
