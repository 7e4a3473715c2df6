import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { AgentSession } from '../api';
import type { ConsoleConfig } from '../config';
import { detectLang, isLang, type Lang, type MessageKey } from '../i18n';
import { clearSession, loadSession, saveSession } from '../saved-session';
import { ConsoleApp } from './ConsoleApp';
import { I18nContext, makeI18n } from './context';
import { LoginView } from './LoginView';
import { localStore, sessionStore } from './storage';

const LANG_KEY = 'switchboard.console.lang';

function initialLang(): Lang {
  const saved = localStore.getItem(LANG_KEY);
  if (isLang(saved)) return saved;
  return detectLang(navigator.languages.length > 0 ? navigator.languages : [navigator.language]);
}

/** Language and login: the login page, or the console for the signed-in agent. */
export function Root(props: { config: ConsoleConfig }): JSX.Element {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<AgentSession | undefined>(() =>
    loadSession(sessionStore, Date.now()),
  );
  const [notice, setNotice] = useState<MessageKey | undefined>(undefined);

  const i18n = useMemo(
    () =>
      makeI18n(lang, (next) => {
        localStore.setItem(LANG_KEY, next);
        setLangState(next);
      }),
    [lang],
  );

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const onLogin = (s: AgentSession): void => {
    saveSession(sessionStore, s);
    setNotice(undefined);
    setSession(s);
  };
  const onLogout = (expired: boolean): void => {
    clearSession(sessionStore);
    setNotice(expired ? 'login.expired' : undefined);
    setSession(undefined);
  };

  return (
    <I18nContext.Provider value={i18n}>
      {session === undefined ? (
        <LoginView gatewayUrl={props.config.gatewayUrl} notice={notice} onLogin={onLogin} />
      ) : (
        <ConsoleApp key={session.token} config={props.config} session={session} onLogout={onLogout} />
      )}
    </I18nContext.Provider>
  );
}
