import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { type AgentSession, ApiError, login } from '../api';
import { describe } from '../console-store';
import type { MessageKey } from '../i18n';
import { useI18n } from './context';
import { LangToggle } from './LangToggle';

export function LoginView(props: {
  gatewayUrl: string;
  notice: MessageKey | undefined;
  onLogin: (session: AgentSession) => void;
}): JSX.Element {
  const { t } = useI18n();
  const [tenantId, setTenantId] = useState('demo');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = (e: Event): void => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    login(props.gatewayUrl, { tenantId: tenantId.trim(), email: email.trim(), password }).then(
      (session) => {
        props.onLogin(session);
      },
      (err: unknown) => {
        setBusy(false);
        setError(
          err instanceof ApiError && err.unauthenticated
            ? t('login.badCredentials')
            : t('login.failed', { detail: describe(err) }),
        );
      },
    );
  };

  return (
    <div class="login-page">
      <form class="login-card" onSubmit={submit} data-testid="login-form">
        <div class="login-head">
          <div class="brand">
            <span class="brand-mark" aria-hidden="true">
              ◆
            </span>
            Switchboard
          </div>
          <LangToggle />
        </div>
        <h1>{t('login.title')}</h1>
        {props.notice !== undefined && (
          <p class="login-notice" role="status">
            {t(props.notice)}
          </p>
        )}
        <label>
          {t('login.tenant')}
          <input
            name="tenant"
            value={tenantId}
            autoComplete="organization"
            required
            onInput={(e) => {
              setTenantId(e.currentTarget.value);
            }}
            data-testid="login-tenant"
          />
        </label>
        <label>
          {t('login.email')}
          <input
            name="email"
            type="email"
            value={email}
            autoComplete="username"
            required
            autoFocus
            onInput={(e) => {
              setEmail(e.currentTarget.value);
            }}
            data-testid="login-email"
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            value={password}
            autoComplete="current-password"
            required
            onInput={(e) => {
              setPassword(e.currentTarget.value);
            }}
            data-testid="login-password"
          />
        </label>
        {error !== undefined && (
          <p class="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button class="btn primary block" type="submit" disabled={busy} data-testid="login-submit">
          {busy ? t('login.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
