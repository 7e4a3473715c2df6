import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { addLabel, removeLabel } from '../domain/labels';
import { useI18n } from './context';

/** The conversation's labels as chips: × removes one, Enter in the field adds one (setLabels replaces all). */
export function LabelEditor(props: {
  labels: readonly string[];
  onChange: (labels: string[]) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const commit = (): void => {
    const next = addLabel(props.labels, draft);
    setDraft('');
    if (next !== undefined) props.onChange(next);
  };
  return (
    <div class="labels-bar" data-testid="labels">
      <span class="labels-title">{t('labels.title')}</span>
      {props.labels.map((label) => (
        <span key={label} class="chip label removable" data-testid="label-chip">
          {label}
          <button
            type="button"
            class="chip-x"
            aria-label={t('labels.remove', { label })}
            onClick={() => {
              props.onChange(removeLabel(props.labels, label));
            }}
            data-testid="label-remove"
          >
            ×
          </button>
        </span>
      ))}
      <input
        class="label-input"
        value={draft}
        maxLength={40}
        placeholder={t('labels.add')}
        aria-label={t('labels.add')}
        onInput={(e) => {
          setDraft(e.currentTarget.value);
        }}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (e.key === 'Enter' || e.key === ',') {
            e.preventDefault();
            commit();
          } else if (e.key === 'Escape') {
            setDraft('');
          }
        }}
        onBlur={() => {
          if (draft.trim() !== '') commit();
        }}
        data-testid="label-input"
      />
    </div>
  );
}
