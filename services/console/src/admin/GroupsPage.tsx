import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { errorMessage } from './api';
import {
  ChipInput,
  ConfirmDialog,
  Drawer,
  Field,
  IDLE,
  LoadState,
  PageHeader,
  SaveBar,
  TagList,
  Toggle,
  useAdmin,
  useDraft,
  type SaveState,
} from './components';
import {
  canonicalLanguage,
  groupBody,
  groupDraft,
  groupValidationOk,
  LIMITS,
  newGroupDraft,
  validateGroupDraft,
  type GroupDraft,
} from './forms';
import type { Translate } from './i18n';
import { summarizeWeek } from './time';
import type { BusinessHours, Group } from './types';
import { WEEKDAY_SHORT_KEYS, WeeklyHours } from './WeeklyHours';

/** "Mon–Fri 09:00–17:00 · Sat 10:00–14:00 (Asia/Shanghai)"; the tenant's hours when the group has none. */
export function hoursSummary(hours: BusinessHours, t: Translate): string {
  if (hours.windows.length === 0) return t('hours_tenant_default');
  const day = (d: number) => t(WEEKDAY_SHORT_KEYS[d] ?? 'weekday_short_0');
  const lines = summarizeWeek(hours.windows).map(
    (l) => `${day(l.firstDay)}${l.lastDay === l.firstDay ? '' : `–${day(l.lastDay)}`} ${l.ranges}`,
  );
  return `${lines.join(' · ')}${hours.time_zone === '' ? '' : ` (${hours.time_zone})`}`;
}

