import { createContext, type ComponentChildren, type InputHTMLAttributes, type JSX, type Ref } from 'preact';
import {
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type Dispatch,
  type StateUpdater,
} from 'preact/hooks';
import { errorMessage, type AdminApi } from './api';
import { addToList, canonicalLanguage, parseList, sameDraft, type Issue } from './forms';
import type { Lang, MessageKey, Translate } from './i18n';

export interface AdminEnv {
  readonly api: AdminApi;
  readonly lang: Lang;
  readonly t: Translate;
}

export const AdminContext = createContext<AdminEnv | undefined>(undefined);

export function useAdmin(): AdminEnv {
  const env = useContext(AdminContext);
  if (env === undefined) throw new Error('admin components must be rendered inside AdminPages');
  return env;
}

/** A form's saved state and its edits: `dirty` while they differ. A changed `source` replaces a clean draft. */
export function useDraft<T>(source: T): {
  draft: T;
  setDraft: (next: T | ((prev: T) => T)) => void;
  dirty: boolean;
  reset: () => void;
  rebase: (saved: T) => void;
} {
  const [state, setState] = useState({ base: source, draft: source });
  // Sources are rebuilt on every render, so they are compared by content.
  const sourceKey = JSON.stringify(source);
  const latest = useRef(source);
  latest.current = source;
  useEffect(() => {
    setState((s) => {
      if (sameDraft(s.base, latest.current)) return s;
      return { base: latest.current, draft: sameDraft(s.draft, s.base) ? latest.current : s.draft };
    });
  }, [sourceKey]);
  return {
    draft: state.draft,
    setDraft: (next) => {
      setState((s) => ({
        base: s.base,
        draft: typeof next === 'function' ? (next as (prev: T) => T)(s.draft) : next,
      }));
    },
    dirty: !sameDraft(state.draft, state.base),
    reset: () => {
      setState((s) => ({ base: s.base, draft: s.base }));
    },
    rebase: (saved: T) => {
      setState({ base: saved, draft: saved });
    },
  };
}

export type SaveState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'saved' }
  | { readonly kind: 'failed'; readonly message: string };

export const IDLE: SaveState = { kind: 'idle' };

/** Data fetched from the API: `undefined` until it arrives; `error` when the last fetch failed. */
export interface Loaded<T> {
  readonly value: T | undefined;
  readonly error: string | undefined;
  /** Fetches again (e.g. the Retry button after a failure). */
  readonly reload: () => void;
  /** Replaces the data held, e.g. with what a save returned. */
  readonly setValue: Dispatch<StateUpdater<T | undefined>>;
}

/** Fetches with `fetch` on mount and whenever `deps` change. */
export function useLoaded<T>(fetch: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const latest = useRef(fetch);
  latest.current = fetch;
  const reload = useCallback(() => {
    setError(undefined);
    latest.current().then(setValue, (err: unknown) => {
      setError(errorMessage(err));
    });
  }, []);
  useEffect(reload, deps);
  return { value, error, reload, setValue };
}

/** A form's draft, its validation and its saving, as `useEditForm` keeps them. */
export interface EditForm<D, V> {
  readonly draft: D;
  readonly setDraft: (next: D | ((prev: D) => D)) => void;
  /** Changes one field of the draft; a "saved" status gives way to the edit. */
  readonly set: <K extends keyof D>(key: K, value: D[K]) => void;
  readonly dirty: boolean;
  readonly validation: V;
  /** Save was pressed since the form was last saved or discarded. */
  readonly attempted: boolean;
  readonly state: SaveState;
  /** The form's submit handler: validates, then saves. */
  readonly submit: (e: Event) => void;
  /** Back to the saved values. */
  readonly discard: () => void;
}

/**
 * The draft of a form that saves through the API (see `useDraft`), validated on every render. Submitting
 * an invalid draft only says so; a valid one is saved and handed to `onSaved`. A form that stays open gives
 * `stored`, the draft of what was saved, which becomes its new clean state; without it `onSaved` is
 * expected to close the form. `onDirtyChange` hears of every change of `dirty`.
 */
