/**
 * What the widget keeps in localStorage, one entry per widget key, so the conversation survives page
 * navigations and is shared with the visitor's other tabs. Every change re-reads the stored entry first
 * (read-modify-write), so two tabs editing the outbox do not undo each other's changes.
 */

/** A message the visitor wrote that the gateway has not acknowledged yet: resent (same id) after a reload. */
export interface OutboxEntry {
  clientMsgId: string;
  conversationId: string;
  text: string;
  atMs: number;
}

export interface SavedState {
  token: string;
  visitorId: string;
  conversationId: string;
  /** The panel was open when the visitor left the page. */
  open: boolean;
  /** Answers to the pre-chat (or offline) form: sent as the visitor context with every new session. */
  profile: Record<string, string> | undefined;
  outbox: OutboxEntry[];
  /** Conversations rated or whose offline form was sent, so a reload does not ask again. */
  rated: string[];
  leftMessage: string[];
}

/** The part of Storage the widget uses (localStorage, or an in-memory stand-in). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const VERSION = 1;
/** Conversation ids remembered in `rated`/`leftMessage`; older ones are forgotten. */
const MAX_REMEMBERED = 20;
const MAX_OUTBOX = 50;

export function emptyState(): SavedState {
  return {
    token: '',
    visitorId: '',
    conversationId: '',
    open: false,
    profile: undefined,
    outbox: [],
    rated: [],
    leftMessage: [],
  };
}

export function storageKey(widgetKey: string): string {
  return `switchboard:${widgetKey}`;
}

/** The saved state in a stored string; anything unreadable or of another version is an empty state. */
export function parseState(raw: string | null): SavedState {
  const state = emptyState();
  if (raw === null) return state;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return state;
  }
  if (!isRecord(json) || json['v'] !== VERSION) return state;
  state.token = str(json['token']);
  state.visitorId = str(json['visitorId']);
  state.conversationId = str(json['conversationId']);
  state.open = json['open'] === true;
  const profile = json['profile'];
  if (isRecord(profile)) {
    state.profile = Object.fromEntries(
      Object.entries(profile).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  state.outbox = (Array.isArray(json['outbox']) ? (json['outbox'] as unknown[]) : []).flatMap(
    (e): OutboxEntry[] =>
      isRecord(e) &&
      typeof e['clientMsgId'] === 'string' &&
      typeof e['conversationId'] === 'string' &&
      typeof e['text'] === 'string' &&
      typeof e['atMs'] === 'number'
        ? [
            {
              clientMsgId: e['clientMsgId'],
              conversationId: e['conversationId'],
              text: e['text'],
              atMs: e['atMs'],
            },
          ]
        : [],
  );
  state.rated = strings(json['rated']);
  state.leftMessage = strings(json['leftMessage']);
  return state;
}

export function serializeState(state: SavedState): string {
  return JSON.stringify({
    v: VERSION,
    ...state,
    outbox: state.outbox.slice(-MAX_OUTBOX),
    rated: state.rated.slice(-MAX_REMEMBERED),
    leftMessage: state.leftMessage.slice(-MAX_REMEMBERED),
  });
}

/** The widget's persisted state for one widget key. Storage failures (private mode, quota) are ignored. */
export class WidgetStore {
  readonly key: string;
  readonly #store: KeyValueStore | undefined;
  /** Used when storage is unavailable, so the widget still works for this page. */
  #memory = emptyState();

  constructor(store: KeyValueStore | undefined, widgetKey: string) {
    this.#store = store;
    this.key = storageKey(widgetKey);
  }

  load(): SavedState {
    if (this.#store === undefined) return copyState(this.#memory);
    try {
      return parseState(this.#store.getItem(this.key));
    } catch {
      return copyState(this.#memory);
    }
  }

  /** Applies `change` to the freshly read state, stores it and returns it. */
  update(change: (state: SavedState) => void): SavedState {
    const state = this.load();
    change(state);
    this.#memory = copyState(state);
    try {
      this.#store?.setItem(this.key, serializeState(state));
    } catch {
      // Quota or a disabled storage: the in-memory copy keeps this page working.
    }
    return state;
  }

  addToOutbox(entry: OutboxEntry): void {
    this.update((s) => {
      if (!s.outbox.some((e) => e.clientMsgId === entry.clientMsgId)) s.outbox.push(entry);
    });
  }

  removeFromOutbox(clientMsgId: string): void {
    this.update((s) => {
      s.outbox = s.outbox.filter((e) => e.clientMsgId !== clientMsgId);
    });
  }
}

function copyState(s: SavedState): SavedState {
  return parseState(serializeState(s));
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
