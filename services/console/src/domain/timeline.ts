import { roleName, type RoleName } from '@switchboard/client';
import type { ParticipantRole } from '@switchboard/proto/wire';
import { MessageKind, type UnifiedMessage } from '@switchboard/proto/wire';

export type SenderRole = RoleName;

/** One message as the console shows it. `hidden` (a note as a visitor gets it) keeps its seq but is not drawn. */
export interface ChatMessage {
  seq: number;
  clientMsgId: string;
  kind: 'text' | 'note' | 'hidden';
  senderRole: SenderRole;
  senderId: string;
  senderName: string;
  text: string;
  atMs: number;
}

/** Unspecified or unknown senders show as the system. */
export function senderRole(role: ParticipantRole | undefined): SenderRole {
  return roleName(role) ?? 'system';
}

export function messageFromUnified(m: UnifiedMessage): ChatMessage {
  let kind: ChatMessage['kind'] = 'text';
  if (m.kind === MessageKind.MESSAGE_KIND_NOTE) kind = 'note';
  else if (m.kind === MessageKind.MESSAGE_KIND_REDACTED) kind = 'hidden';
  return {
    seq: m.seq,
    clientMsgId: m.clientMsgId,
    kind,
    senderRole: senderRole(m.sender?.role),
    senderId: m.sender?.id ?? '',
    senderName: m.sender?.displayName ?? '',
    text: m.text,
    atMs: m.acceptedAtMs || m.clientSentAtMs,
  };
}

/**
 * Merges messages into a seq-ordered list without duplicates (the same seq from a delivery and a fetch is one
 * message). Pure; returns `existing` itself when nothing is new, so callers can skip a re-render.
 */
export function mergeMessages(
  existing: readonly ChatMessage[],
  incoming: readonly ChatMessage[],
): readonly ChatMessage[] {
  if (incoming.length === 0) return existing;
  const last = existing.at(-1);
  const only = incoming.length === 1 ? incoming[0] : undefined;
  // The common case: one live message after the newest.
  if (only !== undefined && (last === undefined || only.seq > last.seq)) return [...existing, only];
  const bySeq = new Map<number, ChatMessage>();
  for (const m of existing) bySeq.set(m.seq, m);
  let added = false;
  for (const m of incoming) {
    if (m.seq < 1 || bySeq.has(m.seq)) continue;
    bySeq.set(m.seq, m);
    added = true;
  }
  if (!added) return existing;
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The first hole between loaded messages (both ends inclusive), if any. */
export function firstGap(messages: readonly ChatMessage[]): { fromSeq: number; toSeq: number } | undefined {
  let prev: number | undefined;
  for (const { seq } of messages) {
    if (prev !== undefined && seq > prev + 1) return { fromSeq: prev + 1, toSeq: seq - 1 };
    prev = seq;
  }
  return undefined;
}

export interface FetchRange {
  fromSeq: number;
  /** Inclusive; 0 = up to the newest. */
  toSeq: number;
  limit: number;
}

/** The page just above the oldest loaded message; undefined once seq 1 is loaded (or nothing is). */
export function olderRange(messages: readonly ChatMessage[], pageSize: number): FetchRange | undefined {
  const oldest = messages[0]?.seq;
  if (oldest === undefined || oldest <= 1) return undefined;
  const fromSeq = Math.max(1, oldest - pageSize);
  return { fromSeq, toSeq: oldest - 1, limit: oldest - fromSeq };
}

/** True while older messages exist above what is loaded. */
export function hasOlder(messages: readonly ChatMessage[]): boolean {
  const oldest = messages[0]?.seq;
  return oldest !== undefined && oldest > 1;
}

/**
 * What to fetch so that `seq` is loaded along with a little context above it: from a few before it up to the
 * oldest loaded message (or up to the newest when nothing is loaded). Undefined when it is loaded already.
 */
export function rangeToReach(
  messages: readonly ChatMessage[],
  seq: number,
  context = 5,
): FetchRange | undefined {
  const fromSeq = Math.max(1, seq - context);
  const oldest = messages[0]?.seq;
  if (oldest === undefined) return { fromSeq, toSeq: 0, limit: 0 };
  if (oldest <= fromSeq) return undefined;
  return { fromSeq, toSeq: oldest - 1, limit: 0 };
}

/** The newest page of a conversation whose messages are not loaded yet, from its record's last seq. */
export function latestRange(lastSeq: number, pageSize: number): FetchRange {
  return { fromSeq: Math.max(1, lastSeq - pageSize + 1), toSeq: 0, limit: 0 };
}

/** The newest message that is drawn (not hidden). */
export function lastVisible(messages: readonly ChatMessage[]): ChatMessage | undefined {
  return findLast(messages, (m) => m.kind !== 'hidden');
}

export type TimelineItem =
  | { type: 'day'; key: string; dayMs: number }
  | { type: 'message'; key: string; message: ChatMessage; firstOfRun: boolean };

/** Messages with a day separator before each new local day, and runs of one sender (for compact bubbles). */
export function timelineItems(
  messages: readonly ChatMessage[],
  dayOf: (ms: number) => number,
): TimelineItem[] {
  const items: TimelineItem[] = [];
  let day: number | undefined;
  let prev: ChatMessage | undefined;
  for (const m of messages) {
    if (m.kind === 'hidden') continue;
    const d = dayOf(m.atMs);
    if (d !== day) {
      items.push({ type: 'day', key: `day-${d}`, dayMs: d });
      day = d;
      prev = undefined;
    }
    const firstOfRun =
      prev === undefined ||
      prev.senderId !== m.senderId ||
      prev.kind !== m.kind ||
      m.atMs - prev.atMs > 5 * 60_000;
    items.push({ type: 'message', key: `m-${m.seq}`, message: m, firstOfRun });
    prev = m;
  }
  return items;
}

/** Local midnight of a timestamp (the browser's time zone). */
export function localDay(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/**
 * The seq of the agent's newest message the visitor has read, for a single "Read" mark under it; undefined
 * when the visitor has read none of them.
 */
export function readMarkSeq(
  messages: readonly ChatMessage[],
  me: string,
  visitorReadSeq: number,
): number | undefined {
  return findLast(messages, (m) => m.seq <= visitorReadSeq && m.senderId === me && m.kind === 'text')?.seq;
}

/** Array.prototype.findLast (ES2023; the console targets ES2022 browsers). */
function findLast<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item !== undefined && test(item)) return item;
  }
  return undefined;
}
