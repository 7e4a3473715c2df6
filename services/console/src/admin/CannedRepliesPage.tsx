import type { JSX } from 'preact';
import { useMemo, useRef } from 'preact/hooks';
import { TextAreaField, TextField, useAdmin, useLoaded } from './components';
import { EditPanel, ListPage, RowActions, useCrudList, useEditorForm, type EditorProps } from './crud';
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
  const replies = useLoaded(() => api.listSharedReplies(), [api]);
  const list = useCrudList<CannedReply, ReplyDraft>(replies, {
    onDirtyChange: props.onDirtyChange,
    savedNotice: (saved, created) =>
      t(created ? 'reply_created' : 'reply_updated', { shortcut: `/${saved.shortcut}` }),
    remove: {
      run: (r) => api.deleteReply(r.id),
      notice: (r) => t('reply_deleted', { shortcut: `/${r.shortcut}` }),
    },
  });
  const dateFormat = useMemo(
    () => new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }),
    [lang],
  );

  return (
    <ListPage
      list={list}
      title="replies_title"
      description="replies_description"
      addLabel="reply_add"
      newDraft={newReplyDraft}
      tableTestId="sb-admin-replies-table"
      columns={[{ label: 'shortcut' }, { label: 'reply_text' }, { label: 'updated' }]}
      empty="replies_empty"
      sortKey={(r) => r.shortcut}
      filter={{
        label: 'replies_filter',
        count: 'replies_count',
        matches: (r, q) => r.shortcut.includes(q) || r.text.toLowerCase().includes(q),
      }}
      row={(r) => (
        <tr key={r.id} data-reply-shortcut={r.shortcut}>
          <td>
            <code class="sb-admin-shortcut">/{r.shortcut}</code>
          </td>
          <td class="sb-admin-reply-text">{r.text}</td>
          <td class="sb-admin-small sb-admin-nowrap">
            {r.updated_at_ms > 0 ? dateFormat.format(r.updated_at_ms) : '—'}
          </td>
          <RowActions
            name={`/${r.shortcut}`}
            onEdit={() => {
              list.edit(replyDraft(r));
            }}
            onDelete={() => {
              list.askDelete(r);
            }}
          />
        </tr>
      )}
      editor={(editor) => <ReplyEditor {...editor} />}
      deleteText={(r) => ({
        title: t('reply_delete_title', { shortcut: `/${r.shortcut}` }),
        message: t('reply_delete_message'),
      })}
    />
  );
}

function ReplyEditor(props: EditorProps<ReplyDraft, CannedReply>): JSX.Element {
  const { api, t } = useAdmin();
  const form = useEditorForm(props, {
    validate: validateReplyDraft,
    ok: (issues) => !hasIssues(issues),
    save: (d) => api.saveReply(replyBody(d)),
  });
  const { draft, setDraft, isNew, validation: issues } = form;
  const textArea = useRef<HTMLTextAreaElement>(null);
  const shown = form.attempted
    ? issues
    : { text: issues.text?.key === 'err_unknown_variable' ? issues.text : undefined };

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

  return (
    <EditPanel
      form={form}
      title={isNew ? t('reply_add') : t('reply_edit', { shortcut: `/${props.initial.shortcut}` })}
      testId="sb-admin-reply-editor"
      createLabel={t('reply_create')}
      onClose={props.onClose}
    >
      <TextField
        label={t('shortcut')}
        required
        issue={shown.shortcut}
        hint={t('shortcut_hint', { max: LIMITS.shortcutMax })}
        prefix="/"
        name="shortcut"
        autocomplete="off"
        spellcheck={false}
        value={draft.shortcut}
        maxLength={LIMITS.shortcutMax + 1}
        onInput={(v) => {
          setDraft((d) => ({ ...d, shortcut: v }));
        }}
      />
      <TextAreaField
        label={t('reply_text')}
        required
        issue={shown.text}
        textAreaRef={textArea}
        name="text"
        rows={6}
        maxLength={LIMITS.replyTextMax}
        counter
        value={draft.text}
        onInput={(v) => {
          setDraft((d) => ({ ...d, text: v }));
        }}
      />
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
    </EditPanel>
  );
}
