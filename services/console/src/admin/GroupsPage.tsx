import type { JSX } from 'preact';
import {
  NumberField,
  RoutingTagFields,
  TagList,
  TextField,
  Toggle,
  useAdmin,
  type Loaded,
} from './components';
import { EditPanel, ListPage, RowActions, useCrudList, useEditorForm, type EditorProps } from './crud';
import {
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
  /** Held by AdminPages: the agents page and the default-group setting need them too. */
  groups: Loaded<Group[]>;
  tenantTimeZone: string;
  defaultGroupId: string;
  onDirtyChange: (dirty: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const list = useCrudList<Group, GroupDraft>(props.groups, {
    onDirtyChange: props.onDirtyChange,
    savedNotice: (saved, created) => t(created ? 'group_created' : 'group_updated', { name: saved.name }),
    remove: {
      run: (g) => api.deleteGroup(g.id),
      notice: (g) => t('group_deleted', { name: g.name }),
    },
  });

  return (
    <ListPage
      list={list}
      title="groups_title"
      description="groups_description"
      addLabel="group_add"
      addDisabled={props.groups.value === undefined}
      newDraft={() => newGroupDraft(props.tenantTimeZone)}
      tableTestId="sb-admin-groups-table"
      columns={[
        { label: 'group_name' },
        { label: 'assignment' },
        { label: 'capacity_per_agent', numeric: true },
        { label: 'skills' },
        { label: 'languages' },
        { label: 'business_hours' },
      ]}
      empty="groups_empty"
      sortKey={(g) => g.name}
      row={(g) => (
        <tr key={g.id} data-group-id={g.id}>
          <td>
            <span class="sb-admin-strong">{g.name}</span>
            {g.id === props.defaultGroupId ? (
              <span class="sb-admin-badge sb-admin-badge--accent">{t('default_group_badge')}</span>
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
          <RowActions
            name={g.name}
            onEdit={() => {
              list.edit(groupDraft(g, props.tenantTimeZone));
            }}
            onDelete={() => {
              list.askDelete(g);
            }}
          />
        </tr>
      )}
      editor={(editor) => <GroupEditor {...editor} />}
      deleteText={(g) => ({
        title: t('group_delete_title', { name: g.name }),
        message: t(g.id === props.defaultGroupId ? 'group_delete_default' : 'group_delete_message'),
      })}
    />
  );
}

function GroupEditor(props: EditorProps<GroupDraft, Group>): JSX.Element {
  const { api, t } = useAdmin();
  const form = useEditorForm(props, {
    validate: validateGroupDraft,
    ok: groupValidationOk,
    save: (d) => api.saveGroup(groupBody(d)),
  });
  const { draft, set, isNew, validation } = form;
  const shown = form.attempted ? validation.fields : {};

  return (
    <EditPanel
      form={form}
      title={isNew ? t('group_add') : t('group_edit', { name: props.initial.name })}
      testId="sb-admin-group-editor"
      createLabel={t('group_create')}
      onClose={props.onClose}
    >
      <TextField
        label={t('group_name')}
        required
        issue={shown.name}
        hint={isNew ? t('group_id_hint') : undefined}
        name="name"
        value={draft.name}
        maxLength={LIMITS.nameMax}
        onInput={(v) => {
          set('name', v);
        }}
      />
      <Toggle
        name="manual_pick"
        label={t('manual_pick')}
        hint={t('manual_pick_hint')}
        checked={draft.manual_pick}
        onChange={(v) => {
          set('manual_pick', v);
        }}
      />
      <NumberField
        label={t('capacity_per_agent')}
        issue={shown.max_concurrent_per_agent}
        hint={t('group_capacity_hint', { max: LIMITS.capacityMax })}
        name="max_concurrent_per_agent"
        min={0}
        max={LIMITS.capacityMax}
        value={draft.max_concurrent_per_agent}
        onInput={(v) => {
          set('max_concurrent_per_agent', v);
        }}
      />
      <RoutingTagFields
        skillsHint={t('group_skills_hint')}
        skills={draft.skills}
        languages={draft.languages}
        issues={shown}
        onChange={set}
      />
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
    </EditPanel>
  );
}
