import { type Lang, resolveLang, translate } from './i18n';

/** Widget defaults; the tenant's settings are spread over them, and the script tag's data attributes over those. */
export const DEFAULT_COLOR = '#2563eb';

export type Position = 'left' | 'right';

/** What the script tag says (its data attributes), before the tenant's settings are known. */
export interface EmbedOptions {
  widgetKey: string;
  /** The gateway's HTTP base URL, without a trailing slash. */
  gateway: string;
  /** data-lang, as written (resolved later with the page's languages). */
  lang?: string;
  color?: string;
  position?: Position;
  title?: string;
  /** data-group: the group conversations are routed to first. */
  group?: string;
}

/** One field of the tenant's pre-chat form. */
export interface PreChatField {
  key: string;
  labelEn: string;
  labelZh: string;
  required: boolean;
}

/** GET /v1/widget/settings (docs/protocol.md 2.3), in camelCase. */
export interface TenantWidgetSettings {
  title: string;
  color: string;
  position: Position;
  preChatEnabled: boolean;
  preChatFields: PreChatField[];
  welcomeMessage: string;
  offlineMessage: string;
  csatEnabled: boolean;
}

/** Everything the widget needs to render, resolved once at start. */
export interface WidgetConfig {
  widgetKey: string;
  gateway: string;
  lang: Lang;
  title: string;
  color: string;
  position: Position;
  group: string;
  preChatEnabled: boolean;
  preChatFields: PreChatField[];
  welcomeMessage: string;
  offlineMessage: string;
  csatEnabled: boolean;
}

/** A group id as the gateway accepts it (1-64 of A-Z a-z 0-9 _ -). */
export const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** A pre-chat field key the gateway accepts in context.fields. */
export const FIELD_KEY = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * The script tag's options: `data-widget-key` (required), `data-gateway` (default: the folder the script was
 * loaded from, which is the gateway's root for `<gateway>/widget.js`), `data-lang`, `data-color`,
 * `data-position`, `data-title`, `data-group`. Returns an error message instead when it cannot start.
 */
export function readEmbedOptions(
  data: Readonly<Record<string, string | undefined>>,
  scriptSrc: string,
  pageUrl: string,
): EmbedOptions | { error: string } {
  const widgetKey = (data['widgetKey'] ?? '').trim();
  if (widgetKey === '') return { error: 'the script tag has no data-widget-key' };
  const gateway = gatewayUrl(data['gateway'], scriptSrc, pageUrl);
  if (gateway === undefined) {
    return { error: 'cannot tell the gateway address: set data-gateway to its http(s) URL' };
  }
  const options: EmbedOptions = { widgetKey, gateway };
  const lang = nonBlank(data['lang']);
  if (lang !== undefined) options.lang = lang;
  const color = nonBlank(data['color']);
  if (color !== undefined && isCssColor(color)) options.color = color;
  const position = nonBlank(data['position'])?.toLowerCase();
  if (position === 'left' || position === 'right') options.position = position;
  const title = nonBlank(data['title']);
  if (title !== undefined) options.title = title;
  const group = nonBlank(data['group']);
  if (group !== undefined && GROUP_ID.test(group)) options.group = group;
  return options;
}

