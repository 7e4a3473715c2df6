/**
 * The route lives in the location hash (`#/c/<id>`, `#/c/<id>/m/<seq>`, `#/admin`), so a reload keeps the
 * open conversation and a search hit is a link to its message.
 */
export type Route =
  { view: 'inbox'; conversationId: string | undefined; seq: number | undefined } | { view: 'admin' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  if (path === '/admin') return { view: 'admin' };
  const m = /^\/c\/([A-Za-z0-9_-]{1,64})(?:\/m\/(\d{1,15}))?$/.exec(path);
  const seq = m?.[2] === undefined ? undefined : Number(m[2]);
  return { view: 'inbox', conversationId: m?.[1], seq: seq !== undefined && seq >= 1 ? seq : undefined };
}

export function routeHash(route: Route): string {
  if (route.view === 'admin') return '#/admin';
  if (route.conversationId === undefined) return '#/';
  const base = `#/c/${route.conversationId}`;
  return route.seq === undefined ? base : `${base}/m/${route.seq}`;
}

export function inboxRoute(conversationId: string | undefined, seq?: number): Route {
  return { view: 'inbox', conversationId, seq };
}
