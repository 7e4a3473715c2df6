/**
 * The conversation as the visitor sees it: delivered messages in seq order, the visitor's own messages from
 * the moment they are written (pending, then sent, or failed), and local notices ("Bob joined"). Pure
 * bookkeeping; the view renders `items()`.
 *
 * Own messages are keyed by their client_msg_id from the start, so the pending bubble, its ack and its
 * delivery (possibly in another tab) are one item; everyone else's messages are keyed by seq.
 */

import type { RoleName } from '@switchboard/client';

export type SenderRole = RoleName;
export type SendStatus = 'pending' | 'sent' | 'failed';

export interface ThreadMessage {
  readonly kind: 'message';
  readonly key: string;
  readonly own: boolean;
  readonly role: SenderRole;
  readonly name: string;
  readonly text: string;
  readonly clientMsgId: string;
  /** 0 until the gateway stored it. */
  readonly seq: number;
  readonly atMs: number;
  readonly status: SendStatus;
  /** Bumped on every change: the view re-renders an item when it differs. */
  readonly version: number;
}

export interface ThreadNotice {
  readonly kind: 'notice';
  readonly key: string;
  readonly text: string;
  /** Shown after this seq (and after earlier notices at the same seq). */
  readonly afterSeq: number;
  readonly version: number;
}

export type ThreadItem = ThreadMessage | ThreadNotice;

/** A delivered message, reduced to what the thread needs. */
export interface IncomingMessage {
  seq: number;
  clientMsgId: string;
  senderId: string;
  role: SenderRole;
  name: string;
  text: string;
  atMs: number;
}

interface Entry {
  item: ThreadItem;
  /** Insertion order, to keep pending messages and same-seq notices in the order they came. */
  tie: number;
}

export class Thread {
  readonly #entries = new Map<string, Entry>();
  #ownId = '';
  #tie = 0;
  #sorted: ThreadItem[] | undefined;

  /** The visitor's participant id: their messages delivered from other tabs count as own. */
  setOwnId(ownId: string): void {
    this.#ownId = ownId;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Every item in display order: by seq, notices after their seq, unsent messages last. */
  items(): readonly ThreadItem[] {
    this.#sorted ??= [...this.#entries.values()]
      .sort((a, b) => order(a.item) - order(b.item) || a.tie - b.tie)
      .map((e) => e.item);
    return this.#sorted;
  }

  get(key: string): ThreadItem | undefined {
    return this.#entries.get(key)?.item;
  }

  /** A delivered (or fetched) message; false when it was already shown. */
  deliver(m: IncomingMessage): boolean {
    const own = this.#ownId !== '' && m.senderId === this.#ownId;
    const key = own && m.clientMsgId !== '' ? ownKey(m.clientMsgId) : `s:${m.seq}`;
    const existing = this.#entries.get(key)?.item;
    if (existing?.kind === 'message') {
      if (existing.seq === m.seq && existing.status === 'sent') return false;
      this.#put({ ...existing, seq: m.seq, atMs: m.atMs || existing.atMs, status: 'sent' });
      return true;
    }
    if (existing !== undefined) return false;
    this.#put({
      kind: 'message',
      key,
      own,
      role: own ? 'visitor' : m.role,
      name: m.name,
      text: m.text,
      clientMsgId: m.clientMsgId,
      seq: m.seq,
      atMs: m.atMs,
      status: 'sent',
      version: 0,
    });
    return true;
  }

  /** The visitor wrote a message: shown at once, pending until acknowledged. */
  addPending(clientMsgId: string, text: string, atMs: number): void {
    const key = ownKey(clientMsgId);
    const existing = this.#entries.get(key)?.item;
    if (existing?.kind === 'message') {
      if (existing.status === 'failed') this.#put({ ...existing, status: 'pending' });
      return;
    }
    this.#put({
      kind: 'message',
      key,
      own: true,
      role: 'visitor',
      name: '',
      text,
      clientMsgId,
      seq: 0,
      atMs,
      status: 'pending',
      version: 0,
    });
  }

  /** The gateway stored an own message as `seq`. */
  ack(clientMsgId: string, seq: number, atMs: number): void {
    const existing = this.#entries.get(ownKey(clientMsgId))?.item;
    if (existing?.kind !== 'message' || (existing.status === 'sent' && existing.seq === seq)) return;
    this.#put({ ...existing, seq, atMs: atMs || existing.atMs, status: 'sent' });
  }

  /** An own message could not be sent (the visitor may retry it). */
  fail(clientMsgId: string): void {
    const existing = this.#entries.get(ownKey(clientMsgId))?.item;
    if (existing?.kind !== 'message' || existing.status !== 'pending') return;
    this.#put({ ...existing, status: 'failed' });
  }

  /** A local notice; a notice with the same key is replaced (and keeps its place). */
  notice(key: string, text: string, afterSeq: number): void {
    const existing = this.#entries.get(`n:${key}`)?.item;
    if (existing?.kind === 'notice' && existing.text === text) return;
    this.#put({
      kind: 'notice',
      key: `n:${key}`,
      text,
      afterSeq: existing?.kind === 'notice' ? existing.afterSeq : afterSeq,
      version: 0,
    });
  }

  /** The lowest seq shown; 0 when none is. */
  firstSeq(): number {
    let first = 0;
    for (const { item } of this.#entries.values()) {
      if (item.kind === 'message' && item.seq > 0 && (first === 0 || item.seq < first)) first = item.seq;
    }
    return first;
  }

  /** The highest seq shown; 0 when none is. */
  lastSeq(): number {
    let last = 0;
    for (const { item } of this.#entries.values()) {
      if (item.kind === 'message' && item.seq > last) last = item.seq;
    }
    return last;
  }

  /** The newest own message the other side has read (seq <= readSeq): where the "Read" mark goes. */
  lastReadOwn(readSeq: number): ThreadMessage | undefined {
    let found: ThreadMessage | undefined;
    for (const { item } of this.#entries.values()) {
      if (item.kind !== 'message' || !item.own || item.seq === 0 || item.seq > readSeq) continue;
      if (found === undefined || item.seq > found.seq) found = item;
    }
    return found;
  }

  clear(): void {
    this.#entries.clear();
    this.#sorted = undefined;
  }

  #put(item: ThreadItem): void {
    const existing = this.#entries.get(item.key);
    const version = existing === undefined ? 0 : existing.item.version + 1;
    this.#entries.set(item.key, { item: { ...item, version }, tie: existing?.tie ?? this.#tie++ });
    this.#sorted = undefined;
  }
}

function ownKey(clientMsgId: string): string {
  return `o:${clientMsgId}`;
}

function order(item: ThreadItem): number {
  if (item.kind === 'notice') return item.afterSeq + 0.5;
  return item.seq === 0 ? Number.MAX_SAFE_INTEGER : item.seq;
}
