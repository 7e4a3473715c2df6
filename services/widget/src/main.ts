// The widget's entry point, bundled by services/build-web.mjs into one IIFE (dist/public/widget.js):
//   <script src="https://<gateway>/widget.js" data-widget-key="..." async></script>
import {
  type EmbedOptions,
  parseTenantSettings,
  readEmbedOptions,
  resolveConfig,
  type TenantWidgetSettings,
} from './options';
import { type KeyValueStore, WidgetStore } from './storage';
import { Widget } from './widget';

// Only valid while this script first runs (async scripts included): read it before anything awaits.
const ownScript = document.currentScript;

export const WIDGET_VERSION = '0.1.0';
/** How long the widget waits for the tenant's settings before it starts with its defaults. */
const SETTINGS_TIMEOUT_MS = 8000;

/** `window.Switchboard`: what the host page may do with the widget. */
export interface SwitchboardApi {
  open(): void;
  close(): void;
  toggle(): void;
  readonly version: string;
}

declare global {
  interface Window {
    Switchboard?: SwitchboardApi;
  }
}

boot();

function boot(): void {
  if (window.Switchboard !== undefined) {
    console.warn('[switchboard] the widget is already on this page; ignoring the second script tag');
    return;
  }
  const script =
    ownScript instanceof HTMLScriptElement
      ? ownScript
      : document.querySelector<HTMLScriptElement>('script[data-widget-key]');
  if (script === null) {
    console.error('[switchboard] cannot find the widget script tag (data-widget-key)');
    return;
  }
  const embed = readEmbedOptions(
    Object.fromEntries(Object.entries(script.dataset)),
    script.src,
    location.href,
  );
  if ('error' in embed) {
    console.error(`[switchboard] ${embed.error}`);
    return;
  }
  // Calls made before the settings arrive are replayed once the widget exists.
  let widget: Widget | undefined;
  const queued: ((w: Widget) => void)[] = [];
  const call = (action: (w: Widget) => void): void => {
    if (widget === undefined) queued.push(action);
    else action(widget);
  };
  window.Switchboard = Object.freeze({
    open: () => {
      call((w) => {
        w.open();
      });
    },
    close: () => {
      call((w) => {
        w.close();
      });
    },
    toggle: () => {
      call((w) => {
        w.toggle();
      });
    },
    version: WIDGET_VERSION,
  });
  void fetchSettings(embed).then(async (settings) => {
    if (settings === 'unknown-key') {
      console.error(`[switchboard] the gateway does not know widget key ${embed.widgetKey}`);
      return;
    }
    await domReady();
    widget = start(embed, settings);
    for (const action of queued.splice(0)) action(widget);
    emit('ready', { version: WIDGET_VERSION });
  });
}

function start(embed: EmbedOptions, settings: TenantWidgetSettings | undefined): Widget {
  const config = resolveConfig(embed, settings, {
    htmlLang: document.documentElement.lang,
    browserLangs: navigator.languages.length > 0 ? navigator.languages : [navigator.language],
  });
  const widget = new Widget(config, {
    store: new WidgetStore(localStore(), config.widgetKey),
    page: () => ({ url: location.href, referrer: document.referrer, language: config.lang }),
    online: () => navigator.onLine,
    visible: () => document.visibilityState === 'visible',
    emit,
  });
  document.body.appendChild(widget.host);
  window.addEventListener('online', () => {
    widget.setNetwork(true);
  });
  window.addEventListener('offline', () => {
    widget.setNetwork(false);
  });
  document.addEventListener('visibilitychange', () => {
    widget.visibilityChanged();
  });
  const storageKey = new WidgetStore(undefined, config.widgetKey).key;
  window.addEventListener('storage', (event) => {
    if (event.key === storageKey) widget.storageChanged();
  });
  widget.start();
  return widget;
}

/** GET /v1/widget/settings; undefined when it cannot be had (the widget then runs on its defaults). */
async function fetchSettings(embed: EmbedOptions): Promise<TenantWidgetSettings | undefined | 'unknown-key'> {
  const url = `${embed.gateway}/v1/widget/settings?key=${encodeURIComponent(embed.widgetKey)}`;
  try {
    const res = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(SETTINGS_TIMEOUT_MS),
    });
    if (res.status === 404) return 'unknown-key';
    if (!res.ok) return undefined;
    return parseTenantSettings(await res.json());
  } catch {
    return undefined;
  }
}

function domReady(): Promise<void> {
  if (document.readyState !== 'loading') return Promise.resolve();
  return new Promise((resolve) => {
    document.addEventListener(
      'DOMContentLoaded',
      () => {
        resolve();
      },
      { once: true },
    );
  });
}

/** localStorage, unless the browser refuses it (blocked storage throws on access). */
function localStore(): KeyValueStore | undefined {
  try {
    const store = window.localStorage;
    const probe = '__switchboard_probe__';
    store.setItem(probe, '1');
    store.removeItem(probe);
    return store;
  } catch {
    return undefined;
  }
}

function emit(name: string, detail: unknown): void {
  window.dispatchEvent(new CustomEvent(`switchboard:${name}`, { detail }));
}
