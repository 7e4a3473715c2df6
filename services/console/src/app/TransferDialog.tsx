import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleState } from '../console-store';
import type { ConversationRecord } from '../domain/records';
import { useI18n, useStore } from './context';

/** Hands the conversation to one agent or one group, with an optional note (stored as a private note). */
export function TransferDialog(props: {
  record: ConversationRecord;
  state: ConsoleState;
  onClose: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const store = useStore();
  const [kind, setKind] = useState<'agent' | 'group'>('agent');
  const [target, setTarget] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const { onClose } = props;

  const agents = (props.state.agents ?? []).filter((a) => a.id !== props.record.agentId);
  const groups = props.state.groups ?? [];
  const options =
    kind === 'agent'
      ? agents.map((a) => ({ id: a.id, label: `${a.displayName} (${t(`role.${a.role}`)})` }))
      : groups.map((g) => ({ id: g.id, label: g.name }));

  useEffect(() => {
    dialog.current?.querySelector('select')?.focus();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
    };
  }, [onClose]);

  const submit = (e: Event): void => {
    e.preventDefault();
    if (target === '' || busy) return;
    setBusy(true);
    const label = options.find((o) => o.id === target)?.label ?? target;
    void store
      .transfer(
        props.record.id,
        kind === 'agent' ? { toAgentId: target } : { toGroupId: target },
        note.trim(),
      )
      .then((ok) => {
        setBusy(false);
        if (!ok) return;
        store.toast('info', t('transfer.done', { target: label }));
        onClose();
      });
  };

  return (
    <div
      class="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        class="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="transfer-title"
        ref={dialog}
        data-testid="transfer-dialog"
      >
        <form onSubmit={submit}>
          <h2 id="transfer-title">{t('transfer.title')}</h2>
          <div class="segmented" role="radiogroup">
            {(['agent', 'group'] as const).map((k) => (
              <label key={k} class={`segment${kind === k ? ' active' : ''}`}>
                <input
                  type="radio"
                  name="transfer-kind"
                  value={k}
                  checked={kind === k}
                  onChange={() => {
                    setKind(k);
                    setTarget('');
                  }}
                  data-testid={`transfer-kind-${k}`}
                />
                {k === 'agent' ? t('transfer.toAgent') : t('transfer.toGroup')}
              </label>
            ))}
          </div>
          <label class="field">
            {kind === 'agent' ? t('transfer.agent') : t('transfer.group')}
            <select
              value={target}
              onChange={(e) => {
                setTarget(e.currentTarget.value);
              }}
              required
              data-testid="transfer-target"
            >
              <option value="">{t('transfer.choose')}</option>
              {options.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          <label class="field">
            {t('transfer.note')}
            <textarea
              rows={3}
              value={note}
              onInput={(e) => {
                setNote(e.currentTarget.value);
              }}
              data-testid="transfer-note"
            />
          </label>
          <div class="modal-actions">
            <button type="button" class="btn ghost" onClick={onClose}>
              {t('transfer.cancel')}
            </button>
            <button
              type="submit"
              class="btn primary"
              disabled={target === '' || busy}
              data-testid="transfer-submit"
            >
              {t('transfer.submit')}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