export function useEditForm<D, V, T>(
  source: D,
  opts: {
    validate: (draft: D) => V;
    ok: (validation: V) => boolean;
    save: (draft: D) => Promise<T>;
    onSaved: (saved: T) => void;
    stored?: (saved: T) => D;
    onDirtyChange: (dirty: boolean) => void;
  },
): EditForm<D, V> {
  const { t } = useAdmin();
  const { draft, setDraft, dirty, reset, rebase } = useDraft(source);
  const [state, setState] = useState<SaveState>(IDLE);
  const [attempted, setAttempted] = useState(false);
  const validation = opts.validate(draft);
  useEffect(() => {
    opts.onDirtyChange(dirty);
  }, [dirty]);

  const save = async () => {
    setAttempted(true);
    if (!opts.ok(validation)) {
      setState({ kind: 'failed', message: t('fix_errors') });
      return;
    }
    setState({ kind: 'saving' });
    try {
      const saved = await opts.save(draft);
      if (opts.stored === undefined) {
        opts.onSaved(saved);
        return;
      }
      rebase(opts.stored(saved));
      opts.onSaved(saved);
      setState({ kind: 'saved' });
      setAttempted(false);
    } catch (err) {
      setState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return {
    draft,
    setDraft,
    set: (key, value) => {
      setDraft((d) => ({ ...d, [key]: value }));
      setState((s) => (s.kind === 'saved' ? IDLE : s));
    },
    dirty,
    validation,
    attempted,
    state,
    submit: (e) => {
      e.preventDefault();
      void save();
    },
    discard: () => {
      reset();
      setAttempted(false);
      setState(IDLE);
    },
  };
}

/** Warns before the page is left with unsaved edits. */
export function useLeaveGuard(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return undefined;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [dirty]);
}

export function IssueText(props: { issue: Issue | undefined; id?: string }): JSX.Element | null {
  const { t } = useAdmin();
  if (props.issue === undefined) return null;
  return (
    <p class="sb-admin-field-error" id={props.id} role="alert">
      {t(props.issue.key, props.issue.params)}
    </p>
  );
}

/** A labelled form row; `children` receives the input's id and its describedby. */
export function Field(props: {
  label: string;
  hint?: string | undefined;
  issue?: Issue | undefined;
  required?: boolean | undefined;
  class?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren;
}): JSX.Element {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy =
    [props.hint === undefined ? '' : hintId, props.issue === undefined ? '' : errorId]
      .filter(Boolean)
      .join(' ') || undefined;
  return (
    <div
      class={`sb-admin-field${props.issue === undefined ? '' : ' sb-admin-field--invalid'} ${props.class ?? ''}`}
    >
      <label class="sb-admin-label" for={id}>
        {props.label}
        {props.required === true ? (
          <span class="sb-admin-required" aria-hidden="true">
            *
          </span>
        ) : null}
      </label>
      {props.children({ id, describedBy, invalid: props.issue !== undefined })}
      {props.hint === undefined ? null : (
        <p class="sb-admin-hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <IssueText issue={props.issue} id={errorId} />
    </div>
  );
}

/** What a `Field` shows around its input. */
interface FieldFrame {
  label: string;
  hint?: string | undefined;
  issue?: Issue | undefined;
  required?: boolean | undefined;
}

function frameOf(props: FieldFrame): FieldFrame {
  return { label: props.label, hint: props.hint, issue: props.issue, required: props.required };
}

/** A `Field` around one text-valued control. */
interface InputProps extends FieldFrame {
  name: string;
  value: string;
  onInput: (value: string) => void;
}

/**
 * A `Field` with one `<input>`: `attrs` are its attributes besides those `field` and the `Field` give it;
 * `wrap` puts it in a container, e.g. with a unit after it.
 */
function InputField(props: {
  field: InputProps;
  attrs: InputHTMLAttributes;
  wrap?: ((input: JSX.Element) => JSX.Element) | undefined;
}): JSX.Element {
  const { field } = props;
  return (
    <Field {...frameOf(field)}>
      {({ id, describedBy, invalid }) => {
        const input = (
          <input
            {...props.attrs}
            id={id}
            name={field.name}
            value={field.value}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onInput={(e) => {
              field.onInput(e.currentTarget.value);
            }}
          />
        );
        return props.wrap === undefined ? input : props.wrap(input);
      }}
    </Field>
  );
}

/** A `Field` with one text input (`type` text unless given), optionally after a fixed `prefix`. */
export function TextField(
  props: InputProps & {
    type?: 'text' | 'email' | 'password';
    maxLength?: number;
    placeholder?: string;
    autocomplete?: string;
    spellcheck?: boolean;
    disabled?: boolean;
    prefix?: string;
  },
): JSX.Element {
  const { prefix } = props;
  return (
    <InputField
      field={props}
      attrs={{
        // Preact's types pair each input type with the roles it allows; a union of types fits none of them.
        type: (props.type ?? 'text') as 'text',
        class: 'sb-admin-input',
        autocomplete: props.autocomplete,
        spellcheck: props.spellcheck,
        maxLength: props.maxLength,
        placeholder: props.placeholder,
        disabled: props.disabled,
      }}
      wrap={
        prefix === undefined
          ? undefined
          : (input) => (
              <div class="sb-admin-prefixed">
                <span class="sb-admin-prefix" aria-hidden="true">
                  {prefix}
                </span>
                {input}
              </div>
            )
      }
    />
  );
}

/** A `Field` with a whole-number input from `min` to `max`, optionally followed by a unit. */
export function NumberField(
  props: InputProps & { min: number; max: number; disabled?: boolean; unit?: string },
): JSX.Element {
  const { unit } = props;
  return (
    <InputField
      field={props}
      attrs={{
        type: 'number',
        inputMode: 'numeric',
        min: props.min,
        max: props.max,
        step: 1,
        class: 'sb-admin-input sb-admin-input--number',
        disabled: props.disabled,
      }}
      wrap={
        unit === undefined
          ? undefined
          : (input) => (
              <div class="sb-admin-suffixed">
                {input}
                <span class="sb-admin-suffix">{unit}</span>
              </div>
            )
      }
    />
  );
}

/** A `Field` with a text area, optionally with a "used / allowed" counter under it. */
export function TextAreaField(
  props: InputProps & {
    rows: number;
    maxLength: number;
    placeholder?: string;
    counter?: boolean;
    textAreaRef?: Ref<HTMLTextAreaElement>;
  },
): JSX.Element {
  return (
    <Field {...frameOf(props)}>
      {({ id, describedBy, invalid }) => (
        <>
          <textarea
            ref={props.textAreaRef}
            id={id}
            name={props.name}
            class="sb-admin-input sb-admin-textarea"
            rows={props.rows}
            maxLength={props.maxLength}
            value={props.value}
            placeholder={props.placeholder}
            aria-describedby={describedBy}
            aria-invalid={invalid || undefined}
            onInput={(e) => {
              props.onInput(e.currentTarget.value);
            }}
          />
          {props.counter === true ? (
            <div class="sb-admin-counter">
              {props.value.length} / {props.maxLength}
            </div>
          ) : null}
        </>
      )}
    </Field>
  );
}

/** A `Field` with a `ChipInput`. */
export function ChipField(
  props: FieldFrame & {
    name: string;
    values: readonly string[];
    onChange: (values: string[]) => void;
    placeholder?: string;
    normalize?: (entry: string) => string;
  },
): JSX.Element {
  return (
    <Field {...frameOf(props)}>
      {({ id, describedBy, invalid }) => (
        <ChipInput
          id={id}
          name={props.name}
          normalize={props.normalize}
          values={props.values}
          describedBy={describedBy}
          invalid={invalid}
          placeholder={props.placeholder}
          onChange={props.onChange}
        />
      )}
    </Field>
  );
}

/** The skills and languages (as canonical tags) that routing matches agents and groups by, as chips. */
export function RoutingTagFields(props: {
  skillsHint: string;
  skills: readonly string[];
  languages: readonly string[];
  issues: { readonly skills?: Issue | undefined; readonly languages?: Issue | undefined };
  onChange: (key: 'skills' | 'languages', values: string[]) => void;
}): JSX.Element {
  const { t } = useAdmin();
  return (
    <>
      <ChipField
        label={t('skills')}
        hint={props.skillsHint}
        issue={props.issues.skills}
        name="skills"
        values={props.skills}
        placeholder={t('skills_placeholder')}
        onChange={(v) => {
          props.onChange('skills', v);
        }}
      />
      <ChipField
        label={t('languages')}
        hint={t('languages_hint')}
        issue={props.issues.languages}
        name="languages"
        normalize={(v) => canonicalLanguage(v) ?? v}
        values={props.languages}
        placeholder="en, zh-CN"
        onChange={(v) => {
          props.onChange('languages', v);
        }}
      />
    </>
  );
}

/** A switch: a checkbox styled as a toggle, with its label. */
export function Toggle(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
  name?: string;
}): JSX.Element {
  const id = useId();
  return (
    <div class="sb-admin-toggle-row">
      <label class="sb-admin-toggle" for={id}>
        <input
          id={id}
          type="checkbox"
          role="switch"
          name={props.name}
          checked={props.checked}
          onChange={(e) => {
            props.onChange(e.currentTarget.checked);
          }}
        />
        <span class="sb-admin-toggle-track" aria-hidden="true" />
        <span class="sb-admin-toggle-label">{props.label}</span>
      </label>
      {props.hint === undefined ? null : <p class="sb-admin-hint">{props.hint}</p>}
    </div>
  );
}

/**
 * Tags typed into a text box: Enter or a comma adds the text as a chip, Backspace in an empty box removes
 * the last one, and leaving the box keeps what was typed.
 */
export function ChipInput(props: {
  id: string;
  values: readonly string[];
  onChange: (values: string[]) => void;
  placeholder?: string;
  describedBy?: string | undefined;
  invalid?: boolean;
  name?: string;
  /** Applied to each entry as it is added, e.g. canonical language tags. */
  normalize?: (entry: string) => string;
}): JSX.Element {
  const { t } = useAdmin();
  const [text, setText] = useState('');
  const commit = (raw: string) => {
    const normalize = props.normalize ?? ((e: string) => e);
    const entries = parseList(raw).map(normalize);
    if (entries.length > 0) props.onChange(addToList(props.values, entries));
    setText('');
  };
  return (
    <div class={`sb-admin-chips${props.invalid === true ? ' sb-admin-chips--invalid' : ''}`}>
      {props.values.map((v) => (
        <span class="sb-admin-chip" key={v}>
          <span class="sb-admin-chip-text">{v}</span>
          <button
            type="button"
            class="sb-admin-chip-remove"
            aria-label={t('chip_remove', { value: v })}
            onClick={() => {
              props.onChange(props.values.filter((x) => x !== v));
            }}
          >
            ×
          </button>
        </span>
      ))}
      <input
        id={props.id}
        name={props.name}
        class="sb-admin-chips-input"
        type="text"
        value={text}
        placeholder={props.values.length === 0 ? props.placeholder : undefined}
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid === true ? true : undefined}
        onInput={(e) => {
          const v = e.currentTarget.value;
          if (/[,，]/.test(v)) commit(v);
          else setText(v);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            commit(text);
          } else if (e.key === 'Backspace' && text === '' && props.values.length > 0) {
            props.onChange(props.values.slice(0, -1));
          }
        }}
        onBlur={() => {
          commit(text);
        }}
      />
    </div>
  );
}

