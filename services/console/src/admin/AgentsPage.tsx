import type { JSX } from 'preact';
import { useMemo } from 'preact/hooks';
import { Field, NumberField, RoutingTagFields, TagList, TextField, useAdmin, useLoaded } from './components';
import { EditPanel, ListPage, RowActions, useCrudList, useEditorForm, type EditorProps } from './crud';
import {
  agentBody,
  agentDraft,
  hasIssues,
  LIMITS,
  newAgentDraft,
  validateAgentDraft,
  type AgentDraft,
} from './forms';
import type { MessageKey } from './i18n';
import { AGENT_ROLES, type Agent, type AgentRole, type Group } from './types';

export const ROLE_KEYS: Readonly<Record<AgentRole, MessageKey>> = {
  agent: 'role_agent',
  supervisor: 'role_supervisor',
  admin: 'role_admin',
};

export function AgentsPage(props: {
  groups: readonly Group[];
  onDirtyChange: (dirty: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  // Deleting a group changes agents' memberships on the server: reload when the set of groups changes.
  const groupIds = props.groups
    .map((g) => g.id)
    .sort()
    .join(',');
  const agents = useLoaded(() => api.listAgents(), [api, groupIds]);
  const list = useCrudList<Agent, AgentDraft>(agents, {
    onDirtyChange: props.onDirtyChange,
    savedNotice: (saved, created) =>
      t(created ? 'agent_created' : 'agent_updated', { name: saved.display_name }),
  });
  const groupNames = useMemo(() => new Map(props.groups.map((g) => [g.id, g.name])), [props.groups]);

  return (
    <ListPage
      list={list}
      title="agents_title"
      description="agents_description"
      addLabel="agent_add"
      newDraft={newAgentDraft}
      tableTestId="sb-admin-agents-table"
      columns={[
        { label: 'agent_name' },
        { label: 'role' },
        { label: 'capacity', numeric: true },
        { label: 'groups' },
        { label: 'skills' },
        { label: 'languages' },
      ]}
      empty="agents_empty"
      sortKey={(a) => a.display_name}
      filter={{
        label: 'agents_filter',
        count: 'agents_count',
        matches: (a, q) => a.display_name.toLowerCase().includes(q) || a.email.toLowerCase().includes(q),
      }}
      row={(a) => (
        <tr key={a.id} data-agent-email={a.email}>
          <td>
            <div class="sb-admin-person">
              <span class="sb-admin-avatar" aria-hidden="true">
                {(a.display_name.trim()[0] ?? '?').toUpperCase()}
              </span>
              <span>
                <span class="sb-admin-strong">{a.display_name}</span>
                <span class="sb-admin-sub">{a.email}</span>
              </span>
            </div>
          </td>
          <td>
            <span class={`sb-admin-role sb-admin-role--${a.role}`}>{t(ROLE_KEYS[a.role])}</span>
          </td>
          <td class="sb-admin-num">{a.max_concurrent === 0 ? t('default_short') : a.max_concurrent}</td>
          <td>
            <TagList values={a.group_ids.map((g) => groupNames.get(g) ?? g)} />
          </td>
          <td>
            <TagList values={a.skills} />
          </td>
          <td>
            <TagList values={a.languages} />
          </td>
          <RowActions
            name={a.display_name}
            onEdit={() => {
              list.edit(agentDraft(a));
            }}
          />
        </tr>
      )}
      editor={(editor) => (
        <AgentEditor
          {...editor}
          groups={props.groups}
          takenEmails={(agents.value ?? []).map((a) => a.email)}
        />
      )}
    />
  );
}

function AgentEditor(
  props: EditorProps<AgentDraft, Agent> & {
    groups: readonly Group[];
    takenEmails: readonly string[];
  },
): JSX.Element {
  const { api, t } = useAdmin();
  const form = useEditorForm(props, {
    validate: (d) => validateAgentDraft(d, props.takenEmails),
    ok: (issues) => !hasIssues(issues),
    save: (d) =>
      api.saveAgent(
        agentBody(
          d,
          props.groups.map((g) => g.id),
        ),
      ),
  });
  const { draft, set, isNew } = form;
  const shown = form.attempted ? form.validation : {};

  return (
    <EditPanel
      form={form}
      title={isNew ? t('agent_add') : t('agent_edit', { name: props.initial.display_name })}
      testId="sb-admin-agent-editor"
      createLabel={t('agent_create')}
      onClose={props.onClose}
    >
      <TextField
        label={t('email')}
        required
        issue={shown.email}
        hint={isNew ? undefined : t('email_fixed')}
        name="email"
        type="email"
        autocomplete="off"
        value={draft.email}
        disabled={!isNew}
        onInput={(v) => {
          set('email', v);
        }}
      />
      <TextField
        label={t('display_name')}
        required
        issue={shown.display_name}
        name="display_name"
        value={draft.display_name}
        maxLength={LIMITS.nameMax}
        onInput={(v) => {
          set('display_name', v);
        }}
      />
      <div class="sb-admin-row">
        <Field label={t('role')}>
          {({ id }) => (
            <select
              id={id}
              name="role"
              class="sb-admin-input"
              value={draft.role}
              onChange={(e) => {
                set('role', e.currentTarget.value as AgentRole);
              }}
            >
              {AGENT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(ROLE_KEYS[r])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <NumberField
          label={t('capacity')}
          required
          issue={shown.max_concurrent}
          hint={t('capacity_hint', { min: LIMITS.agentCapacityMin, max: LIMITS.capacityMax })}
          name="max_concurrent"
          min={LIMITS.agentCapacityMin}
          max={LIMITS.capacityMax}
          value={draft.max_concurrent}
          onInput={(v) => {
            set('max_concurrent', v);
          }}
        />
      </div>
      <fieldset class="sb-admin-fieldset">
        <legend class="sb-admin-label">{t('groups')}</legend>
        {props.groups.length === 0 ? (
          <p class="sb-admin-hint">{t('groups_none_yet')}</p>
        ) : (
          <div class="sb-admin-checks">
            {props.groups.map((g) => (
              <label class="sb-admin-check" key={g.id}>
                <input
                  type="checkbox"
                  name="group_ids"
                  value={g.id}
                  checked={draft.group_ids.includes(g.id)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    form.setDraft((d) => ({
                      ...d,
                      group_ids: on
                        ? [...d.group_ids.filter((x) => x !== g.id), g.id]
                        : d.group_ids.filter((x) => x !== g.id),
                    }));
                  }}
                />
                <span>{g.name}</span>
              </label>
            ))}
          </div>
        )}
      </fieldset>
      <RoutingTagFields
        skillsHint={t('chips_hint')}
        skills={draft.skills}
        languages={draft.languages}
        issues={shown}
        onChange={set}
      />
      <TextField
        label={isNew ? t('password') : t('password_reset')}
        required={isNew}
        issue={shown.password}
        hint={isNew ? t('password_hint', { min: LIMITS.passwordMin }) : t('password_keep_hint')}
        name="password"
        type="password"
        autocomplete="new-password"
        value={draft.password}
        onInput={(v) => {
          set('password', v);
        }}
      />
    </EditPanel>
  );
}
