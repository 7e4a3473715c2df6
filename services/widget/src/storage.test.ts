import { emptyState, type KeyValueStore, parseState, serializeState, WidgetStore } from './storage';

class MemoryStore implements KeyValueStore {
  readonly data = new Map<string, string>();
  getItem(key: string): string | null {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.data.set(key, value);
  }
  removeItem(key: string): void {
    this.data.delete(key);
  }
}

const entry = (n: number) => ({ clientMsgId: `m${n}`, conversationId: 'c1', text: `text ${n}`, atMs: n });

describe('storage', () => {
  test('WidgetStore - keeps one entry per widget key', () => {
    const store = new MemoryStore();
    const a = new WidgetStore(store, 'key-a');
    const b = new WidgetStore(store, 'key-b');
    a.update((s) => {
      s.token = 'ta';
      s.open = true;
    });
    expect(a.load()).toMatchObject({ token: 'ta', open: true });
    expect(b.load()).toEqual(emptyState());
    expect([...store.data.keys()]).toEqual(['switchboard:key-a']);
  });

  test('WidgetStore - outbox changes re-read the stored state, so two tabs do not undo each other', () => {
    const store = new MemoryStore();
    const tab1 = new WidgetStore(store, 'k');
    const tab2 = new WidgetStore(store, 'k');
    tab1.addToOutbox(entry(1));
    tab2.addToOutbox(entry(2));
    tab1.addToOutbox(entry(1));
    expect(tab2.load().outbox.map((e) => e.clientMsgId)).toEqual(['m1', 'm2']);
    tab2.removeFromOutbox('m1');
    expect(tab1.load().outbox.map((e) => e.clientMsgId)).toEqual(['m2']);
  });

  test('WidgetStore - works in memory when storage is missing or throws', () => {
    const throwing: KeyValueStore = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => undefined,
    };
    for (const backing of [undefined, throwing]) {
      const store = new WidgetStore(backing, 'k');
      store.update((s) => {
        s.conversationId = 'c1';
      });
      store.addToOutbox(entry(1));
      expect(store.load()).toMatchObject({ conversationId: 'c1', outbox: [entry(1)] });
    }
  });

  test('parseState - anything unreadable, foreign or of another version is an empty state', () => {
    for (const raw of [null, '', 'not json', '[]', '{"v":2,"token":"t"}', '{"token":"t"}']) {
      expect(parseState(raw)).toEqual(emptyState());
    }
  });

  test('parseState - drops mistyped members and keeps the rest', () => {
    const raw = JSON.stringify({
      v: 1,
      token: 't',
      visitorId: 7,
      conversationId: 'c1',
      open: 'yes',
      profile: { name: 'Ann', age: 3 },
      outbox: [entry(1), { clientMsgId: 'x' }, null],
      rated: ['c0', 5],
      leftMessage: 'c1',
    });
    expect(parseState(raw)).toEqual({
      token: 't',
      visitorId: '',
      conversationId: 'c1',
      open: false,
      profile: { name: 'Ann' },
      outbox: [entry(1)],
      rated: ['c0'],
      leftMessage: [],
    });
  });

  test('serializeState - round-trips, and keeps only the newest remembered ids and outbox entries', () => {
    const state = { ...emptyState(), token: 't', profile: { name: 'Ann' } };
    state.rated = Array.from({ length: 30 }, (_, i) => `c${i}`);
    state.outbox = Array.from({ length: 60 }, (_, i) => entry(i));
    const back = parseState(serializeState(state));
    expect(back.token).toBe('t');
    expect(back.profile).toEqual({ name: 'Ann' });
    expect(back.rated).toHaveLength(20);
    expect(back.rated[0]).toBe('c10');
    expect(back.outbox).toHaveLength(50);
    expect(back.outbox[0]?.clientMsgId).toBe('m10');
  });
});
