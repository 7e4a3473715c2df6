import { gatewayWebSocketUrl, SwitchboardClient } from '@switchboard/client';
import type { JSX } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AdminPages } from '../admin/AdminPages';
import { type AgentSession, ConsoleApi } from '../api';
import type { ConsoleConfig } from '../config';
import { ConsoleStore } from '../console-store';
import { inboxRoute } from '../route';
import { BrowserOfferSignals, useTitleBlink } from './attention';
import { ChatPane } from './ChatPane';
import { ConnectionBanner } from './ConnectionBanner';
import { ContextPanel } from './ContextPanel';
import { StoreContext, useConsoleState, useI18n, useRoute } from './context';
import { Header } from './Header';
import { Sidebar } from './Sidebar';
import { Toasts } from './Toasts';
import { localStore } from './storage';

const CONTEXT_KEY = 'switchboard.console.context-collapsed';

/** The signed-in console: one SDK client and one store for the agent's session. */
export function ConsoleApp(props: {
  config: ConsoleConfig;
  session: AgentSession;
  onLogout: (expired: boolean) => void;
}): JSX.Element {
  const i18n = useI18n();
  const i18nRef = useRef(i18n);
  i18nRef.current = i18n;
  const [route, navigate] = useRoute();
  const navigateRef = useRef(navigate);
  navigateRef.current = navigate;

  const store = useMemo(() => {
    const { config, session } = props;
    const client = new SwitchboardClient({
      url: gatewayWebSocketUrl(config.gatewayUrl),
      token: session.token,
      clientName: 'switchboard-console',
      backfillLimit: config.pageSize,
    });
    // The REST client exists before the store it reports a refused token to.
    const holder: { store?: ConsoleStore } = {};
    const api = new ConsoleApi({
      baseUrl: config.gatewayUrl,
      token: session.token,
      onUnauthenticated: () => holder.store?.expire(),
    });
    const signals = new BrowserOfferSignals(
      () => ({
        title: i18nRef.current.t('notify.newConversation'),
        body: (name) =>
          i18nRef.current.t('notify.offerBody', { name: name || i18nRef.current.t('sender.visitor') }),
      }),
      (id) => {
        navigateRef.current(inboxRoute(id));
      },
    );
    holder.store = new ConsoleStore({ session, client, api, pageSize: config.pageSize, signals });
    return holder.store;
    // One store per login: the session never changes for this component (it is keyed by the token).
  }, []);

  useEffect(() => {
    store.start();
    return () => {
      void store.stop();
    };
  }, [store]);

  const state = useConsoleState(store);
  const { onLogout } = props;
  useEffect(() => {
    if (state.expired) onLogout(true);
  }, [state.expired, onLogout]);

  useTitleBlink(state.alerts.length, i18n.t('app.title'), i18n.t('notify.newConversation'));

  const [contextCollapsed, setContextCollapsed] = useState(() => localStore.getItem(CONTEXT_KEY) === '1');
  const toggleContext = (): void => {
    localStore.setItem(CONTEXT_KEY, contextCollapsed ? '0' : '1');
    setContextCollapsed(!contextCollapsed);
  };

  const logout = (): void => {
    void store.stop().finally(() => {
      onLogout(false);
    });
  };

  const selectedId = route.view === 'inbox' ? route.conversationId : undefined;
  const focusSeq = route.view === 'inbox' ? route.seq : undefined;

  return (
    <StoreContext.Provider value={store}>
      <div class="app" data-testid="console">
        <Header
          state={state}
          view={route.view}
          onNavigate={(view) => {
            navigate(view === 'admin' ? { view: 'admin' } : inboxRoute(selectedId));
          }}
          onLogout={logout}
        />
        <ConnectionBanner state={state} />
        {route.view === 'admin' && state.me.role === 'admin' ? (
          <main class="admin-main" data-testid="admin-view">
            <AdminPages baseUrl={props.config.gatewayUrl} token={props.session.token} lang={i18n.lang} />
          </main>
        ) : (
          <main class={`inbox${contextCollapsed || selectedId === undefined ? ' context-collapsed' : ''}`}>
            <Sidebar
              state={state}
              selectedId={selectedId}
              onSelect={(id, seq) => {
                navigate(inboxRoute(id, seq));
              }}
            />
            <ChatPane
              state={state}
              conversationId={selectedId}
              focusSeq={focusSeq}
              contextCollapsed={contextCollapsed}
              onToggleContext={toggleContext}
            />
            {selectedId !== undefined && !contextCollapsed && (
              <ContextPanel
                state={state}
                conversationId={selectedId}
                onOpen={(id) => {
                  navigate(inboxRoute(id));
                }}
              />
            )}
          </main>
        )}
        <Toasts
          toasts={state.toasts}
          onDismiss={(id) => {
            store.dismissToast(id);
          }}
        />
      </div>
    </StoreContext.Provider>
  );
}
