import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleState } from '../console-store';
import {
  type ConversationRow,
  type InboxTab,
  rowsForTab,
  unreadTotal,
  visibleTabs,
} from '../domain/conversation-list';
import { queueSections, waitingCount } from '../domain/queue';
import { useI18n, useStore } from './context';
import { ConversationItem } from './ConversationItem';
import { RefreshIcon } from './icons';
import { QueueView } from './QueueView';
import { SearchBox, SearchResults, useSearch } from './Search';
import { localStore } from './storage';

const TAB_KEY = 'switchboard.console.tab';

export function Sidebar(props: {
  state: ConsoleState;
  selectedId: string | undefined;
  onSelect: (id: string, seq?: number) => void;
}): JSX.Element {
  const { t } = useI18n();
  const store = useStore();
  const { state } = props;
  const tabs = visibleTabs(state.supervisor);
  const [tab, setTabState] = useState<InboxTab>(() => {
    const saved = localStore.getItem(TAB_KEY);
    return saved === 'queue' || saved === 'all' || saved === 'closed' ? saved : 'mine';
  });
  const current: InboxTab = tabs.includes(tab) ? tab : 'mine';
  const setTab = (next: InboxTab): void => {
    localStore.setItem(TAB_KEY, next);
    setTabState(next);
  };
  const search = useSearch(store.api);

  // All and Closed come from REST when first shown; live updates keep them current afterwards.
  useEffect(() => {
    if ((current === 'all' || current === 'closed') && state.lists[current] === 'idle')
      void store.loadList(current);
  }, [current, state.lists, store]);

  const inputs = {
    records: state.records,
    timelines: state.timelines,
    unread: state.unread,
    visitorNames: state.visitorNames,
    me: state.me.agentId,
    supervisor: state.supervisor,
    unnamed: t('sender.visitor'),
  };
  const mine = rowsForTab('mine', inputs);
  const myGroupIds = state.agents?.find((a) => a.id === state.me.agentId)?.groupIds;
  const groupNames = Object.fromEntries((state.groups ?? []).map((g) => [g.id, g.name]));
  const sections = queueSections(state.queue, { myGroupIds, supervisor: state.supervisor, groupNames });
  const offered = mine.filter((r) => r.offered);
  const counts: Record<InboxTab, number> = {
    mine: unreadTotal(mine),
    queue: waitingCount(sections) + offered.length,
    all: 0,
    closed: 0,
  };

  return (
    <aside class="sidebar" aria-label={t('list.label')} data-testid="sidebar">
      <SearchBox search={search} />
      {search.query !== '' ? (
        <SearchResults search={search} records={state.records} onOpen={props.onSelect} />
      ) : (
        <>
          <div class="tabs" role="tablist">
            {tabs.map((name) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={current === name}
                class={`tab${current === name ? ' active' : ''}`}
                onClick={() => {
                  setTab(name);
                }}
                data-testid={`tab-${name}`}
              >
                {t(`tabs.${name}`)}
                {counts[name] > 0 && (
                  <span class={`badge${name === 'queue' && offered.length > 0 ? ' alert' : ''}`}>
                    {counts[name]}
                  </span>
                )}
              </button>
            ))}
          </div>
          {current === 'queue' ? (
            <QueueView
              sections={sections}
              offered={offered}
              queueKnown={state.queue !== undefined}
              supervisor={state.supervisor}
              selectedId={props.selectedId}
              onSelect={props.onSelect}
            />
          ) : (
            <ConversationList
              tab={current}
              rows={current === 'mine' ? mine : rowsForTab(current, inputs)}
              loading={current !== 'mine' && state.lists[current] === 'loading'}
              selectedId={props.selectedId}
              me={state.me.agentId}
              onSelect={props.onSelect}
              onRefresh={
                current === 'mine'
                  ? undefined
                  : () => {
                      void store.loadList(current);
                    }
              }
            />
          )}
        </>
      )}
    </aside>
  );
}

function ConversationList(props: {
  tab: InboxTab;
  rows: readonly ConversationRow[];
  loading: boolean;
  selectedId: string | undefined;
  me: string;
  onSelect: (id: string) => void;
  onRefresh: (() => void) | undefined;
}): JSX.Element {
  const { t } = useI18n();
  const emptyKey =
    props.tab === 'all' ? 'list.emptyAll' : props.tab === 'closed' ? 'list.emptyClosed' : 'list.emptyMine';
  return (
    <div class="list-wrap">
      {props.onRefresh !== undefined && (
        <div class="list-tools">
          <button type="button" class="btn ghost small" onClick={props.onRefresh} disabled={props.loading}>
            <RefreshIcon />
            {t('list.refresh')}
          </button>
        </div>
      )}
      {props.loading && props.rows.length === 0 ? (
        <p class="empty">{t('list.loading')}</p>
      ) : props.rows.length === 0 ? (
        <p class="empty" data-testid="list-empty">
          {t(emptyKey)}
        </p>
      ) : (
        <ul class="conv-list" data-testid={`list-${props.tab}`}>
          {props.rows.map((row) => (
            <ConversationItem
              key={row.record.id}
              row={row}
              me={props.me}
              selected={row.record.id === props.selectedId}
              onSelect={props.onSelect}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