/** The footer of a form: unsaved-changes note, the save state, Discard and Save. */
export function SaveBar(props: {
  dirty: boolean;
  state: SaveState;
  onDiscard?: () => void;
  saveLabel?: string;
  sticky?: boolean;
  extra?: ComponentChildren;
}): JSX.Element {
  const { t } = useAdmin();
  const saving = props.state.kind === 'saving';
  return (
    <div class={`sb-admin-savebar${props.sticky === true ? ' sb-admin-savebar--sticky' : ''}`}>
      <div class="sb-admin-savebar-status" aria-live="polite">
        {props.state.kind === 'failed' ? (
          <span class="sb-admin-status sb-admin-status--error" role="alert">
            {t('save_failed', { detail: props.state.message })}
          </span>
        ) : saving ? (
          <span class="sb-admin-status">{t('saving')}</span>
        ) : props.dirty ? (
          <span class="sb-admin-status sb-admin-status--dirty">{t('unsaved_changes')}</span>
        ) : props.state.kind === 'saved' ? (
          <span class="sb-admin-status sb-admin-status--ok">{t('saved')}</span>
        ) : null}
      </div>
      <div class="sb-admin-savebar-actions">
        {props.extra}
        {props.onDiscard === undefined ? null : (
          <button
            type="button"
            class="sb-admin-button sb-admin-button--ghost"
            disabled={!props.dirty || saving}
            onClick={props.onDiscard}
          >
            {t('discard')}
          </button>
        )}
        <button
          type="submit"
          class="sb-admin-button sb-admin-button--primary"
          disabled={saving}
          aria-busy={saving ? true : undefined}
        >
          {saving ? <span class="sb-admin-spinner" aria-hidden="true" /> : null}
          {saving ? t('saving') : (props.saveLabel ?? t('save'))}
        </button>
      </div>
    </div>
  );
}

