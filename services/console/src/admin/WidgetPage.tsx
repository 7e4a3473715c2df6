import type { JSX } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import {
  Field,
  PageHeader,
  SaveBar,
  TextAreaField,
  TextField,
  Toggle,
  useAdmin,
  useEditForm,
} from './components';
import {
  DEFAULTS,
  LIMITS,
  moveItem,
  newPreChatField,
  normalizeHexColour,
  validateWidgetDraft,
  widgetBody,
  widgetDraft,
  widgetValidationOk,
  type Issues,
  type PreChatFieldDraft,
  type PreChatIssueField,
} from './forms';
import { embedSnippet, type SnippetLang } from './snippet';
import type { TenantSettings, WidgetPosition } from './types';
import { WidgetPreview } from './WidgetPreview';

export function WidgetPage(props: {
  settings: TenantSettings;
  gatewayUrl: string;
  onSaved: (settings: TenantSettings) => void;
  onDirtyChange: (dirty: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const form = useEditForm(widgetDraft(props.settings.widget), {
    validate: validateWidgetDraft,
    ok: widgetValidationOk,
    save: (d) => api.updateSettings({ widget: widgetBody(d) }),
    stored: (saved) => widgetDraft(saved.widget),
    onSaved: props.onSaved,
    onDirtyChange: props.onDirtyChange,
  });
  const { draft, setDraft, set, validation } = form;
  const setField = (index: number, patch: Partial<PreChatFieldDraft>) => {
    setDraft((d) => ({
      ...d,
      pre_chat_fields: d.pre_chat_fields.map((f, i) => (i === index ? { ...f, ...patch } : f)),
    }));
  };

  const colourForPicker = normalizeHexColour(draft.color, DEFAULTS.widgetColor);
  const fields = draft.pre_chat_fields;

  return (
    <section class="sb-admin-page">
      <PageHeader title="widget_title" description="widget_description" />
      <div class="sb-admin-split">
        <form class="sb-admin-form" noValidate onSubmit={form.submit} data-testid="sb-admin-widget-form">
          <div class="sb-admin-card">
            <h3 class="sb-admin-card-title">{t('appearance')}</h3>
            <TextField
              label={t('widget_title_label')}
              issue={validation.fields.title}
              hint={t('widget_title_hint')}
              name="title"
              value={draft.title}
              maxLength={LIMITS.titleMax}
              placeholder={t('preview_default_title')}
              onInput={(v) => {
                set('title', v);
              }}
            />
            <div class="sb-admin-row">
              <Field label={t('color')} issue={validation.fields.color} hint={t('color_hint')}>
                {({ id, describedBy, invalid }) => (
                  <div class="sb-admin-inline">
                    <input
                      type="color"
                      name="color_picker"
                      class="sb-admin-color"
                      value={colourForPicker}
                      aria-label={t('color_picker')}
                      onInput={(e) => {
                        set('color', e.currentTarget.value);
                      }}
                    />
                    <input
                      id={id}
                      name="color"
                      type="text"
                      class="sb-admin-input sb-admin-input--color"
                      value={draft.color}
                      placeholder={DEFAULTS.widgetColor}
                      spellcheck={false}
                      autocomplete="off"
                      maxLength={7}
                      aria-describedby={describedBy}
                      aria-invalid={invalid || undefined}
                      onInput={(e) => {
                        set('color', e.currentTarget.value);
                      }}
                    />
                  </div>
                )}
              </Field>
              <fieldset class="sb-admin-fieldset">
                <legend class="sb-admin-label">{t('position')}</legend>
                <div class="sb-admin-segmented">
                  {(['left', 'right'] as const).map((p: WidgetPosition) => (
                    <label
                      class={`sb-admin-segment${draft.position === p ? ' sb-admin-segment--on' : ''}`}
                      key={p}
                    >
                      <input
                        type="radio"
                        name="position"
                        value={p}
                        checked={draft.position === p}
                        onChange={() => {
                          set('position', p);
                        }}
                      />
                      {t(p === 'left' ? 'position_left' : 'position_right')}
                    </label>
                  ))}
                </div>
              </fieldset>
            </div>
          </div>

          <div class="sb-admin-card">
            <h3 class="sb-admin-card-title">{t('messages')}</h3>
            <TextAreaField
              label={t('welcome_message')}
              issue={validation.fields.welcome_message}
              hint={t('welcome_hint')}
              name="welcome_message"
              rows={3}
              maxLength={LIMITS.messageMax}
              value={draft.welcome_message}
              placeholder={t('preview_default_welcome')}
              onInput={(v) => {
                set('welcome_message', v);
              }}
            />
            <TextAreaField
              label={t('offline_message')}
              issue={validation.fields.offline_message}
              hint={t('offline_hint')}
              name="offline_message"
              rows={3}
              maxLength={LIMITS.messageMax}
              value={draft.offline_message}
              placeholder={t('preview_default_offline')}
              onInput={(v) => {
                set('offline_message', v);
              }}
            />
            <Toggle
              name="csat_enabled"
              label={t('csat_enabled')}
              hint={t('csat_hint')}
              checked={draft.csat_enabled}
              onChange={(v) => {
                set('csat_enabled', v);
              }}
            />
          </div>

          <div class="sb-admin-card">
            <h3 class="sb-admin-card-title">{t('pre_chat')}</h3>
            <Toggle
              name="pre_chat_enabled"
              label={t('pre_chat_enabled')}
              hint={t('pre_chat_hint')}
              checked={draft.pre_chat_enabled}
              onChange={(v) => {
                setDraft((d) => ({
                  ...d,
                  pre_chat_enabled: v,
                  // Turning the form on with no fields starts with the two routing understands best.
                  pre_chat_fields:
                    v && d.pre_chat_fields.length === 0
                      ? [
                          { key: 'name', label_en: 'Name', label_zh: '姓名', required: true },
                          { key: 'email', label_en: 'Email', label_zh: '邮箱', required: false },
                        ]
                      : d.pre_chat_fields,
                }));
              }}
            />
            {draft.pre_chat_enabled ? (
              <div class="sb-admin-prechat" data-testid="sb-admin-prechat-fields">
                {fields.length === 0 ? null : (
                  <div class="sb-admin-prechat-head" aria-hidden="true">
                    <span>{t('field_key')}</span>
                    <span>{t('field_label_en')}</span>
                    <span>{t('field_label_zh')}</span>
                    <span>{t('field_required')}</span>
                    <span />
                  </div>
                )}
                {fields.map((f, i) => (
                  <PreChatRow
                    key={i}
                    field={f}
                    index={i}
                    count={fields.length}
                    issues={validation.preChat[i] ?? {}}
                    onChange={(patch) => {
                      setField(i, patch);
                    }}
                    onMove={(to) => {
                      set('pre_chat_fields', moveItem(fields, i, to));
                    }}
                    onRemove={() => {
                      set(
                        'pre_chat_fields',
                        fields.filter((_, j) => j !== i),
                      );
                    }}
                  />
                ))}
                {validation.fields.pre_chat_fields === undefined ? null : (
                  <p class="sb-admin-field-error" role="alert">
                    {t(validation.fields.pre_chat_fields.key, validation.fields.pre_chat_fields.params)}
                  </p>
                )}
                <button
                  type="button"
                  class="sb-admin-button sb-admin-button--small"
                  disabled={fields.length >= LIMITS.preChatFields}
                  onClick={() => {
                    set('pre_chat_fields', [...fields, newPreChatField(fields)]);
                  }}
                >
                  + {t('field_add')}
                </button>
                <p class="sb-admin-hint">{t('field_keys_hint')}</p>
              </div>
            ) : null}
          </div>

          <SaveBar sticky dirty={form.dirty} state={form.state} onDiscard={form.discard} />
        </form>
        <aside class="sb-admin-split-side">
          <div class="sb-admin-sticky">
            <WidgetPreview draft={draft} />
          </div>
        </aside>
      </div>
      <EmbedSnippets widgetKeys={props.settings.widget_keys} gatewayUrl={props.gatewayUrl} />
    </section>
  );
}

function PreChatRow(props: {
  field: PreChatFieldDraft;
  index: number;
  count: number;
  issues: Issues<PreChatIssueField>;
  onChange: (patch: Partial<PreChatFieldDraft>) => void;
  onMove: (to: number) => void;
  onRemove: () => void;
}): JSX.Element {
  const { t } = useAdmin();
  const { field: f, index: i, issues } = props;
  const n = i + 1;
  return (
    <div class="sb-admin-prechat-row" data-field-key={f.key}>
      <input
        type="text"
        class="sb-admin-input sb-admin-mono"
        value={f.key}
        aria-label={t('field_key_n', { n })}
        aria-invalid={issues.key === undefined ? undefined : true}
        spellcheck={false}
        autocomplete="off"
        onInput={(e) => {
          props.onChange({ key: e.currentTarget.value });
        }}
      />
      <input
        type="text"
        class="sb-admin-input"
        value={f.label_en}
        maxLength={LIMITS.labelMax}
        aria-label={t('field_label_en_n', { n })}
        aria-invalid={issues.label === undefined ? undefined : true}
        onInput={(e) => {
          props.onChange({ label_en: e.currentTarget.value });
        }}
      />
      <input
        type="text"
        class="sb-admin-input"
        value={f.label_zh}
        maxLength={LIMITS.labelMax}
        aria-label={t('field_label_zh_n', { n })}
        aria-invalid={issues.label === undefined ? undefined : true}
        onInput={(e) => {
          props.onChange({ label_zh: e.currentTarget.value });
        }}
      />
      <label class="sb-admin-check sb-admin-check--center">
        <input
          type="checkbox"
          checked={f.required}
          aria-label={t('field_required_n', { n })}
          onChange={(e) => {
            props.onChange({ required: e.currentTarget.checked });
          }}
        />
      </label>
      <div class="sb-admin-prechat-actions">
        <button
          type="button"
          class="sb-admin-icon-button"
          disabled={i === 0}
          aria-label={t('field_move_up', { n })}
          title={t('move_up')}
          onClick={() => {
            props.onMove(i - 1);
          }}
        >
          ↑
        </button>
        <button
          type="button"
          class="sb-admin-icon-button"
          disabled={i === props.count - 1}
          aria-label={t('field_move_down', { n })}
          title={t('move_down')}
          onClick={() => {
            props.onMove(i + 1);
          }}
        >
          ↓
        </button>
        <button
          type="button"
          class="sb-admin-icon-button sb-admin-icon-button--danger"
          aria-label={t('field_remove', { n })}
          title={t('remove')}
          onClick={props.onRemove}
        >
          ×
        </button>
      </div>
      {issues.key === undefined && issues.label === undefined ? null : (
        <p class="sb-admin-field-error sb-admin-prechat-error" role="alert">
          {[issues.key, issues.label]
            .filter((x) => x !== undefined)
            .map((x) => t(x.key, x.params))
            .join(' ')}
        </p>
      )}
    </div>
  );
}

function EmbedSnippets(props: { widgetKeys: readonly string[]; gatewayUrl: string }): JSX.Element {
  const { t } = useAdmin();
  const [lang, setLang] = useState<SnippetLang | ''>('');
  const id = useId();
  return (
    <div class="sb-admin-card" data-testid="sb-admin-embed">
      <div class="sb-admin-card-head">
        <div>
          <h3 class="sb-admin-card-title">{t('embed_title')}</h3>
          <p class="sb-admin-hint">{t('embed_hint')}</p>
        </div>
        <div class="sb-admin-field sb-admin-field--compact">
          <label class="sb-admin-label" for={`${id}-lang`}>
            {t('embed_language')}
          </label>
          <select
            id={`${id}-lang`}
            class="sb-admin-input"
            value={lang}
            onChange={(e) => {
              setLang(e.currentTarget.value as SnippetLang | '');
            }}
          >
            <option value="">{t('embed_language_auto')}</option>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </div>
      </div>
      {props.widgetKeys.length === 0 ? (
        <p class="sb-admin-muted">{t('embed_no_keys')}</p>
      ) : (
        props.widgetKeys.map((key) => (
          <SnippetBox
            key={key}
            widgetKey={key}
            snippet={embedSnippet(props.gatewayUrl, key, lang === '' ? {} : { lang })}
          />
        ))
      )}
    </div>
  );
}

type CopyState = 'idle' | 'copied' | 'manual';

function SnippetBox(props: { widgetKey: string; snippet: string }): JSX.Element {
  const { t } = useAdmin();
  const area = useRef<HTMLTextAreaElement>(null);
  const [copy, setCopy] = useState<CopyState>('idle');
  useEffect(() => {
    setCopy('idle');
  }, [props.snippet]);

  const selectAll = () => {
    area.current?.focus();
    area.current?.select();
  };
  const onCopy = async () => {
    try {
      // Undefined on insecure origins, whatever the DOM types say.
      const clipboard = navigator.clipboard as Clipboard | undefined;
      if (clipboard === undefined) throw new Error('no clipboard API');
      await clipboard.writeText(props.snippet);
      setCopy('copied');
    } catch {
      // Insecure origins and denied permissions: fall back to a selection the user copies themselves.
      selectAll();
      let copied = false;
      try {
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- the only copy path without the Clipboard API
        copied = document.execCommand('copy');
      } catch {
        copied = false;
      }
      setCopy(copied ? 'copied' : 'manual');
    }
  };

  return (
    <div class="sb-admin-snippet" data-widget-key={props.widgetKey}>
      <div class="sb-admin-snippet-head">
        <span class="sb-admin-label sb-admin-label--inline">
          {t('widget_key')} <code class="sb-admin-mono">{props.widgetKey}</code>
        </span>
        <span class="sb-admin-snippet-status" aria-live="polite">
          {copy === 'copied' ? (
            <span class="sb-admin-status sb-admin-status--ok">{t('copied')}</span>
          ) : copy === 'manual' ? (
            <span class="sb-admin-status">{t('copy_manual')}</span>
          ) : null}
        </span>
        <button type="button" class="sb-admin-button sb-admin-button--small" onClick={() => void onCopy()}>
          {t('copy')}
        </button>
      </div>
      <textarea
        ref={area}
        class="sb-admin-input sb-admin-code"
        readOnly
        rows={2}
        spellcheck={false}
        aria-label={t('embed_snippet_for', { key: props.widgetKey })}
        value={props.snippet}
        onFocus={selectAll}
      />
    </div>
  );
}
