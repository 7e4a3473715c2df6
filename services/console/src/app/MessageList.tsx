import type { JSX } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { PendingMessage } from '../console-store';
import { clockTime, dateTime, linkify } from '../domain/format';
import { type ChatMessage, localDay, readMarkSeq, timelineItems } from '../domain/timeline';
import { useI18n } from './context';
import { LockIcon } from './icons';

interface ScrollMemory {
  conversationId: string;
  firstSeq: number | undefined;
  lastSeq: number | undefined;
  pendingCount: number;
  scrollHeight: number;
  /** The view follows new messages (it was at the bottom). */
  stick: boolean;
  /** The `conversation:seq` already scrolled to. */
  focused: string;
}

/**
 * The conversation's messages, oldest at the top. Scrolling near the top loads the page above (keeping the
 * view where it was); new messages scroll into view only when the agent was at the bottom already.
 */
export function MessageList(props: {
  conversationId: string;
  messages: readonly ChatMessage[];
  pending: readonly PendingMessage[];
  me: string;
  visitorReadSeq: number;
  loading: boolean;
  error: string | undefined;
  hasOlder: boolean;
  focusSeq: number | undefined;
  onLoadOlder: () => void;
  onRetry: (clientMsgId: string) => void;
  onDiscard: (clientMsgId: string) => void;
}): JSX.Element {
  const { t, locale } = useI18n();
  const ref = useRef<HTMLDivElement>(null);
  const memory = useRef<ScrollMemory>({
    conversationId: '',
    firstSeq: undefined,
    lastSeq: undefined,
    pendingCount: 0,
    scrollHeight: 0,
    stick: true,
    focused: '',
  });
  const [showJump, setShowJump] = useState(false);
  const { messages, hasOlder, loading, error, onLoadOlder } = props;
  const first = messages[0]?.seq;
  const last = messages.at(-1)?.seq;

  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const m = memory.current;
    if (m.conversationId !== props.conversationId) {
      m.conversationId = props.conversationId;
      m.focused = '';
      m.stick = true;
      el.scrollTop = el.scrollHeight;
      setShowJump(false);
    } else if (first !== undefined && m.firstSeq !== undefined && first < m.firstSeq) {
      // An older page went in above: keep the messages the agent was reading where they were.
      el.scrollTop += el.scrollHeight - m.scrollHeight;
    } else if (last !== m.lastSeq || props.pending.length !== m.pendingCount) {
      if (m.stick) el.scrollTop = el.scrollHeight;
      else if (last !== m.lastSeq) setShowJump(true);
    }
    const focusKey = props.focusSeq === undefined ? '' : `${props.conversationId}:${props.focusSeq}`;
    if (focusKey !== '' && m.focused !== focusKey) {
      const target = el.querySelector(`[data-seq="${String(props.focusSeq)}"]`);
      if (target !== null) {
        target.scrollIntoView({ block: 'center' });
        m.focused = focusKey;
        m.stick = false;
      }
    }
    m.firstSeq = first;
    m.lastSeq = last;
    m.pendingCount = props.pending.length;
    m.scrollHeight = el.scrollHeight;
    // Too few messages to scroll: load more until the pane is full (or the start is reached).
    if (el.scrollHeight <= el.clientHeight + 4 && hasOlder && !loading && error === undefined) onLoadOlder();
  });

  const onScroll = (): void => {
    const el = ref.current;
    if (el === null) return;
    const m = memory.current;
    m.stick = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    if (m.stick) setShowJump(false);
    m.scrollHeight = el.scrollHeight;
    if (el.scrollTop < 80 && hasOlder && !loading && error === undefined) onLoadOlder();
  };

  const readSeq = readMarkSeq(messages, props.me, props.visitorReadSeq);
  const today = localDay(Date.now());
  const dayLabel = (dayMs: number): string => {
    if (dayMs === today) return t('chat.today');
    if (dayMs === localDay(today - 43_200_000)) return t('chat.yesterday');
    return new Date(dayMs).toLocaleDateString(locale, { weekday: 'short', month: 'short', day: 'numeric' });
  };

  return (
    <div class="message-scroller-wrap">
      <div class="message-scroller" ref={ref} onScroll={onScroll} data-testid="message-list">
        <div class="history-edge">
          {loading ? (
            <span class="muted" data-testid="history-loading">
              {messages.length === 0 ? t('chat.loading') : t('chat.loadingOlder')}
            </span>
          ) : error !== undefined ? (
            <span class="error-text">
              {t('chat.loadFailed', { detail: error })}{' '}
              <button type="button" class="link-btn" onClick={onLoadOlder}>
                {t('chat.retry')}
              </button>
            </span>
          ) : hasOlder ? (
            <button type="button" class="link-btn" onClick={onLoadOlder} data-testid="load-older">
              {t('chat.loadOlder')}
            </button>
          ) : messages.length > 0 ? (
            <span class="muted" data-testid="history-start">
              {t('chat.beginning')}
            </span>
          ) : null}
        </div>
        {timelineItems(messages, localDay).map((item) =>
          item.type === 'day' ? (
            <div key={item.key} class="day-sep" role="separator">
              <span>{dayLabel(item.dayMs)}</span>
            </div>
          ) : (
            <MessageRow
              key={item.key}
              message={item.message}
              firstOfRun={item.firstOfRun}
              mine={item.message.senderId === props.me}
              read={item.message.seq === readSeq}
              focused={item.message.seq === props.focusSeq}
              locale={locale}
            />
          ),
        )}
        {props.pending.map((p) => (
          <div
            key={p.clientMsgId}
            class={`msg right pending${p.note ? ' note' : ''}${p.failed !== undefined ? ' failed' : ''}`}
            data-testid="pending-message"
          >
            {p.note && (
              <div class="note-label">
                <LockIcon />
                {t('chat.noteLabel')}
              </div>
            )}
            <div class="bubble">
              <MessageText text={p.text} />
            </div>
            <div class="msg-status">
              {p.failed === undefined ? (
                t('chat.sending')
              ) : (
                <>
                  <span class="error-text" title={p.failed}>
                    {t('chat.failed')}
                  </span>{' '}
                  <button
                    type="button"
                    class="link-btn"
                    onClick={() => {
                      props.onRetry(p.clientMsgId);
                    }}
                  >
                    {t('chat.retry')}
                  </button>{' '}
                  <button
                    type="button"
                    class="link-btn"
                    onClick={() => {
                      props.onDiscard(p.clientMsgId);
                    }}
                  >
                    ×
                  </button>
                </>
              )}
            </div>
          </div>
        ))}
      </div>
      {showJump && (
        <button
          type="button"
          class="jump-latest"
          onClick={() => {
            const el = ref.current;
            if (el !== null) el.scrollTop = el.scrollHeight;
            memory.current.stick = true;
            setShowJump(false);
          }}
        >
          {t('chat.newMessages')}
        </button>
      )}
    </div>
  );
}

