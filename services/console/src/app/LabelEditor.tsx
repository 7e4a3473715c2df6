import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { addLabel, removeLabel, sameLabels } from '../domain/labels';
import { useI18n } from './context';

/**
 * The conversation's labels as chips: × removes one, Enter in the field adds one. setLabels replaces the
 * whole list, so each change builds on the last one asked for (shown at once), not on the record, which
 * lags until the command's answer: two quick edits must not undo each other. Commands of one
 * conversation apply in order, so the last list asked for is the one stored.
 */
export function LabelEditor(props: {
  labels: readonly string[];
  /** Resolves false when the change was refused (the chips go back to the record's). */
  onChange: (labels: string[]) => Promise<boolean>;
}): JSX.Element {
  const { t } = useI18n();
  const [draft, setDraft] = useState('');
  const [asked, setAsked] = useState<readonly string[] | undefined>(undefined);
  useEffect(() => {
    if (asked !== undefined && sameLabels(asked, props.labels)) setAsked(undefined);
  }, [props.labels, asked]);
  const labels = asked ?? props.labels;
  const change = (next: string[]): void => {
    setAsked(next);
    void props.onChange(next).then((ok) => {
      if (!ok) setAsked(undefined);
    });
  };
  const commit = (): void => {
    const next = addLabel(labels, draft);
    setDraft('');
    if (next !== undefined) change(next);
  };
  return (
    <div class="labels-bar" data-testid="labels">
      <span class="labels-title">{t('labels.title')}</span>
      {labels.map((label) => (
        <span key={label} class="chip label removable" data-testid="label-chip">
          {label}
          <button
            type="button"
            class="chip-x"
            aria-label={t('labels.remove', { label })}
            onClick={() => {
              change(removeLabel(labels, label));
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
