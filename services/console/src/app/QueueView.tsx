import type { JSX } from 'preact';
import { type ConversationRow, shortId } from '../domain/conversation-list';
import { hueOf, initials, shortDuration, waitClock } from '../domain/format';
import type { QueueSection } from '../domain/queue';
import { useI18n, useNow, useStore } from './context';
import { ConversationItem } from './ConversationItem';

/** Offers waiting for the agent's accept, then each of their groups' queues in serving order. */
export function QueueView(props: {
  sections: readonly QueueSection[];
  offered: readonly ConversationRow[];
  queueKnown: boolean;
  supervisor: boolean;
  selectedId: string | undefined;
  onSelect: (id: string) => void;
}): JSX.Element {
  const { t } = useI18n();
  const store = useStore();
  const now = useNow(1000);
  const me = store.state.me.agentId;
  const nameOf = (row: QueueSection['rows'][number]): string =>
    row.visitorName ||
    store.state.visitorNames[row.visitorId] ||
    `${t('sender.visitor')} #${shortId(row.visitorId || row.conversationId)}`;
  const waiting = props.sections.some((s) => s.rows.length > 0);
  return (
    <div class="list-wrap" data-testid="queue-view">
      {props.offered.length > 0 && (
        <section class="queue-section offered-section">
          <h3 class="section-title">{t('queue.offered')}</h3>
          <ul class="conv-list" data-testid="queue-offered">
            {props.offered.map((row) => (
              <ConversationItem
                key={row.record.id}
                row={row}
                me={me}
                selected={row.record.id === props.selectedId}
                onSelect={props.onSelect}
              />
            ))}
          </ul>
        </section>
      )}
      {!props.queueKnown ? (
        <p class="empty">{t('queue.noSnapshot')}</p>
      ) : (
        props.sections.map((section) => (
          <section
            key={section.groupId}
            class="queue-section"
            data-testid="queue-group"
            data-group-id={section.groupId}
          >
            <h3 class="section-title">
              <span>{section.groupName}</span>
              {section.manualPick && <span class="chip">{t('queue.manual')}</span>}
              <span class="section-meta">
                {t('queue.online', { count: section.agentsOnline, free: section.freeCapacity })}
              </span>
            </h3>
            {section.rows.length > 0 && (
              <ul class="queue-list">
                {section.rows.map((row) => (
                  <li
                    key={row.conversationId}
                    class={`queue-item${row.conversationId === props.selectedId ? ' selected' : ''}`}
                    data-testid="queue-item"
                    data-conversation-id={row.conversationId}
                  >
                    <button
                      type="button"
                      class="queue-open"
                      onClick={() => {
                        props.onSelect(row.conversationId);
                      }}
                    >
                      <span class="queue-pos">#{row.position}</span>
                      <span
                        class="avatar small"
                        style={{ background: `hsl(${hueOf(row.visitorId)} 55% 45%)` }}
                        aria-hidden="true"
                      >
                        {initials(nameOf(row))}
                      </span>
                      <span class="queue-main">
                        <span class="conv-name">{nameOf(row)}</span>
                        <span class="queue-meta">
                          {t('queue.waiting', { time: waitClock(now - row.queuedAtMs) })}
                          {row.estimatedWaitS > 0 &&
                            ` · ${t('queue.eta', { time: shortDuration(row.estimatedWaitS * 1000) })}`}
                        </span>
                      </span>
                    </button>
                    {row.manualPick && (
                      <button
                        type="button"
                        class="btn primary small"
                        onClick={() => {
                          void store.pick(row.conversationId).then((ok) => {
                            if (ok) props.onSelect(row.conversationId);
                          });
                        }}
                        data-testid="queue-pick"
                      >
                        {t('queue.pick')}
                      </button>
                    )}
                    {props.supervisor && (
                      <button
                        type="button"
                        class="btn small"
                        onClick={() => {
                          void store.takeOver(row.conversationId).then((ok) => {
                            if (ok) props.onSelect(row.conversationId);
                          });
                        }}
                      >
                        {t('action.takeOver')}
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))
      )}
      {props.queueKnown && !waiting && props.offered.length === 0 && <p class="empty">{t('queue.empty')}</p>}
    </div>
  );
}
