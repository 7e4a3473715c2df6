import type { JSX } from 'preact';
import type { ConsoleState } from '../console-store';
import { useI18n, useStore } from './context';

/** Says when the console is not live: connecting, reconnecting, disconnected, or offline by choice. */
export function ConnectionBanner(props: { state: ConsoleState }): JSX.Element | null {
  const { t } = useI18n();
  const store = useStore();
  const { connection, reconnectAttempt, connectionError, offline } = props.state;

  if (offline) {
    return (
      <div class="banner offline" role="status" data-testid="connection-banner">
        {t('conn.offline')}
        <button
          type="button"
          class="btn small"
          onClick={() => {
            void store.setStatus('online');
          }}
        >
          {t('conn.goOnline')}
        </button>
      </div>
    );
  }
  if (connection === 'open' || connection === 'closing') return null;
  if (connection === 'reconnecting') {
    return (
      <div class="banner warn" role="status" data-testid="connection-banner">
        {t('conn.reconnecting', { attempt: Math.max(1, reconnectAttempt) })}
        <button
          type="button"
          class="btn small"
          onClick={() => {
            store.reconnectNow();
          }}
        >
          {t('conn.retryNow')}
        </button>
      </div>
    );
  }
  if (connectionError !== undefined) {
    return (
      <div class="banner error" role="alert" data-testid="connection-banner">
        {t('conn.closed', { reason: connectionError })}
        <button
          type="button"
          class="btn small"
          onClick={() => {
            store.reconnectNow();
          }}
        >
          {t('conn.reconnect')}
        </button>
      </div>
    );
  }
  return (
    <div class="banner info" role="status" data-testid="connection-banner">
      {t('conn.connecting')}
    </div>
  );
}
