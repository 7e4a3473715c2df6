import type { AgentSession } from './api';
import { clearSession, type KeyValueStore, loadSession, safeStore, saveSession } from './saved-session';

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => data.set(k, v),
    removeItem: (k) => data.delete(k),
  };
}

const session: AgentSession = {
  token: 'jwt',
  tenantId: 'demo',
  agentId: 'a1',
  displayName: 'Bob',
  role: 'agent',
  expiresAtMs: 1_000_000,
};

describe('saved session', () => {
  it('saved session - round-trips until shortly before it expires', () => {
    const store = memory();
    saveSession(store, session);
    expect(loadSession(store, 0)).toEqual(session);
    expect(loadSession(store, 1_000_000 - 10_000)).toBeUndefined();
    expect(store.data.size).toBe(0);
  });

  it('saved session - junk or a missing field reads as signed out', () => {
    const store = memory();
    store.setItem('switchboard.console.session', '{not json');
    expect(loadSession(store, 0)).toBeUndefined();
    store.setItem('switchboard.console.session', JSON.stringify({ ...session, role: 'root' }));
    expect(loadSession(store, 0)).toBeUndefined();
    saveSession(store, session);
    clearSession(store);
    expect(loadSession(store, 0)).toBeUndefined();
  });

  it('safeStore - keeps working in memory when the real storage throws', () => {
    const store = safeStore(() => {
      throw new Error('SecurityError');
    });
    store.setItem('k', 'v');
    expect(store.getItem('k')).toBe('v');
    store.removeItem('k');
    expect(store.getItem('k')).toBeNull();
  });
});