function MessageRow(props: {
  message: ChatMessage;
  firstOfRun: boolean;
  mine: boolean;
  read: boolean;
  focused: boolean;
  locale: string;
}): JSX.Element {
  const { t } = useI18n();
  const m = props.message;
  const note = m.kind === 'note';
  let side = 'left';
  if (m.senderRole === 'system') side = 'center';
  else if (m.senderRole === 'agent') side = 'right';
  const name = props.mine ? t('sender.you') : m.senderName || t(`sender.${m.senderRole}`);
  return (
    <div
      class={`msg ${side}${note ? ' note' : ''}${props.mine ? ' own' : ''}${props.focused ? ' focused' : ''}${props.firstOfRun ? ' first' : ''}`}
      data-testid="message"
      data-seq={m.seq}
      data-kind={m.kind}
      data-sender-role={m.senderRole}
    >
      {props.firstOfRun && (
        <div class="msg-head">
          <span class="msg-sender">{name}</span>
          <time dateTime={new Date(m.atMs).toISOString()} title={dateTime(m.atMs, props.locale)}>
            {clockTime(m.atMs, props.locale)}
          </time>
        </div>
      )}
      {note && (
        <div class="note-label" data-testid="note-label">
          <LockIcon />
          {t('chat.noteLabel')}
        </div>
      )}
      <div class="bubble" data-testid="message-text">
        <MessageText text={m.text} />
      </div>
      {props.read && (
        <div class="msg-status read" data-testid="read-receipt">
          ✓ {t('chat.read')}
        </div>
      )}
    </div>
  );
}

/** Message text as text nodes only; http(s) links become anchors with a checked href. Never HTML. */
export function MessageText(props: { text: string }): JSX.Element {
  return (
    <>
      {linkify(props.text).map((seg, i) =>
        seg.kind === 'text' ? (
          seg.text
        ) : (
          <a key={i} href={seg.href} target="_blank" rel="noopener noreferrer nofollow">
            {seg.text}
          </a>
        ),
      )}
    </>
  );
}