/** data-gateway when it is an http(s) URL, else the folder of the script's own URL. */
function gatewayUrl(explicit: string | undefined, scriptSrc: string, pageUrl: string): string | undefined {
  const candidates = [nonBlank(explicit), nonBlank(scriptSrc)];
  for (const [i, candidate] of candidates.entries()) {
    if (candidate === undefined) continue;
    let url: URL;
    try {
      url = new URL(candidate, pageUrl);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    if (i === 1) url = new URL('.', url);
    url.search = '';
    url.hash = '';
    return url.toString().replace(/\/+$/, '');
  }
  return undefined;
}

/** The settings endpoint's JSON, checked field by field: anything missing or mistyped takes the default. */
export function parseTenantSettings(json: unknown): TenantWidgetSettings {
  const o = isRecord(json) ? json : {};
  const fields = Array.isArray(o['pre_chat_fields']) ? (o['pre_chat_fields'] as unknown[]) : [];
  return {
    title: str(o['title']),
    color: str(o['color']),
    position: o['position'] === 'left' ? 'left' : 'right',
    preChatEnabled: o['pre_chat_enabled'] === true,
    preChatFields: fields.flatMap((f): PreChatField[] => {
      if (!isRecord(f)) return [];
      const key = str(f['key']).trim();
      if (key === '') return [];
      return [
        {
          key,
          labelEn: str(f['label_en']),
          labelZh: str(f['label_zh']),
          required: f['required'] === true,
        },
      ];
    }),
    welcomeMessage: str(o['welcome_message']),
    offlineMessage: str(o['offline_message']),
    csatEnabled: o['csat_enabled'] === true,
  };
}

/** The widget's configuration: defaults, then the tenant's settings, then the script tag's data attributes. */
export function resolveConfig(
  embed: EmbedOptions,
  tenant: TenantWidgetSettings | undefined,
  page: { htmlLang?: string; browserLangs: readonly string[] },
): WidgetConfig {
  const lang = resolveLang(embed.lang, page.htmlLang, page.browserLangs);
  const tenantColor = tenant !== undefined && isCssColor(tenant.color) ? tenant.color : undefined;
  return {
    widgetKey: embed.widgetKey,
    gateway: embed.gateway,
    lang,
    title: embed.title ?? nonBlank(tenant?.title) ?? translate(lang, 'title.default'),
    color: embed.color ?? tenantColor ?? DEFAULT_COLOR,
    position: embed.position ?? tenant?.position ?? 'right',
    group: embed.group ?? '',
    preChatEnabled: (tenant?.preChatEnabled ?? false) && (tenant?.preChatFields.length ?? 0) > 0,
    preChatFields: tenant?.preChatFields ?? [],
    welcomeMessage: tenant?.welcomeMessage.trim() ?? '',
    offlineMessage: tenant?.offlineMessage.trim() ?? '',
    csatEnabled: tenant?.csatEnabled ?? false,
  };
}

/** A field's label in the widget's language, falling back to the other language, then the key. */
export function fieldLabel(field: PreChatField, lang: Lang): string {
  const [first, second] = lang === 'zh-CN' ? [field.labelZh, field.labelEn] : [field.labelEn, field.labelZh];
  return nonBlank(first) ?? nonBlank(second) ?? field.key;
}

const NAMED_COLOR = /^[a-z]{3,20}$/i;
const HEX_COLOR = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const FUNCTION_COLOR = /^(?:rgb|rgba|hsl|hsla)\(\s*[-\d.%\s,/]+\)$/i;

/** A colour the widget accepts: hex, rgb()/hsl() with numbers only, or a bare name (no url(), no var()). */
export function isCssColor(value: string): boolean {
  const v = value.trim();
  return HEX_COLOR.test(v) || FUNCTION_COLOR.test(v) || NAMED_COLOR.test(v);
}

/** Black or white, whichever reads better on a hex colour; white for colours it cannot parse. */
export function textColorOn(color: string): '#ffffff' | '#111827' {
  const rgb = hexToRgb(color.trim());
  if (rgb === undefined) return '#ffffff';
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast against white is (1.05)/(L+0.05); against near-black roughly (L+0.05)/0.06.
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0615 ? '#ffffff' : '#111827';
}

function hexToRgb(hex: string): [number, number, number] | undefined {
  if (!HEX_COLOR.test(hex)) return undefined;
  let h = hex.slice(1);
  if (h.length === 3 || h.length === 4) h = h.replace(/./g, '$&$&');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function nonBlank(s: string | undefined): string | undefined {
  const t = s?.trim();
  return t === undefined || t === '' ? undefined : t;
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
