/**
 * The shape the list pages (agents, groups, shared replies) share: a table of what the API lists, an add/edit
 * drawer per entry, and delete with a confirmation. `useCrudList` keeps what is being edited or deleted and
 * the notice after a change; `ListPage` lays the page out; `useEditorForm` and `EditPanel` make the drawer.
 */
import { Fragment, type ComponentChildren, type JSX } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { errorMessage } from './api';
import {
  ConfirmDialog,
  Drawer,
  IDLE,
  LoadState,
  PageHeader,
  SaveBar,
  useAdmin,
  useEditForm,
  type EditForm,
  type Loaded,
  type SaveState,
} from './components';
import type { MessageKey } from './i18n';
import { removeById, sortedMatches, upsertById } from './lists';

interface WithId {
  readonly id: string;
}

/** What a list page hands its editor drawer. A draft with the id '' is a new entry. */
export interface EditorProps<D, T> {
  readonly initial: D;
  readonly onDirtyChange: (dirty: boolean) => void;
  readonly onClose: () => void;
  readonly onSaved: (saved: T, created: boolean) => void;
}

/** A list page's state besides the list itself: the open editor, the delete being confirmed, the notice. */
export interface CrudList<T, D> {
  readonly source: Loaded<T[]>;
  /** The last change made, e.g. "Agent Dana created."; cleared when the next one starts. */
  readonly notice: string | undefined;
  /** The open editor's props; `undefined` while none is open. */
  readonly editor: EditorProps<D, T> | undefined;
  readonly deleting: T | undefined;
  readonly deleteState: SaveState;
  /** Opens the editor on `draft` (a new entry's or an existing one's). */
  readonly edit: (draft: D) => void;
  /** Asks whether to delete `item`. */
  readonly askDelete: (item: T) => void;
  readonly confirmDelete: () => void;
  readonly cancelDelete: () => void;
}

interface Removal<T> {
  readonly run: (item: T) => Promise<void>;
  readonly notice: (item: T) => string;
}

export function useCrudList<T extends WithId, D>(
  source: Loaded<T[]>,
  opts: {
    onDirtyChange: (dirty: boolean) => void;
    savedNotice: (saved: T, created: boolean) => string;
    /** Pages with Delete: how to delete on the server, and the notice after. */
    remove?: Removal<T>;
  },
): CrudList<T, D> {
  const [editing, setEditing] = useState<D | undefined>(undefined);
  const [deleting, setDeleting] = useState<T | undefined>(undefined);
  const [deleteState, setDeleteState] = useState<SaveState>(IDLE);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const closeEditor = () => {
    opts.onDirtyChange(false);
    setEditing(undefined);
  };
  const remove = async (item: T, removal: Removal<T>) => {
    setDeleteState({ kind: 'saving' });
    try {
      await removal.run(item);
      source.setValue((list) => removeById(list ?? [], item.id));
      setNotice(removal.notice(item));
      setDeleting(undefined);
      setDeleteState(IDLE);
    } catch (err) {
      setDeleteState({ kind: 'failed', message: errorMessage(err) });
    }
  };

  return {
    source,
    notice,
    editor:
      editing === undefined
        ? undefined
        : {
            initial: editing,
            onDirtyChange: opts.onDirtyChange,
            onClose: closeEditor,
            onSaved: (saved, created) => {
              source.setValue((list) => upsertById(list ?? [], saved));
              setNotice(opts.savedNotice(saved, created));
              closeEditor();
            },
          },
    deleting,
    deleteState,
    edit: (draft) => {
      setNotice(undefined);
      setEditing(draft);
    },
    askDelete: (item) => {
      setNotice(undefined);
      setDeleteState(IDLE);
      setDeleting(item);
    },
    confirmDelete: () => {
      if (deleting !== undefined && opts.remove !== undefined) void remove(deleting, opts.remove);
    },
    cancelDelete: () => {
      setDeleting(undefined);
    },
  };
}

export interface Column {
  readonly label: MessageKey;
  /** Right-aligned numbers. */
  readonly numeric?: boolean;
}

/**
 * A list page: header with the Add button, the notice, the table (with a filter box when `filter` is given,
 * rows sorted by `sortKey`), the editor drawer and the delete confirmation (when `deleteText` is given).
 * `columns` are the table's headings before the actions column; `row` renders a `<tr>` ending in `RowActions`.
 */