export function GroupsPage(props: {
  groups: readonly Group[] | undefined;
  loadError: string | undefined;
  onReload: () => void;
  tenantTimeZone: string;
  defaultGroupId: string;
  onGroupsChange: (groups: Group[]) => void;
  onDirtyChange: (dirty: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const [editing, setEditing] = useState<GroupDraft | undefined>(undefined);
  const [deleting, setDeleting] = useState<Group | undefined>(undefined);
  const [deleteState, setDeleteState] = useState<SaveState>(IDLE);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const groups = props.groups;

  const confirmDelete = async (g: Group) => {
    setDeleteState({ kind: 'saving' });
    try {
      await api.deleteGroup(g.id);
      props.onGroupsChange((groups ?? []).filter((x) => x.id !== g.id));
      setNotice(t('group_deleted', { name: g.name }));
      setDeleting(undefined);
      setDeleteState(IDLE);
    } catch (err) {
      setDeleteState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <section class="sb-admin-page">
      <PageHeader
        title="groups_title"
        description="groups_description"
        actions={
          <button
            type="button"
            class="sb-admin-button sb-admin-button--primary"
            disabled={groups === undefined}
            onClick={() => {
              setNotice(undefined);
              setEditing(newGroupDraft(props.tenantTimeZone));
            }}
          >
            + {t('group_add')}
          </button>
        }
      />
      {notice === undefined ? null : (
        <p class="sb-admin-notice" role="status">
          {notice}
        </p>
      )}
      {groups === undefined ? (
        <LoadState error={props.loadError} onRetry={props.onReload} />
      ) : (
        <div class="sb-admin-card sb-admin-card--flush">
          <div class="sb-admin-table-wrap">
            <table class="sb-admin-table" data-testid="sb-admin-groups-table">
              <thead>
                <tr>
                  <th scope="col">{t('group_name')}</th>
                  <th scope="col">{t('assignment')}</th>
                  <th scope="col" class="sb-admin-num">
                    {t('capacity_per_agent')}
                  </th>
                  <th scope="col">{t('skills')}</th>
                  <th scope="col">{t('languages')}</th>
                  <th scope="col">{t('business_hours')}</th>
                  <th scope="col">
                    <span class="sb-admin-visually-hidden">{t('actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {groups.length === 0 ? (
                  <tr>
                    <td colSpan={7} class="sb-admin-table-empty">
                      {t('groups_empty')}
                    </td>
                  </tr>
                ) : (
                  [...groups]
                    .sort((a, b) => a.name.localeCompare(b.name))
                    .map((g) => (
                      <tr key={g.id} data-group-id={g.id}>
                        <td>
                          <span class="sb-admin-strong">{g.name}</span>
                          {g.id === props.defaultGroupId ? (
                            <span class="sb-admin-badge sb-admin-badge--accent">
                              {t('default_group_badge')}
                            </span>
                          ) : null}
                          <span class="sb-admin-sub sb-admin-mono">{g.id}</span>
                        </td>
                        <td>{t(g.manual_pick ? 'manual_pick_short' : 'auto_assign_short')}</td>
                        <td class="sb-admin-num">
                          {g.max_concurrent_per_agent === 0 ? t('default_short') : g.max_concurrent_per_agent}
                        </td>
                        <td>
                          <TagList values={g.skills} />
                        </td>
                        <td>
                          <TagList values={g.languages} />
                        </td>
                        <td class="sb-admin-small">{hoursSummary(g.business_hours, t)}</td>
                        <td class="sb-admin-row-actions">
                          <button
                            type="button"
                            class="sb-admin-button sb-admin-button--small"
                            aria-label={t('edit_named', { name: g.name })}
                            onClick={() => {
                              setNotice(undefined);
                              setEditing(groupDraft(g, props.tenantTimeZone));
                            }}
                          >
                            {t('edit')}
                          </button>
                          <button
                            type="button"
                            class="sb-admin-button sb-admin-button--small sb-admin-button--danger-ghost"
                            aria-label={t('delete_named', { name: g.name })}
                            onClick={() => {
                              setNotice(undefined);
                              setDeleteState(IDLE);
                              setDeleting(g);
                            }}
                          >
                            {t('delete')}
                          </button>
                        </td>
                      </tr>
                    ))
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {editing === undefined ? null : (
        <GroupEditor
          key={editing.id === '' ? 'new' : editing.id}
          initial={editing}
          onDirtyChange={props.onDirtyChange}
          onClose={() => {
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
          onSaved={(saved, created) => {
            props.onGroupsChange([...(groups ?? []).filter((g) => g.id !== saved.id), saved]);
            setNotice(t(created ? 'group_created' : 'group_updated', { name: saved.name }));
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
        />
      )}
      {deleting === undefined ? null : (
        <ConfirmDialog
          title={t('group_delete_title', { name: deleting.name })}
          message={t(deleting.id === props.defaultGroupId ? 'group_delete_default' : 'group_delete_message')}
          confirmLabel={deleteState.kind === 'saving' ? t('deleting') : t('delete')}
          danger
          busy={deleteState.kind === 'saving'}
          error={deleteState.kind === 'failed' ? deleteState.message : undefined}
          onConfirm={() => void confirmDelete(deleting)}
          onCancel={() => {
            setDeleting(undefined);
          }}
        />
      )}
    </section>
  );
}

function GroupEditor(props: {
  initial: GroupDraft;
  onDirtyChange: (dirty: boolean) => void;
  onClose: () => void;
  onSaved: (group: Group, created: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const { draft, setDraft, dirty } = useDraft(props.initial);
  const [state, setState] = useState<SaveState>(IDLE);
  const [attempted, setAttempted] = useState(false);
  const isNew = draft.id === '';
  const validation = validateGroupDraft(draft);
  const shown = attempted ? validation.fields : {};
  const set = <K extends keyof GroupDraft>(key: K, value: GroupDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };
  useEffect(() => {
    props.onDirtyChange(dirty);
  }, [dirty]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setAttempted(true);
    if (!groupValidationOk(validation)) {
      setState({ kind: 'failed', message: t('fix_errors') });
      return;
    }
    setState({ kind: 'saving' });
    try {
      props.onSaved(await api.saveGroup(groupBody(draft)), isNew);
    } catch (err) {
      setState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <Drawer
      title={isNew ? t('group_add') : t('group_edit', { name: props.initial.name })}
      dirty={dirty}
      onClose={props.onClose}
      testId="sb-admin-group-editor"
    >
      <form class="sb-admin-form sb-admin-drawer-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="sb-admin-drawer-body">
          <Field
            label={t('group_name')}
            required
            issue={shown.name}
            hint={isNew ? t('group_id_hint') : undefined}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="name"
                type="text"
                class="sb-admin-input"
                value={draft.name}
                maxLength={LIMITS.nameMax}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  set('name', e.currentTarget.value);
                }}
              />
            )}
          </Field>
          <Toggle
            name="manual_pick"
            label={t('manual_pick')}
            hint={t('manual_pick_hint')}
            checked={draft.manual_pick}
            onChange={(v) => {
              set('manual_pick', v);
            }}
          />
          <Field
            label={t('capacity_per_agent')}
            issue={shown.max_concurrent_per_agent}
            hint={t('group_capacity_hint', { max: LIMITS.capacityMax })}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="max_concurrent_per_agent"
                type="number"
                inputMode="numeric"
                min={0}
                max={LIMITS.capacityMax}
                step={1}
                class="sb-admin-input sb-admin-input--number"
                value={draft.max_concurrent_per_agent}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  set('max_concurrent_per_agent', e.currentTarget.value);
                }}
              />
            )}
          </Field>
          <Field label={t('skills')} hint={t('group_skills_hint')} issue={shown.skills}>
            {({ id, describedBy, invalid }) => (
              <ChipInput
                id={id}
                name="skills"
                values={draft.skills}
                describedBy={describedBy}
                invalid={invalid}
                placeholder={t('skills_placeholder')}
                onChange={(v) => {
                  set('skills', v);
                }}
              />
            )}
          </Field>
          <Field label={t('languages')} hint={t('languages_hint')} issue={shown.languages}>
            {({ id, describedBy, invalid }) => (
              <ChipInput
                id={id}
                name="languages"
                normalize={(v) => canonicalLanguage(v) ?? v}
                values={draft.languages}
                describedBy={describedBy}
                invalid={invalid}
                placeholder="en, zh-CN"
                onChange={(v) => {
                  set('languages', v);
                }}
              />
            )}
          </Field>
          <fieldset class="sb-admin-fieldset">
            <legend class="sb-admin-label">{t('business_hours')}</legend>
            <WeeklyHours
              value={draft.hours}
              validation={validation.hours}
              showIssues
              offLabel="hours_mode_tenant"
              onLabel="hours_mode_own"
              zoneOnlyWhenScheduled
              onChange={(hours) => {
                set('hours', hours);
              }}
            />
          </fieldset>
        </div>
        <SaveBar dirty={dirty} state={state} saveLabel={isNew ? t('group_create') : t('save')} />
      </form>
    </Drawer>
  );
}
