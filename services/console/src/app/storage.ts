import { type KeyValueStore, safeStore } from '../saved-session';

/** The login (this tab only). */
export const sessionStore: KeyValueStore = safeStore(() => window.sessionStorage);
/** Preferences: language, the context panel. */
export const localStore: KeyValueStore = safeStore(() => window.localStorage);
