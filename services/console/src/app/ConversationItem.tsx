import type { JSX } from 'preact';
import { type ConversationRow, previewText } from '../domain/conversation-list';
import { hueOf, initials, listTime } from '../domain/format';
import { useI18n, useNow, useStore } from './context';

/** One conversation in a list: visitor, last message, state, labels, unread count, and Accept for an offer. */
export function ConversationItem(props: {
  row: ConversationRow;
  me: string;
  selected: boolean;
  onSelect: (id: string) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const store = useStore();
  const now = useNow(60_000);
  const { row } = props;
  const r = row.record;
  const last = row.last;
  let preview = t('list.noMessages');
  if (last !== undefined) {
    const prefix =
      last.kind === 'note' ? t('list.notePrefix') : last.senderId === props.me ? t('list.you') : '';
    preview = prefix + previewText(last.text);
  }
  return (
    <li>
      <div
        role="button"
        tabIndex={0}
        class={`conv-item${props.selected ? ' selected' : ''}${row.unread > 0 ? ' unread' : ''}${row.offered ? ' offered' : ''}`}
        aria-current={props.selected ? 'true' : undefined}
        onClick={() => {
          props.onSelect(r.id);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            props.onSelect(r.id);
          }
        }}
        data-testid="conversation-item"
        data-conversation-id={r.id}
        data-state={r.state}
      >
        <span
          class="avatar"
          style={{ background: `hsl(${hueOf(r.visitorId || r.id)} 55% 45%)` }}
          aria-hidden="true"
        >
          {initials(row.visitorName)}
        </span>
        <div class="conv-main">
          <div class="conv-top">
            <span class="conv-name">{row.visitorName}</span>
            <span class="conv-time">{listTime(row.activityMs, now, locale)}</span>
          </div>
          <div class="conv-preview" data-testid="conversation-preview">
            {preview}
          </div>
          <div class="conv-meta">
            {r.state !== 'chatting' && <span class={`chip state-${r.state}`}>{t(`state.${r.state}`)}</span>}
            {r.labels.slice(0, 2).map((l) => (
              <span key={l} class="chip label">
                {l}
              </span>
            ))}
            {row.unread > 0 && (
              <span
                class="badge unread-badge"
                title={t('list.unread', { count: row.unread })}
                data-testid="unread-badge"
              >
                {row.unread}
              </span>
            )}
          </div>
        </div>
        {row.offered && (
          <button
            type="button"
            class="btn primary small accept-inline"
            onClick={(e) => {
              e.stopPropagation();
              void store.accept(r.id).then((ok) => {
                if (ok) props.onSelect(r.id);
              });
            }}
            data-testid="accept-inline"
          >
            {t('action.accept')}
          </button>
        )}
      </div>
    </li>
  );
}
