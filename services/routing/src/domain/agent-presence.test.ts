import { AgentStatus } from '@switchboard/proto';
import { presence, T } from '../testing/fixtures';
import { AgentPresenceBook } from './agent-presence';

function status(s: AgentStatus) {
  return { tenantId: T, agentId: 'a1', status: s, atMs: 0 };
}

describe('AgentPresenceBook', () => {
  it('isOnline - online while some gateway reported sockets within the TTL', () => {
    const book = new AgentPresenceBook(1000);
    expect(book.isOnline(T, 'a1', 0)).toBe(false);
    book.applyPresence(presence('a1'), 0);
    expect(book.isOnline(T, 'a1', 1000)).toBe(true);
    expect(book.isOnline(T, 'a1', 1001)).toBe(false);
  });

  it('isOnline - several gateways: offline only when the last one says so', () => {
    const book = new AgentPresenceBook(1000);
    book.applyPresence(presence('a1', true, 'g1'), 0);
    book.applyPresence(presence('a1', true, 'g2'), 0);
    book.applyPresence(presence('a1', false, 'g1'), 10);
    expect(book.isOnline(T, 'a1', 20)).toBe(true);
    book.applyPresence(presence('a1', false, 'g2'), 30);
    expect(book.isOnline(T, 'a1', 40)).toBe(false);
  });

  it('isOnline - an agent who chose away is not online; online or no record is', () => {
    const book = new AgentPresenceBook(1000);
    book.applyPresence(presence('a1'), 0);
    book.applyStatus(T, 'a1', status(AgentStatus.AGENT_STATUS_AWAY));
    expect(book.isOnline(T, 'a1', 1)).toBe(false);
    expect(book.connected(T, 'a1', 1)).toBe(true);
    book.applyStatus(T, 'a1', status(AgentStatus.AGENT_STATUS_ONLINE));
    expect(book.isOnline(T, 'a1', 1)).toBe(true);
    book.applyStatus(T, 'a1', status(AgentStatus.AGENT_STATUS_AWAY));
    book.applyStatus(T, 'a1', undefined);
    expect(book.isOnline(T, 'a1', 1)).toBe(true);
  });

  it('isOnline - tenants are kept apart', () => {
    const book = new AgentPresenceBook(1000);
    book.applyPresence(presence('a1', true, 'g1', 'other'), 0);
    expect(book.isOnline(T, 'a1', 1)).toBe(false);
  });
});