/** A modal question with Cancel and one (possibly destructive) action. */
export function ConfirmDialog(props: {
  title: string;
  message: string;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | undefined;
  onConfirm: () => void;
  onCancel: () => void;
}): JSX.Element {
  const { t } = useAdmin();
  const titleId = useId();
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    cancel.current?.focus();
  }, []);
  return (
    <div
      class="sb-admin-overlay sb-admin-overlay--center"
      onKeyDown={(e) => {
        if (e.key === 'Escape') props.onCancel();
      }}
    >
      <div class="sb-admin-dialog" role="alertdialog" aria-modal="true" aria-labelledby={titleId}>
        <h3 class="sb-admin-dialog-title" id={titleId}>
          {props.title}
        </h3>
        <p class="sb-admin-dialog-text">{props.message}</p>
        {props.error === undefined ? null : (
          <p class="sb-admin-form-error" role="alert">
            {props.error}
          </p>
        )}
        <div class="sb-admin-dialog-actions">
          <button
            ref={cancel}
            type="button"
            class="sb-admin-button sb-admin-button--ghost"
            onClick={props.onCancel}
          >
            {t('cancel')}
          </button>
          <button
            type="button"
            class={`sb-admin-button ${props.danger === true ? 'sb-admin-button--danger' : 'sb-admin-button--primary'}`}
            disabled={props.busy === true}
            onClick={props.onConfirm}
          >
            {props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}

/**
 * A side sheet holding an add/edit form. Closing it with unsaved edits asks first; Escape and the
 * backdrop close it like the Close button.
 */
export function Drawer(props: {
  title: string;
  dirty: boolean;
  onClose: () => void;
  children: ComponentChildren;
  testId?: string;
}): JSX.Element {
  const { t } = useAdmin();
  const titleId = useId();
  const [asking, setAsking] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  const requestClose = () => {
    if (props.dirty) setAsking(true);
    else props.onClose();
  };
  useEffect(() => {
    const first = panel.current?.querySelector<HTMLElement>('input:not([disabled]), select, textarea');
    first?.focus();
  }, []);
  return (
    <div
      class="sb-admin-overlay"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) requestClose();
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !asking) requestClose();
      }}
    >
      <div
        ref={panel}
        class="sb-admin-drawer"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={props.testId}
      >
        <header class="sb-admin-drawer-header">
          <h3 class="sb-admin-drawer-title" id={titleId}>
            {props.title}
            {props.dirty ? (
              <span
                class="sb-admin-dirty-dot"
                title={t('unsaved_changes')}
                aria-label={t('unsaved_changes')}
              />
            ) : null}
          </h3>
          <button type="button" class="sb-admin-icon-button" aria-label={t('close')} onClick={requestClose}>
            ×
          </button>
        </header>
        {props.children}
      </div>
      {asking ? (
        <ConfirmDialog
          title={t('discard_title')}
          message={t('discard_message')}
          confirmLabel={t('discard')}
          danger
          onConfirm={() => {
            setAsking(false);
            props.onClose();
          }}
          onCancel={() => {
            setAsking(false);
          }}
        />
      ) : null}
    </div>
  );
}

