import type { AgentStatusName } from '@switchboard/client';
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { ConsoleState } from '../console-store';
import { initials } from '../domain/format';
import { canAskNotificationPermission } from './attention';
import { useI18n, useStore } from './context';
import { BellIcon } from './icons';
import { LangToggle } from './LangToggle';

const STATUSES: readonly AgentStatusName[] = ['online', 'away', 'offline'];

export function Header(props: {
  state: ConsoleState;
  view: 'inbox' | 'admin';
  onNavigate: (view: 'inbox' | 'admin') => void;
  onLogout: () => void;
}): JSX.Element {
  const { t } = useI18n();
  const { me, alerts } = props.state;
  const isAdmin = me.role === 'admin';
  return (
    <header class="topbar">
      <div class="brand">
        <span class="brand-mark" aria-hidden="true">
          ◆
        </span>
        Switchboard
      </div>
      <nav class="topnav" aria-label="Main">
        <button
          type="button"
          class={`topnav-item${props.view === 'inbox' ? ' active' : ''}`}
          aria-current={props.view === 'inbox' ? 'page' : undefined}
          onClick={() => {
            props.onNavigate('inbox');
          }}
          data-testid="nav-inbox"
        >
          {t('nav.inbox')}
          {alerts.length > 0 && <span class="badge alert">{alerts.length}</span>}
        </button>
        {isAdmin && (
          <button
            type="button"
            class={`topnav-item${props.view === 'admin' ? ' active' : ''}`}
            aria-current={props.view === 'admin' ? 'page' : undefined}
            onClick={() => {
              props.onNavigate('admin');
            }}
            data-testid="nav-admin"
          >
            {t('nav.admin')}
          </button>
        )}
      </nav>
      <div class="topbar-spacer" />
      <StatusControl status={props.state.status} />
      <NotificationButton />
      <LangToggle />
      <div class="me" title={t('nav.signedInAs', { name: me.displayName, role: t(`role.${me.role}`) })}>
        <span class="avatar small" aria-hidden="true">
          {initials(me.displayName)}
        </span>
        <span class="me-name" data-testid="me-name">
          {me.displayName}
        </span>
      </div>
      <button type="button" class="btn ghost small" onClick={props.onLogout} data-testid="logout">
        {t('nav.logout')}
      </button>
    </header>
  );
}

function StatusControl(props: { status: AgentStatusName | undefined }): JSX.Element {
  const { t } = useI18n();
  const store = useStore();
  return (
    <div class="status-control" role="radiogroup" aria-label={t('status.label')} data-testid="status-control">
      {STATUSES.map((s) => (
        <button
          key={s}
          type="button"
          role="radio"
          aria-checked={props.status === s}
          class={`status-option status-${s}${props.status === s ? ' active' : ''}`}
          onClick={() => {
            void store.setStatus(s);
          }}
          data-testid={`status-${s}`}
        >
          <span class="dot" aria-hidden="true" />
          {t(`status.${s}`)}
        </button>
      ))}
    </div>
  );
}

/** Asks for desktop notifications on a click (browsers ignore or punish asking on load). */
function NotificationButton(): JSX.Element | null {
  const { t } = useI18n();
  const [askable, setAskable] = useState(canAskNotificationPermission);
  if (!askable) return null;
  return (
    <button
      type="button"
      class="btn ghost small"
      title={t('notify.enableTitle')}
      onClick={() => {
        void Notification.requestPermission().finally(() => {
          setAskable(canAskNotificationPermission());
        });
      }}
      data-testid="notify-enable"
    >
      <BellIcon />
      {t('notify.enable')}
    </button>
  );
}
