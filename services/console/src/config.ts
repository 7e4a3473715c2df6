/** What the console reads from its own URL, once, at start-up. */
export interface ConsoleConfig {
  /** The gateway's HTTP base URL (no trailing slash): REST calls and, as ws(s), the WebSocket. */
  gatewayUrl: string;
  /** Messages per history page (scrolling up) and the backfill of each conversation on connect. */
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 30;
const MIN_PAGE_SIZE = 5;
const MAX_PAGE_SIZE = 200;

/**
 * The gateway serves the console, so by default it is the page's own origin. `?gateway=http://host:port`
 * points a console served elsewhere (a dev server) at a gateway; `?pageSize=` changes the history page.
 */
export function readConfig(location: { origin: string; search: string }): ConsoleConfig {
  const params = new URLSearchParams(location.search);
  const override = params.get('gateway')?.trim() ?? '';
  let gatewayUrl = location.origin;
  if (override !== '' && URL.canParse(override)) {
    const url = new URL(override);
    if (url.protocol === 'http:' || url.protocol === 'https:') gatewayUrl = url.origin + url.pathname;
  }
  const size = Number(params.get('pageSize') ?? '');
  const pageSize =
    Number.isInteger(size) && size > 0
      ? Math.min(MAX_PAGE_SIZE, Math.max(MIN_PAGE_SIZE, size))
      : DEFAULT_PAGE_SIZE;
  return { gatewayUrl: gatewayUrl.replace(/\/+$/, ''), pageSize };
}