export function ListPage<T extends WithId, D extends WithId>(props: {
  list: CrudList<T, D>;
  title: MessageKey;
  description: MessageKey;
  addLabel: MessageKey;
  addDisabled?: boolean;
  newDraft: () => D;
  tableTestId: string;
  columns: readonly Column[];
  /** Shown when there are no entries at all. */
  empty: MessageKey;
  sortKey: (item: T) => string;
  filter?: {
    readonly label: MessageKey;
    /** The count of all entries, with `{n}`. */
    readonly count: MessageKey;
    readonly matches: (item: T, query: string) => boolean;
  };
  row: (item: T) => JSX.Element;
  editor: (props: EditorProps<D, T>) => JSX.Element;
  deleteText?: (item: T) => { title: string; message: string };
}): JSX.Element {
  const { t } = useAdmin();
  const { list, filter } = props;
  const items = list.source.value;
  const [query, setQuery] = useState('');
  const shown = useMemo(
    () => sortedMatches(items ?? [], query, props.sortKey, filter?.matches),
    [items, query],
  );

  return (
    <section class="sb-admin-page">
      <PageHeader
        title={props.title}
        description={props.description}
        actions={
          <button
            type="button"
            class="sb-admin-button sb-admin-button--primary"
            disabled={props.addDisabled}
            onClick={() => {
              list.edit(props.newDraft());
            }}
          >
            + {t(props.addLabel)}
          </button>
        }
      />
      {list.notice === undefined ? null : (
        <p class="sb-admin-notice" role="status">
          {list.notice}
        </p>
      )}
      {items === undefined ? (
        <LoadState error={list.source.error} onRetry={list.source.reload} />
      ) : (
        <div class="sb-admin-card sb-admin-card--flush">
          {filter === undefined ? null : (
            <div class="sb-admin-table-toolbar">
              <input
                type="search"
                class="sb-admin-input sb-admin-input--search"
                placeholder={t(filter.label)}
                aria-label={t(filter.label)}
                value={query}
                onInput={(e) => {
                  setQuery(e.currentTarget.value);
                }}
              />
              <span class="sb-admin-muted">{t(filter.count, { n: items.length })}</span>
            </div>
          )}
          <div class="sb-admin-table-wrap">
            <table class="sb-admin-table" data-testid={props.tableTestId}>
              <thead>
                <tr>
                  {props.columns.map((c) => (
                    <th key={c.label} scope="col" class={c.numeric === true ? 'sb-admin-num' : undefined}>
                      {t(c.label)}
                    </th>
                  ))}
                  <th scope="col">
                    <span class="sb-admin-visually-hidden">{t('actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {shown.length === 0 ? (
                  <tr>
                    <td colSpan={props.columns.length + 1} class="sb-admin-table-empty">
                      {t(items.length === 0 ? props.empty : 'no_matches')}
                    </td>
                  </tr>
                ) : (
                  shown.map(props.row)
                )}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {list.editor === undefined ? null : (
        <Fragment key={list.editor.initial.id === '' ? 'new' : list.editor.initial.id}>
          {props.editor(list.editor)}
        </Fragment>
      )}
      {list.deleting === undefined || props.deleteText === undefined ? null : (
        <ConfirmDialog
          {...props.deleteText(list.deleting)}
          confirmLabel={list.deleteState.kind === 'saving' ? t('deleting') : t('delete')}
          danger
          busy={list.deleteState.kind === 'saving'}
          error={list.deleteState.kind === 'failed' ? list.deleteState.message : undefined}
          onConfirm={list.confirmDelete}
          onCancel={list.cancelDelete}
        />
      )}
    </section>
  );
}

/** The last cell of a list row: Edit, and Delete when `onDelete` is given; `name` labels them for screen readers. */
export function RowActions(props: { name: string; onEdit: () => void; onDelete?: () => void }): JSX.Element {
  const { t } = useAdmin();
  return (
    <td class="sb-admin-row-actions">
      <button
        type="button"
        class="sb-admin-button sb-admin-button--small"
        aria-label={t('edit_named', { name: props.name })}
        onClick={props.onEdit}
      >
        {t('edit')}
      </button>
      {props.onDelete === undefined ? null : (
        <button
          type="button"
          class="sb-admin-button sb-admin-button--small sb-admin-button--danger-ghost"
          aria-label={t('delete_named', { name: props.name })}
          onClick={props.onDelete}
        >
          {t('delete')}
        </button>
      )}
    </td>
  );
}

/** `useEditForm` for an editor drawer: saving hands the entry to the list (which closes the drawer). */
export function useEditorForm<D extends WithId, V, T>(
  props: EditorProps<D, T>,
  opts: {
    validate: (draft: D) => V;
    ok: (validation: V) => boolean;
    save: (draft: D) => Promise<T>;
  },
): EditForm<D, V> & { readonly isNew: boolean } {
  const isNew = props.initial.id === '';
  const form = useEditForm(props.initial, {
    ...opts,
    onSaved: (saved) => {
      props.onSaved(saved, isNew);
    },
    onDirtyChange: props.onDirtyChange,
  });
  return { ...form, isNew };
}

/** An editor drawer: the form's fields as `children`, then the save bar ("Create …" for a new entry). */
export function EditPanel(props: {
  form: Pick<EditForm<unknown, unknown>, 'dirty' | 'state' | 'submit'> & { readonly isNew: boolean };
  title: string;
  testId: string;
  createLabel: string;
  onClose: () => void;
  children: ComponentChildren;
}): JSX.Element {
  const { t } = useAdmin();
  const { form } = props;
  return (
    <Drawer title={props.title} dirty={form.dirty} onClose={props.onClose} testId={props.testId}>
      <form class="sb-admin-form sb-admin-drawer-form" noValidate onSubmit={form.submit}>
        <div class="sb-admin-drawer-body">{props.children}</div>
        <SaveBar
          dirty={form.dirty}
          state={form.state}
          saveLabel={form.isNew ? props.createLabel : t('save')}
        />
      </form>
    </Drawer>
  );
}
