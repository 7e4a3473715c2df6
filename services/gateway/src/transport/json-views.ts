import {
  AgentRole,
  channelToJSON,
  conversationStateToJSON,
  MessageKind,
  ParticipantRole,
  participantRoleToJSON,
  type Agent,
  type BusinessHours,
  type Tenant,
  type UnifiedMessage,
  type WidgetKey,
  type CannedReply,
  type ConversationSummary,
  type Group,
  type VisitorContext,
  type WidgetSettings,
} from '@switchboard/proto';
import type { AgentRank } from '../domain/tokens';

/** The JSON the REST endpoints answer with: snake_case, enums as short lower-case names. */

/** `CONVERSATION_STATE_CHATTING` → `chatting`, `CHANNEL_WEB_WIDGET` → `web_widget`. */
function shortName(full: string, prefix: string): string {
  return (full.startsWith(prefix) ? full.slice(prefix.length) : full).toLowerCase();
}

/** Unspecified or unknown roles get the least rights. */
export function agentRank(role: AgentRole): AgentRank {
  switch (role) {
    case AgentRole.AGENT_ROLE_ADMIN:
      return 'admin';
    case AgentRole.AGENT_ROLE_SUPERVISOR:
      return 'supervisor';
    case AgentRole.AGENT_ROLE_AGENT:
    case AgentRole.AGENT_ROLE_UNSPECIFIED:
    case AgentRole.UNRECOGNIZED:
      return 'agent';
  }
}

export interface VisitorContextJson {
  page_url: string;
  referrer: string;
  user_agent: string;
  language: string;
  name: string;
  email: string;
  group_id: string;
  fields: Record<string, string>;
}

export function visitorContextJson(c: VisitorContext): VisitorContextJson {
  return {
    page_url: c.pageUrl,
    referrer: c.referrer,
    user_agent: c.userAgent,
    language: c.language,
    name: c.name,
    email: c.email,
    group_id: c.groupId,
    fields: { ...c.fields },
  };
}

export function conversationJson(c: ConversationSummary) {
  return {
    tenant_id: c.tenantId,
    conversation_id: c.conversationId,
    state: shortName(conversationStateToJSON(c.state), 'CONVERSATION_STATE_'),
    visitor_id: c.visitorId,
    agent_id: c.agentId,
    agent_display_name: c.agentDisplayName,
    group_id: c.groupId,
    channel: shortName(channelToJSON(c.channel), 'CHANNEL_'),
    last_seq: c.lastSeq,
    version: c.version,
    priority: c.priority,
    labels: [...c.labels],
    previous_agent_id: c.previousAgentId,
    transfer_to_agent_id: c.transferToAgentId,
    declined_agent_ids: [...c.declinedAgentIds],
    opened_at_ms: c.openedAtMs,
    updated_at_ms: c.updatedAtMs,
    queued_at_ms: c.queuedAtMs,
    assigned_at_ms: c.assignedAtMs,
    accepted_at_ms: c.acceptedAtMs,
    closed_at_ms: c.closedAtMs,
    reopen_until_ms: c.reopenUntilMs,
    reopen_count: c.reopenCount,
    visitor_context: c.visitorContext === undefined ? null : visitorContextJson(c.visitorContext),
    csat:
      c.csat === undefined
        ? null
        : { score: c.csat.score, comment: c.csat.comment, at_ms: c.csat.atMs, agent_id: c.csat.agentId },
  };
}

export function cannedReplyJson(r: CannedReply) {
  return {
    id: r.id,
    agent_id: r.agentId,
    shortcut: r.shortcut,
    text: r.text,
    shared: r.agentId === '',
    updated_at_ms: r.updatedAtMs,
  };
}

/** What a console needs to offer an agent as a transfer target; never the email or anything secret. */
export function agentJson(a: Agent) {
  return {
    id: a.id,
    display_name: a.displayName,
    role: agentRank(a.role),
    group_ids: [...a.groupIds],
    max_concurrent: a.maxConcurrent,
  };
}

export function groupJson(g: Group) {
  return {
    id: g.id,
    name: g.name,
    manual_pick: g.manualPick,
    max_concurrent_per_agent: g.maxConcurrentPerAgent,
    skills: [...g.skills],
    languages: [...g.languages],
  };
}

/** A tenant without widget settings gets every default (empty strings: the widget's built-in texts). */
export function widgetSettingsJson(w: WidgetSettings | undefined) {
  return {
    title: w?.title ?? '',
    color: w?.color ?? '',
    position: w?.position === 'left' ? 'left' : 'right',
    pre_chat_enabled: w?.preChatEnabled ?? false,
    pre_chat_fields: (w?.preChatFields ?? []).map((f) => ({
      key: f.key,
      label_en: f.labelEn,
      label_zh: f.labelZh,
      required: f.required,
    })),
    welcome_message: w?.welcomeMessage ?? '',
    offline_message: w?.offlineMessage ?? '',
    csat_enabled: w?.csatEnabled ?? false,
  };
}

/** An agent as the admin pages edit it (with email, skills and languages; never the password). */
export function adminAgentJson(a: Agent) {
  return {
    id: a.id,
    email: a.email,
    display_name: a.displayName,
    role: agentRank(a.role),
    max_concurrent: a.maxConcurrent,
    group_ids: [...a.groupIds],
    skills: [...a.skills],
    languages: [...a.languages],
    updated_at_ms: a.updatedAtMs,
  };
}

export function businessHoursJson(b: BusinessHours | undefined) {
  return {
    time_zone: b?.timeZone ?? '',
    windows: (b?.windows ?? []).map((w) => ({
      weekday: w.weekday,
      start_minute: w.startMinute,
      end_minute: w.endMinute,
    })),
  };
}

export function adminGroupJson(g: Group) {
  return { ...groupJson(g), business_hours: businessHoursJson(g.businessHours) };
}

/** A tenant's settings as the admin pages edit them, with its widget keys for the embed snippet. */
export function adminSettingsJson(t: Tenant, widgetKeys: readonly WidgetKey[]) {
  const s = t.settings;
  return {
    tenant_id: t.id,
    tenant_name: t.name,
    widget_keys: widgetKeys.map((k) => k.key),
    default_group_id: s?.defaultGroupId ?? '',
    accept_timeout_s: s?.acceptTimeoutS ?? 0,
    idle_close_s: s?.idleCloseS ?? 0,
    idle_warning_s: s?.idleWarningS ?? 0,
    reopen_window_s: s?.reopenWindowS ?? 0,
    default_max_concurrent: s?.defaultMaxConcurrent ?? 0,
    idle_close_disabled: s?.idleCloseDisabled ?? false,
    reopen_disabled: s?.reopenDisabled ?? false,
    business_hours: businessHoursJson(s?.businessHours),
    widget: widgetSettingsJson(s?.widget),
  };
}

const ROLE_PREFIX = 'PARTICIPANT_ROLE_';

/** One search hit: enough to list it and open its conversation at `seq`. */
export function searchHitJson(m: UnifiedMessage) {
  return {
    conversation_id: m.conversationId,
    seq: m.seq,
    sender_role: shortName(
      participantRoleToJSON(m.sender?.role ?? ParticipantRole.PARTICIPANT_ROLE_UNSPECIFIED),
      ROLE_PREFIX,
    ),
    sender_id: m.sender?.id ?? '',
    sender_display_name: m.sender?.displayName ?? '',
    text: m.text,
    note: m.kind === MessageKind.MESSAGE_KIND_NOTE,
    sent_at_ms: m.acceptedAtMs,
  };
}
