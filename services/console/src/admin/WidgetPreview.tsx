import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { useAdmin } from './components';
import { DEFAULTS, normalizeHexColour, readableTextColour, type WidgetDraft } from './forms';
import { translate, type Lang } from './i18n';

/**
 * A static picture of the widget as a visitor would see it with the form's settings: a page with the
 * launcher bubble in its corner and the open chat panel above it. Plain markup; the real widget script is
 * never loaded here.
 */
export function WidgetPreview(props: { draft: WidgetDraft }): JSX.Element {
  const { t, lang } = useAdmin();
  const [visitorLang, setVisitorLang] = useState<Lang>(lang);
  const [offline, setOffline] = useState(false);
  useEffect(() => {
    setVisitorLang(lang);
  }, [lang]);
  const d = props.draft;
  const colour = normalizeHexColour(d.color, DEFAULTS.widgetColor);
  const ink = readableTextColour(colour);
  const vt = (key: Parameters<typeof translate>[1]) => translate(visitorLang, key);
  const title = d.title.trim() === '' ? vt('preview_default_title') : d.title.trim();
  const welcome = d.welcome_message.trim() === '' ? vt('preview_default_welcome') : d.welcome_message.trim();
  const offlineText =
    d.offline_message.trim() === '' ? vt('preview_default_offline') : d.offline_message.trim();
  const showPreChat = d.pre_chat_enabled && d.pre_chat_fields.length > 0 && !offline;
  return (
    <div class="sb-admin-preview-wrap">
      <div class="sb-admin-preview-controls">
        <span class="sb-admin-label sb-admin-label--inline">{t('preview')}</span>
        <div
          class="sb-admin-segmented sb-admin-segmented--small"
          role="group"
          aria-label={t('preview_language')}
        >
          {(['en', 'zh-CN'] as const).map((l) => (
            <button
              key={l}
              type="button"
              class={`sb-admin-segment${visitorLang === l ? ' sb-admin-segment--on' : ''}`}
              aria-pressed={visitorLang === l}
              onClick={() => {
                setVisitorLang(l);
              }}
            >
              {l === 'en' ? 'EN' : '中文'}
            </button>
          ))}
        </div>
        <div
          class="sb-admin-segmented sb-admin-segmented--small"
          role="group"
          aria-label={t('preview_state')}
        >
          {[false, true].map((o) => (
            <button
              key={String(o)}
              type="button"
              class={`sb-admin-segment${offline === o ? ' sb-admin-segment--on' : ''}`}
              aria-pressed={offline === o}
              onClick={() => {
                setOffline(o);
              }}
            >
              {t(o ? 'preview_offline' : 'preview_online')}
            </button>
          ))}
        </div>
      </div>
      <div
        class={`sb-admin-preview sb-admin-preview--${d.position}`}
        data-testid="sb-admin-widget-preview"
        data-position={d.position}
        role="figure"
        aria-label={t('preview_alt', { title })}
      >
        <div class="sb-admin-preview-site" aria-hidden="true">
          <span class="sb-admin-preview-line sb-admin-preview-line--wide" />
          <span class="sb-admin-preview-line" />
          <span class="sb-admin-preview-line sb-admin-preview-line--short" />
        </div>
        <div class="sb-admin-preview-panel">
          <div
            class="sb-admin-preview-header"
            data-testid="sb-admin-preview-header"
            style={{ backgroundColor: colour, color: ink }}
          >
            <span class="sb-admin-preview-title">{title}</span>
            <span class="sb-admin-preview-close" aria-hidden="true">
              ×
            </span>
          </div>
          <div class="sb-admin-preview-body">
            <div class="sb-admin-preview-bubble" data-testid="sb-admin-preview-message">
              {offline ? offlineText : welcome}
            </div>
            {showPreChat ? (
              <div class="sb-admin-preview-form" data-testid="sb-admin-preview-form">
                {d.pre_chat_fields.map((f, i) => {
                  const label =
                    (visitorLang === 'zh-CN' ? f.label_zh || f.label_en : f.label_en || f.label_zh) || f.key;
                  return (
                    <div class="sb-admin-preview-field" key={i}>
                      <span class="sb-admin-preview-field-label">
                        {label}
                        {f.required ? <span class="sb-admin-preview-required"> *</span> : null}
                      </span>
                      <span class="sb-admin-preview-input" />
                    </div>
                  );
                })}
                <span class="sb-admin-preview-start" style={{ backgroundColor: colour, color: ink }}>
                  {vt('preview_start_chat')}
                </span>
              </div>
            ) : null}
          </div>
          <div class="sb-admin-preview-composer">
            <span>{vt(offline ? 'preview_leave_message' : 'preview_type_message')}</span>
            <span class="sb-admin-preview-send" style={{ color: colour }}>
              ➤
            </span>
          </div>
          {d.csat_enabled ? (
            <div class="sb-admin-preview-csat" aria-hidden="true">
              ★★★★★ <span>{vt('preview_csat')}</span>
            </div>
          ) : null}
        </div>
        <div
          class="sb-admin-preview-launcher"
          data-testid="sb-admin-preview-launcher"
          style={{ backgroundColor: colour, color: ink }}
        >
          <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
            <path
              fill="currentColor"
              d="M12 3C6.5 3 2 6.8 2 11.5c0 2.4 1.2 4.6 3.1 6.1L4 21l4.1-2c1.2.4 2.5.6 3.9.6 5.5 0 10-3.8 10-8.5S17.5 3 12 3z"
            />
          </svg>
        </div>
      </div>
    </div>
  );
}
