/** The HTML a customer pastes into their site to load the widget. */

export type SnippetLang = 'en' | 'zh-CN';

export interface SnippetOptions {
  /** Fixes the widget's language; without it the widget follows the visitor's browser. */
  readonly lang?: SnippetLang;
  readonly color?: string;
  readonly position?: 'left' | 'right';
  readonly title?: string;
}

const ATTRIBUTE_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '"': '&quot;',
  "'": '&#39;',
  '<': '&lt;',
  '>': '&gt;',
};

/** Safe inside a double- or single-quoted HTML attribute value (and harmless in text). */
export function escapeAttribute(value: string): string {
  return value.replace(/[&"'<>]/g, (c) => ATTRIBUTE_ESCAPES[c] ?? c);
}

/** `<gateway>/widget.js`, whatever trailing slashes the gateway URL has. */
export function widgetScriptUrl(gatewayUrl: string): string {
  return `${gatewayUrl.trim().replace(/\/+$/, '')}/widget.js`;
}

/**
 * `<script src="<gateway>/widget.js" data-widget-key="<key>" async></script>`, plus a data-* attribute for
 * each option given. Every value is escaped, so a key or title can never break out of its attribute.
 */
export function embedSnippet(gatewayUrl: string, widgetKey: string, options: SnippetOptions = {}): string {
  const attributes: [string, string][] = [
    ['src', widgetScriptUrl(gatewayUrl)],
    ['data-widget-key', widgetKey],
  ];
  if (options.lang !== undefined) attributes.push(['data-lang', options.lang]);
  if (options.color !== undefined && options.color !== '') attributes.push(['data-color', options.color]);
  if (options.position !== undefined) attributes.push(['data-position', options.position]);
  if (options.title !== undefined && options.title !== '') attributes.push(['data-title', options.title]);
  const rendered = attributes.map(([name, value]) => `${name}="${escapeAttribute(value)}"`).join(' ');
  return `<script ${rendered} async></script>`;
}

/** The gateway's public origin: the console's API base URL, or this page's origin when that is relative. */
export function gatewayOrigin(baseUrl: string, pageOrigin: string): string {
  const base = baseUrl.trim().replace(/\/+$/, '');
  if (/^https?:\/\//i.test(base)) return base;
  return `${pageOrigin.replace(/\/+$/, '')}${base.startsWith('/') ? base : base === '' ? '' : `/${base}`}`;
}
