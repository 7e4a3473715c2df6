import type { JSX } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConsoleState } from '../console-store';
import { replyVariables } from '../domain/canned';
import { knownVisitorName, visitorName } from '../domain/conversation-list';
import { hueOf, initials } from '../domain/format';
import { allowedActions, type ConversationRecord, isMine, isOpen } from '../domain/records';
import { hasOlder } from '../domain/timeline';
import { Composer } from './Composer';
import { useI18n, useStore } from './context';
import { InboxIcon, PanelIcon } from './icons';
import { LabelEditor } from './LabelEditor';
import { MessageList } from './MessageList';
import { TransferDialog } from './TransferDialog';

const EMPTY: readonly never[] = [];

export function ChatPane(props: {
  state: ConsoleState;
  conversationId: string | undefined;
  focusSeq: number | undefined;
  contextCollapsed: boolean;
  onToggleContext: () => void;
}): JSX.Element {
  const { t } = useI18n();
  if (props.conversationId === undefined) {
    return (
      <section class="chat-pane empty-pane" data-testid="chat-empty">
        <div class="empty-illustration">
          <InboxIcon />
        </div>
        <h2>{t('chat.empty')}</h2>
        <p class="muted">{t('chat.emptyHint')}</p>
      </section>
    );
  }
  return <Conversation {...props} conversationId={props.conversationId} />;
}

