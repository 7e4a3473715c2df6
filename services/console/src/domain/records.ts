import {
  channelToJSON,
  type ConversationState,
  conversationStateToJSON,
  type ConversationSummary,
} from '@switchboard/proto/wire';

/** A conversation's state as the REST API names it (docs/protocol.md 2.4). */
export type StateName = 'waiting' | 'bot' | 'queued' | 'assigned' | 'chatting' | 'transferring' | 'closed';

const STATE_NAMES: ReadonlySet<string> = new Set<StateName>([
  'waiting',
  'bot',
  'queued',
  'assigned',
  'chatting',
  'transferring',
  'closed',
]);

export interface VisitorInfo {
  pageUrl: string;
  referrer: string;
  userAgent: string;
  language: string;
  name: string;
  email: string;
  groupId: string;
  fields: Readonly<Record<string, string>>;
}

export interface CsatInfo {
  score: number;
  comment: string;
  atMs: number;
}

/**
 * One conversation's record as the console keeps it, whichever way it came: a Welcome or ConversationUpdate
 * (protobuf) or a REST answer (snake_case JSON). The newest `version` wins.
 */
export interface ConversationRecord {
  id: string;
  state: StateName;
  visitorId: string;
  agentId: string;
  agentName: string;
  groupId: string;
  channel: string;
  lastSeq: number;
  version: number;
  priority: number;
  labels: readonly string[];
  previousAgentId: string;
  transferToAgentId: string;
  openedAtMs: number;
  updatedAtMs: number;
  queuedAtMs: number;
  assignedAtMs: number;
  acceptedAtMs: number;
  closedAtMs: number;
  visitor: VisitorInfo | undefined;
  csat: CsatInfo | undefined;
}

/** `CONVERSATION_STATE_CHATTING` → `chatting`; unknown values (a newer gateway) read as `waiting`. */
export function stateName(state: ConversationState): StateName {
  const short = shortName(conversationStateToJSON(state), 'CONVERSATION_STATE_');
  return STATE_NAMES.has(short) ? (short as StateName) : 'waiting';
}

function shortName(full: string, prefix: string): string {
  return (full.startsWith(prefix) ? full.slice(prefix.length) : full).toLowerCase();
}

export function recordFromSummary(s: ConversationSummary): ConversationRecord {
  const v = s.visitorContext;
  return {
    id: s.conversationId,
    state: stateName(s.state),
    visitorId: s.visitorId,
    agentId: s.agentId,
    agentName: s.agentDisplayName,
    groupId: s.groupId,
    channel: shortName(channelToJSON(s.channel), 'CHANNEL_'),
    lastSeq: s.lastSeq,
    version: s.version,
    priority: s.priority,
    labels: [...s.labels],
    previousAgentId: s.previousAgentId,
    transferToAgentId: s.transferToAgentId,
    openedAtMs: s.openedAtMs,
    updatedAtMs: s.updatedAtMs,
    queuedAtMs: s.queuedAtMs,
    assignedAtMs: s.assignedAtMs,
    acceptedAtMs: s.acceptedAtMs,
    closedAtMs: s.closedAtMs,
    visitor:
      v === undefined
        ? undefined
        : {
            pageUrl: v.pageUrl,
            referrer: v.referrer,
            userAgent: v.userAgent,
            language: v.language,
            name: v.name,
            email: v.email,
            groupId: v.groupId,
            fields: { ...v.fields },
          },
    csat:
      s.csat === undefined || s.csat.score === 0
        ? undefined
        : { score: s.csat.score, comment: s.csat.comment, atMs: s.csat.atMs },
  };
}

/** Reads one REST `Conversation` (snake_case); undefined when it has no conversation id. */
export function recordFromJson(json: unknown): ConversationRecord | undefined {
  const o = asObject(json);
  const id = str(o, 'conversation_id');
  if (id === '') return undefined;
  const rawState = str(o, 'state');
  const ctx = o['visitor_context'];
  const csat = o['csat'];
  return {
    id,
    state: STATE_NAMES.has(rawState) ? (rawState as StateName) : 'waiting',
    visitorId: str(o, 'visitor_id'),
    agentId: str(o, 'agent_id'),
    agentName: str(o, 'agent_display_name'),
    groupId: str(o, 'group_id'),
    channel: str(o, 'channel'),
    lastSeq: num(o, 'last_seq'),
    version: num(o, 'version'),
    priority: num(o, 'priority'),
    labels: strings(o['labels']),
    previousAgentId: str(o, 'previous_agent_id'),
    transferToAgentId: str(o, 'transfer_to_agent_id'),
    openedAtMs: num(o, 'opened_at_ms'),
    updatedAtMs: num(o, 'updated_at_ms'),
    queuedAtMs: num(o, 'queued_at_ms'),
    assignedAtMs: num(o, 'assigned_at_ms'),
    acceptedAtMs: num(o, 'accepted_at_ms'),
    closedAtMs: num(o, 'closed_at_ms'),
    visitor: isObject(ctx) ? visitorFromJson(ctx) : undefined,
    csat:
      isObject(csat) && num(csat, 'score') > 0
        ? { score: num(csat, 'score'), comment: str(csat, 'comment'), atMs: num(csat, 'at_ms') }
        : undefined,
  };
}

