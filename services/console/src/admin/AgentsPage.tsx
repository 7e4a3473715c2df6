import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorMessage } from './api';
import {
  ChipInput,
  Drawer,
  Field,
  IDLE,
  LoadState,
  PageHeader,
  SaveBar,
  TagList,
  useAdmin,
  useDraft,
  type SaveState,
} from './components';
import {
  agentBody,
  canonicalLanguage,
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
  const [agents, setAgents] = useState<Agent[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<AgentDraft | undefined>(undefined);
  const [filter, setFilter] = useState('');
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const load = () => {
    setLoadError(undefined);
    api.listAgents().then(setAgents, (err: unknown) => {
      setLoadError(errorMessage(err));
    });
  };
  // Deleting a group changes agents' memberships on the server: reload when the set of groups changes.
  const groupIds = props.groups
    .map((g) => g.id)
    .sort()
    .join(',');
  useEffect(load, [api, groupIds]);

  const groupNames = useMemo(() => new Map(props.groups.map((g) => [g.id, g.name])), [props.groups]);
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = [...(agents ?? [])].sort((a, b) => a.display_name.localeCompare(b.display_name));
    return q === ''
      ? list
      : list.filter((a) => a.display_name.toLowerCase().includes(q) || a.email.toLowerCase().includes(q));
  }, [agents, filter]);

  return (
    <section class="sb-admin-page">
      <PageHeader
        title="agents_title"
        description="agents_description"
        actions={
          <button
            type="button"
            class="sb-admin-button sb-admin-button--primary"
            onClick={() => {
              setNotice(undefined);
              setEditing(newAgentDraft());
            }}
          >
            + {t('agent_add')}
          </button>
        }
      />
      {notice === undefined ? null : (
        <p class="sb-admin-notice" role="status">
          {notice}
        </p>
      )}
      {agents === undefined ? (
        <LoadState error={loadError} onRetry={load} />
      ) : (
        <div class="sb-admin-card sb-admin-card--flush">
          <div class="sb-admin-table-toolbar">
            <input
              type="search"
              class="sb-admin-input sb-admin-input--search"
              placeholder={t('agents_filter')}
              aria-label={t('agents_filter')}
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
              }}
            />
            <span class="sb-admin-muted">{t('agents_count', { n: agents.length })}</span>
          </div>
          <div class="sb-admin-table-wrap">
            <table class="sb-admin-table" data-testid="sb-admin-agents-table">
              <thead>
                <tr>
                  <th scope="col">{t('agent_name')}</th>
                  <th scope="col">{t('role')}</th>
                  <th scope="col" class="sb-admin-num">
                    {t('capacity')}
                  </th>
                  <th scope="col">{t('groups')}</th>
                  <th scope="col">{t('skills')}</th>
                  <th scope="col">{t('languages')}</th>
                  <th scope="col">
                    <span class="sb-admin-visually-hidden">{t('actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.length === 0 ? (
                  <tr>
                    <td colSpan={7} class="sb-admin-table-empty">
                      {t(agents.length === 0 ? 'agents_empty' : 'no_matches')}
                    </td>
                  </tr>
                ) : (
                  shown.map((a) => (
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
                      <td class="sb-admin-num">
                        {a.max_concurrent === 0 ? t('default_short') : a.max_concurrent}
                      </td>
                      <td>
                        <TagList values={a.group_ids.map((g) => groupNames.get(g) ?? g)} />
                      </td>
                      <td>
                        <TagList values={a.skills} />
                      </td>
                      <td>
                        <TagList values={a.languages} />
                      </td>
                      <td class="sb-admin-row-actions">
                        <button
                          type="button"
                          class="sb-admin-button sb-admin-button--small"
                          aria-label={t('edit_named', { name: a.display_name })}
                          onClick={() => {
                            setNotice(undefined);
                            setEditing(agentDraft(a));
                          }}
                        >
                          {t('edit')}
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
        <AgentEditor
          key={editing.id === '' ? 'new' : editing.id}
          initial={editing}
          groups={props.groups}
          takenEmails={(agents ?? []).map((a) => a.email)}
          onDirtyChange={props.onDirtyChange}
          onClose={() => {
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
          onSaved={(saved, created) => {
            setAgents((list) => {
              const rest = (list ?? []).filter((a) => a.id !== saved.id);
              return [...rest, saved];
            });
            setNotice(t(created ? 'agent_created' : 'agent_updated', { name: saved.display_name }));
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
        />
      )}
    </section>
  );
}

function AgentEditor(props: {
  initial: AgentDraft;
  groups: readonly Group[];
  takenEmails: readonly string[];
  onDirtyChange: (dirty: boolean) => void;
  onClose: () => void;
  onSaved: (agent: Agent, created: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const { draft, setDraft, dirty } = useDraft(props.initial);
  const [state, setState] = useState<SaveState>(IDLE);
  const [attempted, setAttempted] = useState(false);
  const isNew = draft.id === '';
  const issues = validateAgentDraft(draft, props.takenEmails);
  const shown = attempted ? issues : {};
  const set = <K extends keyof AgentDraft>(key: K, value: AgentDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
  };
  useEffect(() => {
    props.onDirtyChange(dirty);
  }, [dirty]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setAttempted(true);
    if (hasIssues(issues)) {
      setState({ kind: 'failed', message: t('fix_errors') });
      return;
    }
    setState({ kind: 'saving' });
    try {
      const saved = await api.saveAgent(
        agentBody(
          draft,
          props.groups.map((g) => g.id),
        ),
      );
      props.onSaved(saved, isNew);
    } catch (err) {
      setState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <Drawer
      title={isNew ? t('agent_add') : t('agent_edit', { name: props.initial.display_name })}
      dirty={dirty}
      onClose={props.onClose}
      testId="sb-admin-agent-editor"
    >
      <form class="sb-admin-form sb-admin-drawer-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="sb-admin-drawer-body">
          <Field label={t('email')} required issue={shown.email} hint={isNew ? undefined : t('email_fixed')}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="email"
                type="email"
                class="sb-admin-input"
                autocomplete="off"
                value={draft.email}
                disabled={!isNew}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  set('email', e.currentTarget.value);
                }}
              />
            )}
          </Field>
          <Field label={t('display_name')} required issue={shown.display_name}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="display_name"
                type="text"
                class="sb-admin-input"
                value={draft.display_name}
                maxLength={LIMITS.nameMax}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  set('display_name', e.currentTarget.value);
                }}
              />
            )}
          </Field>
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
            <Field
              label={t('capacity')}
              required
              issue={shown.max_concurrent}
              hint={t('capacity_hint', { min: LIMITS.agentCapacityMin, max: LIMITS.capacityMax })}
            >
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="max_concurrent"
                  type="number"
                  inputMode="numeric"
                  min={LIMITS.agentCapacityMin}
                  max={LIMITS.capacityMax}
                  step={1}
                  class="sb-admin-input sb-admin-input--number"
                  value={draft.max_concurrent}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onInput={(e) => {
                    set('max_concurrent', e.currentTarget.value);
                  }}
                />
              )}
            </Field>
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
                        setDraft((d) => ({
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
          <Field label={t('skills')} hint={t('chips_hint')} issue={shown.skills}>
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
          <Field
            label={isNew ? t('password') : t('password_reset')}
            required={isNew}
            issue={shown.password}
            hint={isNew ? t('password_hint', { min: LIMITS.passwordMin }) : t('password_keep_hint')}
          >
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                name="password"
                type="password"
                class="sb-admin-input"
                autocomplete="new-password"
                value={draft.password}
                aria-describedby={describedBy}
                aria-invalid={invalid || undefined}
                onInput={(e) => {
                  set('password', e.currentTarget.value);
                }}
              />
            )}
          </Field>
        </div>
        <SaveBar dirty={dirty} state={state} saveLabel={isNew ? t('agent_create') : t('save')} />
      </form>
    </Drawer>
  );
}