function Conversation(props: {
  state: ConsoleState;
  conversationId: string;
  focusSeq: number | undefined;
  contextCollapsed: boolean;
  onToggleContext: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const store = useStore();
  const { state, conversationId: id } = props;
  const record = state.records[id];
  const me = state.me.agentId;
  const timeline = state.timelines[id];
  const messages = timeline?.messages ?? EMPTY;
  const mine = record !== undefined && isMine(record, me);
  const open = record !== undefined && isOpen(record);
  const [transferOpen, setTransferOpen] = useState(false);
  const [confirmClose, setConfirmClose] = useState(false);
  const connected = state.connection === 'open';

  useEffect(() => {
    if (connected) void store.open(id, props.focusSeq);
  }, [store, id, props.focusSeq, connected]);

  // Someone else's open conversation is not delivered to this socket: re-read its tail while it is shown.
  useEffect(
    () => (open && !mine && connected ? store.watch(id) : undefined),
    [store, id, open, mine, connected],
  );

  useEffect(() => {
    setConfirmClose(false);
    setTransferOpen(false);
  }, [id]);

  useEffect(() => {
    if (!confirmClose) return undefined;
    const timer = setTimeout(() => {
      setConfirmClose(false);
    }, 4000);
    return () => {
      clearTimeout(timer);
    };
  }, [confirmClose]);

  // Read while on screen: mark it when messages arrive and when the agent comes back to the tab.
  const lastSeq = messages.at(-1)?.seq ?? 0;
  const unread = state.unread[id] ?? 0;
  useEffect(() => {
    const mark = (): void => {
      if (document.visibilityState === 'visible' && document.hasFocus()) store.markRead(id);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [store, id, lastSeq, unread]);

  const loadOlder = useCallback(() => {
    void store.loadOlder(id);
  }, [store, id]);
  const onPickerOpen = useCallback(() => {
    void store.refreshCannedReplies();
  }, [store]);
  const onTyping = useCallback(
    (typing: boolean) => {
      store.typing(id, typing);
    },
    [store, id],
  );

  const titleRef = useRef<HTMLHeadingElement>(null);

  if (record === undefined) {
    const detail = state.details[id];
    return (
      <section class="chat-pane" data-testid="chat-pane">
        <p class="empty">
          {detail?.status === 'error' ? t('error.generic', { detail: detail.error }) : t('chat.loading')}
        </p>
      </section>
    );
  }

  const allowed = allowedActions(record, me, state.supervisor);
  const name = visitorName(record, state.visitorNames, t('sender.visitor'));
  const typing = state.typing[id] ?? EMPTY;
  const pending = state.pending.filter((p) => p.conversationId === id);

  return (
    <section class="chat-pane" data-testid="chat-pane" data-conversation-id={id} data-state={record.state}>
      <header class="chat-header">
        <span
          class="avatar"
          style={{ background: `hsl(${hueOf(record.visitorId || id)} 55% 45%)` }}
          aria-hidden="true"
        >
          {initials(name)}
        </span>
        <div class="chat-title">
          <h2 ref={titleRef} data-testid="chat-title">
            {name}
          </h2>
          <div class="chat-sub">
            <span class={`chip state-${record.state}`} data-testid="chat-state">
              {t(`state.${record.state}`)}
            </span>
            {record.agentId !== '' && record.agentId !== me && (
              <span class="muted">{record.agentName || record.agentId}</span>
            )}
            {record.groupId !== '' && <span class="muted">· {groupName(state, record.groupId)}</span>}
          </div>
        </div>
        <div class="chat-actions">
          {allowed.accept && (
            <button
              type="button"
              class="btn primary"
              onClick={() => {
                void store.accept(id);
              }}
              data-testid="action-accept"
            >
              {t('action.accept')}
            </button>
          )}
          {allowed.takeOver && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                void store.takeOver(id);
              }}
              data-testid="action-takeover"
            >
              {t('action.takeOver')}
            </button>
          )}
          {allowed.transfer && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                setTransferOpen(true);
              }}
              data-testid="action-transfer"
            >
              {t('action.transfer')}
            </button>
          )}
          {allowed.close && (
            <button
              type="button"
              class={`btn${confirmClose ? ' danger' : ''}`}
              onClick={() => {
                if (!confirmClose) {
                  setConfirmClose(true);
                  return;
                }
                setConfirmClose(false);
                void store.closeConversation(id);
              }}
              data-testid="action-close"
            >
              {confirmClose ? t('action.confirmClose') : t('action.close')}
            </button>
          )}
          <button
            type="button"
            class={`icon-btn details-toggle${props.contextCollapsed ? '' : ' active'}`}
            aria-pressed={!props.contextCollapsed}
            title={props.contextCollapsed ? t('action.showDetails') : t('action.hideDetails')}
            aria-label={props.contextCollapsed ? t('action.showDetails') : t('action.hideDetails')}
            onClick={props.onToggleContext}
            data-testid="toggle-context"
          >
            <PanelIcon />
          </button>
        </div>
      </header>
      <LabelEditor key={id} labels={record.labels} onChange={(labels) => store.setLabels(id, labels)} />
      <StateBanner record={record} me={me} />
      <MessageList
        conversationId={id}
        messages={messages}
        pending={pending}
        me={me}
        visitorReadSeq={state.visitorReadSeq[id] ?? 0}
        loading={timeline?.loading ?? false}
        error={timeline?.error}
        hasOlder={hasOlder(messages)}
        focusSeq={props.focusSeq}
        onLoadOlder={loadOlder}
        onRetry={(clientMsgId) => {
          store.retry(clientMsgId);
        }}
        onDiscard={(clientMsgId) => {
          store.discard(clientMsgId);
        }}
      />
      <div class="typing-line" aria-live="polite" data-testid="typing-indicator">
        {typing.length > 0 && (
          <>
            <span class="typing-dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {t('chat.typing', { name: typing.map((n) => (n === 'visitor' ? name : n)).join(', ') })}
          </>
        )}
      </div>
      {allowed.note && (
        <Composer
          key={id}
          conversationId={id}
          canReply={allowed.reply}
          variables={replyVariables({
            visitorName: knownVisitorName(record, state.visitorNames),
            visitorEmail: record.visitor?.email ?? '',
            agentName: state.me.displayName,
            conversationId: id,
          })}
          replies={state.cannedReplies}
          onSend={(text, note) => {
            if (!connected && state.connection !== 'reconnecting') {
              store.toast('error', t('error.notConnected'));
              return;
            }
            store.send(id, text, note);
          }}
          onTyping={onTyping}
          onPickerOpen={onPickerOpen}
        />
      )}
      {transferOpen && (
        <TransferDialog
          record={record}
          state={state}
          onClose={() => {
            setTransferOpen(false);
          }}
        />
      )}
    </section>
  );
}

function StateBanner(props: { record: ConversationRecord; me: string }): JSX.Element | null {
  const { t } = useI18n();
  const r = props.record;
  let text: string | undefined;
  let kind = 'info';
  if (r.state === 'closed') {
    text = t('chat.closed');
    kind = 'muted';
  } else if (r.state === 'assigned' && r.agentId === props.me) {
    text = t('chat.offered');
    kind = 'attention';
  } else if (r.state === 'transferring' && r.agentId === props.me) {
    text = t('chat.transferring');
  } else if (!isMine(r, props.me)) {
    text = r.agentId !== '' ? t('chat.notYours', { agent: r.agentName || r.agentId }) : t('chat.unassigned');
  }
  if (text === undefined) return null;
  return (
    <div class={`state-banner ${kind}`} data-testid="state-banner">
      {text}
    </div>
  );
}

function groupName(state: ConsoleState, id: string): string {
  return state.groups?.find((g) => g.id === id)?.name ?? id;
}
