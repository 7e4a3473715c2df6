import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { ConsoleState, ConsoleStore } from '../console-store';
import { type Lang, localeOf, type MessageKey, translate, type Vars } from '../i18n';
import { parseRoute, type Route, routeHash } from '../route';

export interface I18n {
  lang: Lang;
  locale: string;
  t: (key: MessageKey, vars?: Vars) => string;
  setLang: (lang: Lang) => void;
}

export function makeI18n(lang: Lang, setLang: (lang: Lang) => void): I18n {
  return { lang, locale: localeOf(lang), t: (key, vars) => translate(lang, key, vars), setLang };
}

export const I18nContext = createContext<I18n>(makeI18n('en', () => undefined));

export function useI18n(): I18n {
  return useContext(I18nContext);
}

export const StoreContext = createContext<ConsoleStore | undefined>(undefined);

export function useStore(): ConsoleStore {
  const store = useContext(StoreContext);
  if (store === undefined) throw new Error('useStore outside a StoreContext');
  return store;
}

/** The store's state, re-rendering on every (batched) change. */
export function useConsoleState(store: ConsoleStore): ConsoleState {
  const [state, setState] = useState(store.state);
  useEffect(() => {
    setState(store.state);
    return store.subscribe(() => {
      setState(store.state);
    });
  }, [store]);
  return state;
}

/** The current time, refreshed every `intervalMs` (live wait clocks). */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => {
      setNow(Date.now());
    }, intervalMs);
    return () => {
      clearInterval(timer);
    };
  }, [intervalMs]);
  return now;
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = (): void => {
      setRoute(parseRoute(location.hash));
    };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
    };
  }, []);
  const navigate = (next: Route): void => {
    const hash = routeHash(next);
    if (location.hash !== hash) location.hash = hash;
    setRoute(next);
  };
  return [route, navigate];
}
