import { type ConversationRecord, isMine, isOpen } from './records';
import { type ChatMessage, lastVisible } from './timeline';

export type InboxTab = 'mine' | 'queue' | 'all' | 'closed';

/** The tabs an agent sees: All only for supervisors and admins. */
export function visibleTabs(supervisor: boolean): InboxTab[] {
  return supervisor ? ['mine', 'queue', 'all', 'closed'] : ['mine', 'queue', 'closed'];
}

/** One row of the conversation list. */
export interface ConversationRow {
  record: ConversationRecord;
  visitorName: string;
  /** The newest drawn message, if loaded. */
  last: ChatMessage | undefined;
  /** The last message's time, else the record's last change: what the list sorts by. */
  activityMs: number;
  unread: number;
  offered: boolean;
}

export interface ListInputs {
  records: Readonly<Record<string, ConversationRecord>>;
  timelines: Readonly<Record<string, { messages: readonly ChatMessage[] } | undefined>>;
  unread: Readonly<Record<string, number>>;
  visitorNames: Readonly<Record<string, string>>;
  me: string;
  supervisor: boolean;
  /** What an unnamed visitor is called (`Visitor`), before their short id. */
  unnamed?: string;
}

/** Whether a record belongs in a tab (the queue tab lists queue entries, not records). */
export function inTab(tab: InboxTab, r: ConversationRecord, me: string, supervisor: boolean): boolean {
  switch (tab) {
    case 'mine':
      return isMine(r, me);
    case 'all':
      return supervisor && isOpen(r);
    case 'closed':
      return r.state === 'closed' && (supervisor || r.agentId === me);
    case 'queue':
      return false;
  }
}

/** The visitor's name if known: the pre-chat form's, else their display name; '' otherwise. */
export function knownVisitorName(
  r: Pick<ConversationRecord, 'visitor' | 'visitorId'>,
  displayNames: Readonly<Record<string, string>>,
): string {
  const fromContext = r.visitor?.name.trim() ?? '';
  if (fromContext !== '') return fromContext;
  return displayNames[r.visitorId]?.trim() ?? '';
}

/** The name to show for a conversation's visitor: a known name, else `Visitor #<short id>`. */
export function visitorName(
  r: ConversationRecord,
  displayNames: Readonly<Record<string, string>>,
  unnamed = 'Visitor',
): string {
  return knownVisitorName(r, displayNames) || `${unnamed} #${shortId(r.visitorId || r.id)}`;
}

export function shortId(id: string): string {
  const tail = id.replace(/^[a-z]_/, '');
  return tail.slice(-6);
}

export function buildRow(r: ConversationRecord, inputs: ListInputs): ConversationRow {
  const last = lastVisible(inputs.timelines[r.id]?.messages ?? []);
  return {
    record: r,
    visitorName: visitorName(r, inputs.visitorNames, inputs.unnamed),
    last,
    activityMs: Math.max(last?.atMs ?? 0, r.updatedAtMs, r.openedAtMs),
    unread: inputs.unread[r.id] ?? 0,
    offered: r.state === 'assigned' && r.agentId === inputs.me,
  };
}

/**
 * The rows of a tab, sorted: Mine puts offers waiting for an accept first, then the most recent activity;
 * All by recent activity; Closed by when they were closed, newest first.
 */
export function rowsForTab(tab: InboxTab, inputs: ListInputs): ConversationRow[] {
  const rows = Object.values(inputs.records)
    .filter((r) => inTab(tab, r, inputs.me, inputs.supervisor))
    .map((r) => buildRow(r, inputs));
  switch (tab) {
    case 'mine':
      return rows.sort(
        (a, b) => Number(b.offered) - Number(a.offered) || b.activityMs - a.activityMs || cmp(a, b),
      );
    case 'all':
      return rows.sort((a, b) => b.activityMs - a.activityMs || cmp(a, b));
    case 'closed':
      return rows.sort(
        (a, b) => (b.record.closedAtMs || b.activityMs) - (a.record.closedAtMs || a.activityMs) || cmp(a, b),
      );
    case 'queue':
      return [];
  }
}

function cmp(a: ConversationRow, b: ConversationRow): number {
  if (a.record.id < b.record.id) return -1;
  return a.record.id > b.record.id ? 1 : 0;
}

/** A one-line preview of the last message: whitespace collapsed, cut with an ellipsis. */
export function previewText(text: string, max = 80): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Sum of unread messages over a tab's rows (for its badge). */
export function unreadTotal(rows: readonly ConversationRow[]): number {
  return rows.reduce((n, r) => n + r.unread, 0);
}
