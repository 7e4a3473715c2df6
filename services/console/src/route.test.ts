import { inboxRoute, parseRoute, routeHash } from './route';

describe('route', () => {
  it('route - parses conversations, message links and admin, and round-trips', () => {
    expect(parseRoute('#/c/c_01ABC')).toEqual({ view: 'inbox', conversationId: 'c_01ABC', seq: undefined });
    expect(parseRoute('#/c/c_01ABC/m/42')).toEqual({ view: 'inbox', conversationId: 'c_01ABC', seq: 42 });
    expect(parseRoute('#/admin')).toEqual({ view: 'admin' });
    expect(parseRoute('')).toEqual({ view: 'inbox', conversationId: undefined, seq: undefined });
    for (const r of [
      inboxRoute('c1'),
      inboxRoute('c1', 7),
      inboxRoute(undefined),
      { view: 'admin' as const },
    ]) {
      expect(parseRoute(routeHash(r))).toEqual(r);
    }
  });

  it('route - anything that is not an id names nothing; seq 0 is no seq', () => {
    expect(parseRoute('#/c/<script>')).toEqual({ view: 'inbox', conversationId: undefined, seq: undefined });
    expect(parseRoute('#/c/a/m/0')).toEqual({ view: 'inbox', conversationId: 'a', seq: undefined });
  });
});