/** Loading and load-failure states of a page's data. */
export function LoadState(props: { error: string | undefined; onRetry: () => void }): JSX.Element {
  const { t } = useAdmin();
  if (props.error === undefined) {
    return (
      <div class="sb-admin-empty" aria-busy="true">
        <span class="sb-admin-spinner sb-admin-spinner--dark" aria-hidden="true" /> {t('loading')}
      </div>
    );
  }
  return (
    <div class="sb-admin-empty sb-admin-empty--error" role="alert">
      <p>{t('load_failed', { detail: props.error })}</p>
      <button type="button" class="sb-admin-button" onClick={props.onRetry}>
        {t('retry')}
      </button>
    </div>
  );
}

export function PageHeader(props: {
  title: MessageKey;
  description: MessageKey;
  actions?: ComponentChildren;
}): JSX.Element {
  const { t } = useAdmin();
  return (
    <div class="sb-admin-page-header">
      <div>
        <h2 class="sb-admin-page-title">{t(props.title)}</h2>
        <p class="sb-admin-page-description">{t(props.description)}</p>
      </div>
      {props.actions === undefined ? null : <div class="sb-admin-page-actions">{props.actions}</div>}
    </div>
  );
}

/** Chips shown read-only in a table cell; a dash when there are none. */
export function TagList(props: { values: readonly string[] }): JSX.Element {
  if (props.values.length === 0) return <span class="sb-admin-muted">—</span>;
  return (
    <span class="sb-admin-tags">
      {props.values.map((v) => (
        <span class="sb-admin-tag" key={v}>
          {v}
        </span>
      ))}
    </span>
  );
}
