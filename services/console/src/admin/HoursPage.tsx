import type { JSX } from 'preact';
import { Field, NumberField, PageHeader, SaveBar, Toggle, useAdmin, useEditForm } from './components';
import {
  DEFAULTS,
  hoursBody,
  hoursDraft,
  hoursValidationOk,
  LIMITS,
  validateHoursDraft,
  type HoursField,
} from './forms';
import type { MessageKey } from './i18n';
import type { Group, TenantSettings } from './types';
import { WeeklyHours } from './WeeklyHours';

interface NumberSetting {
  readonly field: Exclude<HoursField, 'default_group_id'>;
  readonly label: MessageKey;
  readonly hint: MessageKey;
  readonly max: number;
  readonly fallback: number;
  readonly unit: MessageKey;
}

const LIFECYCLE: readonly NumberSetting[] = [
  {
    field: 'accept_timeout_s',
    label: 'accept_timeout',
    hint: 'accept_timeout_hint',
    max: LIMITS.acceptTimeoutS,
    fallback: DEFAULTS.acceptTimeoutS,
    unit: 'unit_seconds',
  },
  {
    field: 'idle_close_s',
    label: 'idle_close',
    hint: 'idle_close_hint',
    max: LIMITS.idleCloseS,
    fallback: DEFAULTS.idleCloseS,
    unit: 'unit_seconds',
  },
  {
    field: 'idle_warning_s',
    label: 'idle_warning',
    hint: 'idle_warning_hint',
    max: LIMITS.idleWarningS,
    fallback: DEFAULTS.idleWarningS,
    unit: 'unit_seconds',
  },
  {
    field: 'reopen_window_s',
    label: 'reopen_window',
    hint: 'reopen_window_hint',
    max: LIMITS.reopenWindowS,
    fallback: DEFAULTS.reopenWindowS,
    unit: 'unit_seconds',
  },
  {
    field: 'default_max_concurrent',
    label: 'default_capacity',
    hint: 'default_capacity_hint',
    max: LIMITS.capacityMax,
    fallback: DEFAULTS.maxConcurrent,
    unit: 'unit_conversations',
  },
];

function setting(field: NumberSetting['field']): NumberSetting {
  const found = LIFECYCLE.find((s) => s.field === field);
  if (found === undefined) throw new Error(`no lifecycle setting ${field}`);
  return found;
}

export function HoursPage(props: {
  settings: TenantSettings;
  groups: readonly Group[];
  onSaved: (settings: TenantSettings) => void;
  onDirtyChange: (dirty: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const groupIds = props.groups.map((g) => g.id);
  const form = useEditForm(hoursDraft(props.settings), {
    validate: (d) => validateHoursDraft(d, groupIds),
    ok: hoursValidationOk,
    save: (d) => api.updateSettings(hoursBody(d)),
    stored: hoursDraft,
    onSaved: props.onSaved,
    onDirtyChange: props.onDirtyChange,
  });
  const { draft, set, validation } = form;

  const fieldIssue = (f: HoursField) => (form.attempted || form.dirty ? validation.fields[f] : undefined);
  const defaultGroupKnown = draft.default_group_id === '' || groupIds.includes(draft.default_group_id);
  const numberField = (s: NumberSetting, disabled: boolean) => (
    <NumberField
      key={s.field}
      label={t(s.label)}
      issue={disabled ? undefined : fieldIssue(s.field)}
      hint={t(s.hint, { default: s.fallback, max: s.max })}
      name={s.field}
      min={0}
      max={s.max}
      value={draft[s.field]}
      disabled={disabled}
      unit={t(s.unit)}
      onInput={(v) => {
        set(s.field, v);
      }}
    />
  );

  return (
    <section class="sb-admin-page">
      <PageHeader title="hours_title" description="hours_description" />
      <form class="sb-admin-form" noValidate onSubmit={form.submit} data-testid="sb-admin-hours-form">
        <div class="sb-admin-card">
          <h3 class="sb-admin-card-title">{t('business_hours')}</h3>
          <p class="sb-admin-hint sb-admin-card-intro">{t('hours_intro')}</p>
          <WeeklyHours
            value={draft.hours}
            validation={validation.hours}
            showIssues
            offLabel="hours_mode_always"
            onLabel="hours_mode_schedule"
            onChange={(hours) => {
              set('hours', hours);
            }}
          />
        </div>

        <div class="sb-admin-card">
          <h3 class="sb-admin-card-title">{t('lifecycle')}</h3>
          <div class="sb-admin-grid">
            {numberField(setting('accept_timeout_s'), false)}
            {numberField(setting('default_max_concurrent'), false)}
            <Field
              label={t('default_group')}
              issue={fieldIssue('default_group_id')}
              hint={t('default_group_hint')}
            >
              {({ id, describedBy, invalid }) => (
                <select
                  id={id}
                  name="default_group_id"
                  class="sb-admin-input"
                  value={draft.default_group_id}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onChange={(e) => {
                    set('default_group_id', e.currentTarget.value);
                  }}
                >
                  <option value="">{t('default_group_none')}</option>
                  {defaultGroupKnown ? null : (
                    <option value={draft.default_group_id}>
                      {t('group_unknown', { id: draft.default_group_id })}
                    </option>
                  )}
                  {[...props.groups]
                    .sort((a, b) => a.name.localeCompare(b.name))
                    .map((g) => (
                      <option key={g.id} value={g.id}>
                        {g.name}
                      </option>
                    ))}
                </select>
              )}
            </Field>
          </div>
          <div class="sb-admin-subsection">
            <Toggle
              name="idle_close_enabled"
              label={t('idle_close_enabled')}
              hint={t('idle_close_enabled_hint')}
              checked={!draft.idle_close_disabled}
              onChange={(on) => {
                set('idle_close_disabled', !on);
              }}
            />
            <div class="sb-admin-grid">
              {numberField(setting('idle_close_s'), draft.idle_close_disabled)}
              {numberField(setting('idle_warning_s'), draft.idle_close_disabled)}
            </div>
          </div>
          <div class="sb-admin-subsection">
            <Toggle
              name="reopen_enabled"
              label={t('reopen_enabled')}
              hint={t('reopen_enabled_hint')}
              checked={!draft.reopen_disabled}
              onChange={(on) => {
                set('reopen_disabled', !on);
              }}
            />
            <div class="sb-admin-grid">{numberField(setting('reopen_window_s'), draft.reopen_disabled)}</div>
          </div>
        </div>

        <SaveBar sticky dirty={form.dirty} state={form.state} onDiscard={form.discard} />
      </form>
    </section>
  );
}
