import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { errorMessage } from './api';
import {
  ConfirmDialog,
  Drawer,
  Field,
  IDLE,
  LoadState,
  PageHeader,
  SaveBar,
  useAdmin,
  useDraft,
  type SaveState,
} from './components';
import {
  fillVariables,
  hasIssues,
  insertVariable,
  LIMITS,
  newReplyDraft,
  REPLY_VARIABLES,
  replyBody,
  replyDraft,
  validateReplyDraft,
  type ReplyDraft,
} from './forms';
import type { MessageKey } from './i18n';
import type { CannedReply } from './types';

const VARIABLE_HELP: Readonly<Record<string, MessageKey>> = {
  'visitor.name': 'var_visitor_name',
  'visitor.email': 'var_visitor_email',
  'agent.name': 'var_agent_name',
  'conversation.id': 'var_conversation_id',
};

const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  'visitor.name': 'Li Wei',
  'visitor.email': 'li.wei@example.com',
  'agent.name': 'Alice',
  'conversation.id': 'c-1042',
};

export function CannedRepliesPage(props: { onDirtyChange: (dirty: boolean) => void }): JSX.Element {
  const { api, t, lang } = useAdmin();
  const [replies, setReplies] = useState<CannedReply[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<ReplyDraft | undefined>(undefined);
  const [deleting, setDeleting] = useState<CannedReply | undefined>(undefined);
  const [deleteState, setDeleteState] = useState<SaveState>(IDLE);
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const [filter, setFilter] = useState('');

  const load = () => {
    setLoadError(undefined);
    api.listSharedReplies().then(setReplies, (err: unknown) => {
      setLoadError(errorMessage(err));
    });
  };
  useEffect(load, [api]);

  const dateFormat = useMemo(
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }),
    [lang],
  );
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const list = [...(replies ?? [])].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
    return q === '' ? list : list.filter((r) => r.shortcut.includes(q) || r.text.toLowerCase().includes(q));
  }, [replies, filter]);

  const confirmDelete = async (r: CannedReply) => {
    setDeleteState({ kind: 'saving' });
    try {
      await api.deleteReply(r.id);
      setReplies((list) => (list ?? []).filter((x) => x.id !== r.id));
      setNotice(t('reply_deleted', { shortcut: `/${r.shortcut}` }));
      setDeleting(undefined);
      setDeleteState(IDLE);
    } catch (err) {
      setDeleteState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <section class="sb-admin-page">
      <PageHeader
        title="replies_title"
        description="replies_description"
        actions={
          <button
            type="button"
            class="sb-admin-button sb-admin-button--primary"
            onClick={() => {
              setNotice(undefined);
              setEditing(newReplyDraft());
            }}
          >
            + {t('reply_add')}
          </button>
        }
      />
      {notice === undefined ? null : (
        <p class="sb-admin-notice" role="status">
          {notice}
        </p>
      )}
      {replies === undefined ? (
        <LoadState error={loadError} onRetry={load} />
      ) : (
        <div class="sb-admin-card sb-admin-card--flush">
          <div class="sb-admin-table-toolbar">
            <input
              type="search"
              class="sb-admin-input sb-admin-input--search"
              placeholder={t('replies_filter')}
              aria-label={t('replies_filter')}
              value={filter}
              onInput={(e) => {
                setFilter(e.currentTarget.value);
              }}
            />
            <span class="sb-admin-muted">{t('replies_count', { n: replies.length })}</span>
          </div>
          <div class="sb-admin-table-wrap">
            <table class="sb-admin-table" data-testid="sb-admin-replies-table">
              <thead>
                <tr>
                  <th scope="col">{t('shortcut')}</th>
                  <th scope="col">{t('reply_text')}</th>
                  <th scope="col">{t('updated')}</th>
                  <th scope="col">
                    <span class="sb-admin-visually-hidden">{t('actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.length === 0 ? (
                  <tr>
                    <td colSpan={4} class="sb-admin-table-empty">
                      {t(replies.length === 0 ? 'replies_empty' : 'no_matches')}
                    </td>
                  </tr>
                ) : (
                  shown.map((r) => (
                    <tr key={r.id} data-reply-shortcut={r.shortcut}>
                      <td>
                        <code class="sb-admin-shortcut">/{r.shortcut}</code>
                      </td>
                      <td class="sb-admin-reply-text">{r.text}</td>
                      <td class="sb-admin-small sb-admin-nowrap">
                        {r.updated_at_ms > 0 ? dateFormat.format(r.updated_at_ms) : '—'}
                      </td>
                      <td class="sb-admin-row-actions">
                        <button
                          type="button"
                          class="sb-admin-button sb-admin-button--small"
                          aria-label={t('edit_named', { name: `/${r.shortcut}` })}
                          onClick={() => {
                            setNotice(undefined);
                            setEditing(replyDraft(r));
                          }}
                        >
                          {t('edit')}
                        </button>
                        <button
                          type="button"
                          class="sb-admin-button sb-admin-button--small sb-admin-button--danger-ghost"
                          aria-label={t('delete_named', { name: `/${r.shortcut}` })}
                          onClick={() => {
                            setNotice(undefined);
                            setDeleteState(IDLE);
                            setDeleting(r);
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
        <ReplyEditor
          key={editing.id === '' ? 'new' : editing.id}
          initial={editing}
          onDirtyChange={props.onDirtyChange}
          onClose={() => {
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
          onSaved={(saved, created) => {
            setReplies((list) => [...(list ?? []).filter((r) => r.id !== saved.id), saved]);
            setNotice(t(created ? 'reply_created' : 'reply_updated', { shortcut: `/${saved.shortcut}` }));
            props.onDirtyChange(false);
            setEditing(undefined);
          }}
        />
      )}
      {deleting === undefined ? null : (
        <ConfirmDialog
          title={t('reply_delete_title', { shortcut: `/${deleting.shortcut}` })}
          message={t('reply_delete_message')}
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

function ReplyEditor(props: {
  initial: ReplyDraft;
  onDirtyChange: (dirty: boolean) => void;
  onClose: () => void;
  onSaved: (reply: CannedReply, created: boolean) => void;
}): JSX.Element {
  const { api, t } = useAdmin();
  const { draft, setDraft, dirty } = useDraft(props.initial);
  const [state, setState] = useState<SaveState>(IDLE);
  const [attempted, setAttempted] = useState(false);
  const textArea = useRef<HTMLTextAreaElement>(null);
  const isNew = draft.id === '';
  const issues = validateReplyDraft(draft);
  const shown = attempted
    ? issues
    : { text: issues.text?.key === 'err_unknown_variable' ? issues.text : undefined };
  useEffect(() => {
    props.onDirtyChange(dirty);
  }, [dirty]);

  const addVariable = (name: string) => {
    const el = textArea.current;
    const at = el === null ? draft.text.length : el.selectionStart;
    const to = el === null ? draft.text.length : el.selectionEnd;
    const next = insertVariable(draft.text, name, at, to);
    setDraft((d) => ({ ...d, text: next.text }));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setAttempted(true);
    if (hasIssues(issues)) {
      setState({ kind: 'failed', message: t('fix_errors') });
      return;
    }
    setState({ kind: 'saving' });
    try {
      props.onSaved(await api.saveReply(replyBody(draft)), isNew);
    } catch (err) {
      setState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return (
    <Drawer
      title={isNew ? t('reply_add') : t('reply_edit', { shortcut: `/${props.initial.shortcut}` })}
      dirty={dirty}
      onClose={props.onClose}
      testId="sb-admin-reply-editor"
    >
      <form class="sb-admin-form sb-admin-drawer-form" noValidate onSubmit={(e) => void submit(e)}>
        <div class="sb-admin-drawer-body">
          <Field
            label={t('shortcut')}
            required
            issue={shown.shortcut}
            hint={t('shortcut_hint', { max: LIMITS.shortcutMax })}
          >
            {({ id, describedBy, invalid }) => (
              <div class="sb-admin-prefixed">
                <span class="sb-admin-prefix" aria-hidden="true">
                  /
                </span>
                <input
                  id={id}
                  name="shortcut"
                  type="text"
                  class="sb-admin-input"
                  autocomplete="off"
                  spellcheck={false}
                  value={draft.shortcut}
                  maxLength={LIMITS.shortcutMax + 1}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setDraft((d) => ({ ...d, shortcut: v }));
                  }}
                />
              </div>
            )}
          </Field>
          <Field label={t('reply_text')} required issue={shown.text}>
            {({ id, describedBy, invalid }) => (
              <>
                <textarea
                  ref={textArea}
                  id={id}
                  name="text"
                  class="sb-admin-input sb-admin-textarea"
                  rows={6}
                  maxLength={LIMITS.replyTextMax}
                  value={draft.text}
                  aria-describedby={describedBy}
                  aria-invalid={invalid || undefined}
                  onInput={(e) => {
                    const v = e.currentTarget.value;
                    setDraft((d) => ({ ...d, text: v }));
                  }}
                />
                <div class="sb-admin-counter">
                  {draft.text.length} / {LIMITS.replyTextMax}
                </div>
              </>
            )}
          </Field>
          <div class="sb-admin-help" data-testid="sb-admin-variables">
            <h4 class="sb-admin-help-title">{t('variables_title')}</h4>
            <p class="sb-admin-hint">{t('variables_hint')}</p>
            <ul class="sb-admin-variables">
              {REPLY_VARIABLES.map((v) => (
                <li key={v}>
                  <button
                    type="button"
                    class="sb-admin-variable"
                    title={t('variable_insert')}
                    onClick={() => {
                      addVariable(v);
                    }}
                  >
                    <code>{`{{${v}}}`}</code>
                  </button>
                  <span class="sb-admin-muted">{t(VARIABLE_HELP[v] ?? 'var_visitor_name')}</span>
                </li>
              ))}
            </ul>
          </div>
          {draft.text.trim() === '' ? null : (
            <div class="sb-admin-reply-preview">
              <h4 class="sb-admin-help-title">{t('reply_preview')}</h4>
              <p class="sb-admin-reply-bubble">{fillVariables(draft.text, SAMPLE_VALUES)}</p>
            </div>
          )}
        </div>
        <SaveBar dirty={dirty} state={state} saveLabel={isNew ? t('reply_create') : t('save')} />
      </form>
    </Drawer>
  );
}
