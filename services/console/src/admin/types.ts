/** The admin REST resources as the gateway sends them (snake_case JSON, docs: the console README). */

export type AgentRole = 'agent' | 'supervisor' | 'admin';
export const AGENT_ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];

export type WidgetPosition = 'left' | 'right';

export interface OpeningWindow {
  /** 0 = Sunday .. 6 = Saturday. */
  readonly weekday: number;
  /** Minutes after local midnight; start inclusive, end exclusive (end <= 1440). */
  readonly start_minute: number;
  readonly end_minute: number;
}

/** No windows: always open (tenant), or the tenant's hours apply (group). */
export interface BusinessHours {
  readonly time_zone: string;
  readonly windows: readonly OpeningWindow[];
}

export interface Agent {
  readonly id: string;
  readonly email: string;
  readonly display_name: string;
  readonly role: AgentRole;
  readonly max_concurrent: number;
  readonly group_ids: readonly string[];
  readonly skills: readonly string[];
  readonly languages: readonly string[];
}

/** An agent as POSTed: without `id` when new; see `agentBody`. */
export interface AgentBody extends Omit<Agent, 'id'> {
  readonly id?: string;
  readonly password?: string;
}

export interface Group {
  readonly id: string;
  readonly name: string;
  readonly manual_pick: boolean;
  readonly max_concurrent_per_agent: number;
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly business_hours: BusinessHours;
}

/** A group as POSTed: without `id` when new. */
export interface GroupBody extends Omit<Group, 'id'> {
  readonly id?: string;
}

export interface PreChatField {
  readonly key: string;
  readonly label_en: string;
  readonly label_zh: string;
  readonly required: boolean;
}

export interface WidgetSettings {
  readonly title: string;
  readonly color: string;
  readonly position: WidgetPosition;
  readonly pre_chat_enabled: boolean;
  readonly pre_chat_fields: readonly PreChatField[];
  readonly welcome_message: string;
  readonly offline_message: string;
  readonly csat_enabled: boolean;
}

export interface TenantSettings {
  readonly widget_keys: readonly string[];
  readonly default_group_id: string;
  readonly accept_timeout_s: number;
  readonly idle_close_s: number;
  readonly idle_warning_s: number;
  readonly reopen_window_s: number;
  readonly default_max_concurrent: number;
  /** Idle conversations are never closed (idle_close_s and idle_warning_s are then unused). */
  readonly idle_close_disabled: boolean;
  /** Closed conversations are never reopened by a visitor message. */
  readonly reopen_disabled: boolean;
  readonly business_hours: BusinessHours;
  readonly widget: WidgetSettings;
}

/** PUT /v1/admin/settings: any subset; `widget` and `business_hours` replace the stored ones whole. */
export type SettingsPatch = Partial<Omit<TenantSettings, 'widget_keys'>>;

export interface CannedReply {
  readonly id: string;
  readonly agent_id: string;
  readonly shortcut: string;
  readonly text: string;
  readonly shared: boolean;
  readonly updated_at_ms: number;
}

export interface CannedReplyBody {
  readonly id?: string;
  readonly shortcut: string;
  readonly text: string;
  readonly shared: true;
}
