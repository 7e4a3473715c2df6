import type { AgentSession } from './api';

/** The part of the Web Storage API the console uses (sessionStorage, localStorage, or a test fake). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const SESSION_KEY = 'switchboard.console.session';

/**
 * The login survives a reload of the tab (sessionStorage), not a new tab or a closed browser: the JWT is a
 * bearer credential, so it is kept no longer than the tab.
 */
export function loadSession(store: KeyValueStore, nowMs: number): AgentSession | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(store.getItem(SESSION_KEY) ?? 'null');
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const s = {
    token: o['token'],
    tenantId: o['tenantId'],
    agentId: o['agentId'],
    displayName: o['displayName'],
    role: o['role'],
    expiresAtMs: o['expiresAtMs'],
  };
  if (
    typeof s.token !== 'string' ||
    s.token === '' ||
    typeof s.tenantId !== 'string' ||
    typeof s.agentId !== 'string' ||
    typeof s.displayName !== 'string' ||
    (s.role !== 'agent' && s.role !== 'supervisor' && s.role !== 'admin') ||
    typeof s.expiresAtMs !== 'number'
  ) {
    return undefined;
  }
  // A token about to expire would fail the first Hello anyway.
  if (s.expiresAtMs > 0 && s.expiresAtMs - 30_000 <= nowMs) {
    store.removeItem(SESSION_KEY);
    return undefined;
  }
  return {
    token: s.token,
    tenantId: s.tenantId,
    agentId: s.agentId,
    displayName: s.displayName,
    role: s.role,
    expiresAtMs: s.expiresAtMs,
  };
}

export function saveSession(store: KeyValueStore, session: AgentSession): void {
  store.setItem(SESSION_KEY, JSON.stringify(session));
}

export function clearSession(store: KeyValueStore): void {
  store.removeItem(SESSION_KEY);
}

/** Storage that may be missing or refuse writes (private modes, quotas): never throws. */
export function safeStore(get: () => KeyValueStore | undefined): KeyValueStore {
  const memory = new Map<string, string>();
  const real = (): KeyValueStore | undefined => {
    try {
      return get();
    } catch {
      return undefined;
    }
  };
  return {
    getItem(key) {
      try {
        return real()?.getItem(key) ?? memory.get(key) ?? null;
      } catch {
        return memory.get(key) ?? null;
      }
    },
    setItem(key, value) {
      memory.set(key, value);
      try {
        real()?.setItem(key, value);
      } catch {
        // memory keeps it for this page
      }
    },
    removeItem(key) {
      memory.delete(key);
      try {
        real()?.removeItem(key);
      } catch {
        // nothing to remove
      }
    },
  };
}