function visitorFromJson(o: Record<string, unknown>): VisitorInfo {
  const fields: Record<string, string> = {};
  const raw = o['fields'];
  if (isObject(raw)) {
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') fields[k] = v;
  }
  return {
    pageUrl: str(o, 'page_url'),
    referrer: str(o, 'referrer'),
    userAgent: str(o, 'user_agent'),
    language: str(o, 'language'),
    name: str(o, 'name'),
    email: str(o, 'email'),
    groupId: str(o, 'group_id'),
    fields,
  };
}

/** Keeps the newer record: an older version never replaces a newer one (updates may arrive out of order). */
export function newerRecord(
  known: ConversationRecord | undefined,
  incoming: ConversationRecord,
): ConversationRecord {
  if (known === undefined || incoming.version >= known.version) {
    // A record without context (an older gateway's event) keeps the context already known.
    if (incoming.visitor === undefined && known?.visitor !== undefined) {
      return { ...incoming, visitor: known.visitor };
    }
    return incoming;
  }
  return known;
}

export function upsertRecords(
  records: Readonly<Record<string, ConversationRecord>>,
  incoming: readonly ConversationRecord[],
): Readonly<Record<string, ConversationRecord>> {
  if (incoming.length === 0) return records;
  const next = { ...records };
  for (const r of incoming) next[r.id] = newerRecord(next[r.id], r);
  return next;
}

export const OPEN_STATES: ReadonlySet<StateName> = new Set<StateName>([
  'waiting',
  'bot',
  'queued',
  'assigned',
  'chatting',
  'transferring',
]);

/** Conversations an agent holds: offered to them, chatting, or being handed on by them. */
const HELD_STATES: ReadonlySet<StateName> = new Set<StateName>(['assigned', 'chatting', 'transferring']);

export function isOpen(r: Pick<ConversationRecord, 'state'>): boolean {
  return OPEN_STATES.has(r.state);
}

export function isMine(r: Pick<ConversationRecord, 'state' | 'agentId'>, me: string): boolean {
  return HELD_STATES.has(r.state) && r.agentId === me;
}

/** Offered to me and waiting for my accept. */
export function isOfferedTo(r: Pick<ConversationRecord, 'state' | 'agentId'>, me: string): boolean {
  return r.state === 'assigned' && r.agentId === me;
}

/** What the agent may do with a conversation now (docs/lifecycle.md sections 2 and 3). */
export interface AllowedActions {
  accept: boolean;
  /** Write to the visitor (an offered conversation is accepted by the first reply). */
  reply: boolean;
  /** Private notes: any agent, any stored state except closed. */
  note: boolean;
  transfer: boolean;
  close: boolean;
  takeOver: boolean;
  labels: boolean;
}

export function allowedActions(
  r: Pick<ConversationRecord, 'state' | 'agentId'>,
  me: string,
  supervisor: boolean,
): AllowedActions {
  const mine = isMine(r, me);
  const open = isOpen(r);
  return {
    accept: isOfferedTo(r, me),
    reply: mine,
    note: open,
    transfer: r.state === 'chatting' && (mine || (supervisor && r.agentId !== '')),
    close: open && (mine || supervisor),
    takeOver:
      supervisor &&
      r.agentId !== me &&
      (r.state === 'queued' ||
        r.state === 'assigned' ||
        r.state === 'chatting' ||
        r.state === 'transferring'),
    labels: true,
  };
}

// --- tolerant JSON readers ---

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asObject(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

export function str(o: Record<string, unknown>, key: string): string {
  const v = o[key];
  return typeof v === 'string' ? v : '';
}

/** int64 fields may come as JSON strings (the protobuf JSON mapping does that). */
export function num(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : 0;
}

export function bool(o: Record<string, unknown>, key: string): boolean {
  return o[key] === true;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
