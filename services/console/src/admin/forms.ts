/**
 * The admin forms' drafts (what the inputs hold), their client-side validation and their mapping to the
 * REST request bodies. Limits mirror the admin service's, so most mistakes are caught before a round trip;
 * the server still has the last word and its `detail` is shown when it disagrees.
 */
import type { MessageKey } from './i18n';
import {
  type WeekDraft,
  type WeekValidation,
  validateWeekDraft,
  weekDraftFromHours,
  weekDraftToHours,
  weekValidationOk,
} from './time';
import type {
  Agent,
  AgentBody,
  AgentRole,
  CannedReply,
  CannedReplyBody,
  Group,
  GroupBody,
  PreChatField,
  SettingsPatch,
  TenantSettings,
  WidgetPosition,
  WidgetSettings,
} from './types';

/** A validation message: an i18n key and its placeholders. */
export interface Issue {
  readonly key: MessageKey;
  readonly params?: Readonly<Record<string, string | number>>;
}

export type Issues<F extends string> = Partial<Record<F, Issue>>;

export function hasIssues(issues: object): boolean {
  return Object.values(issues).some((v) => v !== undefined);
}

export const LIMITS = {
  /** The admin service refuses 0 for an agent (unlike groups and the tenant, where 0 means the default). */
  agentCapacityMin: 1,
  capacityMax: 100,
  passwordMin: 8,
  passwordMax: 1024,
  /** The gateway's bound on display names and group names. */
  nameMax: 100,
  listEntries: 32,
  languageEntries: 20,
  tagLength: 64,
  languageTagLength: 35,
  shortcutMax: 32,
  replyTextMax: 2000,
  titleMax: 100,
  messageMax: 1000,
  labelMax: 100,
  preChatFields: 20,
  acceptTimeoutS: 3600,
  idleCloseS: 7 * 86_400,
  idleWarningS: 86_400,
  reopenWindowS: 7 * 86_400,
} as const;

/** What the admin service uses for 0 (docs/lifecycle.md). */
export const DEFAULTS = {
  acceptTimeoutS: 30,
  idleCloseS: 1800,
  idleWarningS: 120,
  reopenWindowS: 600,
  maxConcurrent: 5,
  widgetColor: '#2563eb',
} as const;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/** The gateway's rule for pre-chat field keys. */
const FIELD_KEY = /^[a-z][a-z0-9_]{0,31}$/;
const SHORTCUT = /^[a-z0-9_-]{1,32}$/;
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const CONTROL = /\p{Cc}/u;

/** Splits a comma (or Chinese comma / newline) separated list: trimmed, empties and duplicates dropped. */
export function parseList(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[,，\n]/)) {
    const v = raw.trim();
    if (v !== '' && !out.includes(v)) out.push(v);
  }
  return out;
}

/** Adds entries to a chip list without duplicates, keeping order. */
export function addToList(list: readonly string[], entries: readonly string[]): string[] {
  const out = [...list];
  for (const e of entries) if (!out.includes(e)) out.push(e);
  return out;
}

/** An integer typed into a text/number input; undefined for anything else (blank, 1.5, 1e3, "12px"). */
export function parseWholeNumber(text: string): number | undefined {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : undefined;
}

function numberIssue(text: string, min: number, max: number): Issue | undefined {
  const n = parseWholeNumber(text);
  return n === undefined || n < min || n > max
    ? { key: 'err_number_range', params: { min, max } }
    : undefined;
}

function requiredText(text: string, max: number): Issue | undefined {
  const v = text.trim();
  if (v === '') return { key: 'err_required' };
  return v.length > max ? { key: 'err_too_long', params: { max } } : undefined;
}

function optionalText(text: string, max: number): Issue | undefined {
  return text.trim().length > max ? { key: 'err_too_long', params: { max } } : undefined;
}

function tagsIssue(tags: readonly string[]): Issue | undefined {
  if (tags.length > LIMITS.listEntries)
    return { key: 'err_list_too_long', params: { max: LIMITS.listEntries } };
  const bad = tags.find((t) => t.trim() === '' || t.length > LIMITS.tagLength || CONTROL.test(t));
  return bad === undefined
    ? undefined
    : { key: 'err_tag_invalid', params: { tag: bad, max: LIMITS.tagLength } };
}

/** A BCP 47 tag in its canonical form (`zh-cn` → `zh-CN`), or undefined. */
export function canonicalLanguage(tag: string): string | undefined {
  const t = tag.trim();
  if (t === '' || t.length > LIMITS.languageTagLength) return undefined;
  try {
    return Intl.getCanonicalLocales(t)[0];
  } catch {
    return undefined;
  }
}

function languagesIssue(languages: readonly string[]): Issue | undefined {
  if (languages.length > LIMITS.languageEntries) {
    return { key: 'err_list_too_long', params: { max: LIMITS.languageEntries } };
  }
  const bad = languages.find((l) => canonicalLanguage(l) === undefined);
  return bad === undefined ? undefined : { key: 'err_language_invalid', params: { tag: bad } };
}

function canonicalLanguages(languages: readonly string[]): string[] {
  return addToList(
    [],
    languages.map((l) => canonicalLanguage(l) ?? l.trim()),
  );
}

/** Drafts are plain data built in a fixed key order, so equal JSON means equal drafts. */
export function sameDraft(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ---------------------------------------------------------------------------------------------- agents

export interface AgentDraft {
  /** '' for a new agent. */
  readonly id: string;
  readonly email: string;
  readonly display_name: string;
  readonly role: AgentRole;
  readonly max_concurrent: string;
  readonly group_ids: readonly string[];
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly password: string;
}

export type AgentField = 'email' | 'display_name' | 'max_concurrent' | 'skills' | 'languages' | 'password';

export function newAgentDraft(): AgentDraft {
  return {
    id: '',
    email: '',
    display_name: '',
    role: 'agent',
    max_concurrent: String(DEFAULTS.maxConcurrent),
    group_ids: [],
    skills: [],
    languages: [],
    password: '',
  };
}

export function agentDraft(a: Agent): AgentDraft {
  return {
    id: a.id,
    email: a.email,
    display_name: a.display_name,
    role: a.role,
    max_concurrent: String(a.max_concurrent),
    group_ids: [...a.group_ids],
    skills: [...a.skills],
    languages: [...a.languages],
    password: '',
  };
}

/**
 * `takenEmails`: the emails of the agents already listed. The API upserts by email, so "adding" an agent
 * with a colleague's email would silently overwrite that colleague; it is refused here instead.
 */
export function validateAgentDraft(d: AgentDraft, takenEmails: readonly string[] = []): Issues<AgentField> {
  const email = d.email.trim();
  const isNew = d.id === '';
  const password =
    d.password === ''
      ? isNew
        ? { key: 'err_required' as const }
        : undefined
      : d.password.length < LIMITS.passwordMin || d.password.length > LIMITS.passwordMax
        ? { key: 'err_password_length' as const, params: { min: LIMITS.passwordMin } }
        : undefined;
  return {
    email:
      email === ''
        ? { key: 'err_required' }
        : email.length > 254 || !EMAIL.test(email)
          ? { key: 'err_email' }
          : isNew && takenEmails.some((e) => e.toLowerCase() === email.toLowerCase())
            ? { key: 'err_email_taken' }
            : undefined,
    display_name: requiredText(d.display_name, LIMITS.nameMax),
    max_concurrent: numberIssue(d.max_concurrent, LIMITS.agentCapacityMin, LIMITS.capacityMax),
    skills: tagsIssue(d.skills),
    languages: languagesIssue(d.languages),
    password,
  };
}

/** POST /v1/admin/agents: no `id` for a new agent; no `password` keeps an existing agent's. */
export function agentBody(d: AgentDraft, knownGroupIds?: readonly string[]): AgentBody {
  const groups =
    knownGroupIds === undefined ? d.group_ids : d.group_ids.filter((g) => knownGroupIds.includes(g));
  return {
    ...(d.id === '' ? {} : { id: d.id }),
    email: d.email.trim().toLowerCase(),
    display_name: d.display_name.trim(),
    role: d.role,
    max_concurrent: parseWholeNumber(d.max_concurrent) ?? 0,
    group_ids: [...groups],
    skills: addToList(
      [],
      d.skills.map((s) => s.trim()),
    ),
    languages: canonicalLanguages(d.languages),
    ...(d.password === '' ? {} : { password: d.password }),
  };
}

// ---------------------------------------------------------------------------------------------- groups

export interface GroupDraft {
  readonly id: string;
  readonly name: string;
  readonly manual_pick: boolean;
  readonly max_concurrent_per_agent: string;
  readonly skills: readonly string[];
  readonly languages: readonly string[];
  readonly hours: WeekDraft;
}

export type GroupField = 'name' | 'max_concurrent_per_agent' | 'skills' | 'languages';

export function newGroupDraft(tenantZone: string): GroupDraft {
  return {
    id: '',
    name: '',
    manual_pick: false,
    max_concurrent_per_agent: '0',
    skills: [],
    languages: [],
    hours: weekDraftFromHours(undefined, tenantZone),
  };
}

export function groupDraft(g: Group, tenantZone: string): GroupDraft {
  return {
    id: g.id,
    name: g.name,
    manual_pick: g.manual_pick,
    max_concurrent_per_agent: String(g.max_concurrent_per_agent),
    skills: [...g.skills],
    languages: [...g.languages],
    hours: weekDraftFromHours(g.business_hours, tenantZone),
  };
}

export interface GroupValidation {
  readonly fields: Issues<GroupField>;
  readonly hours: WeekValidation;
}

export function validateGroupDraft(d: GroupDraft): GroupValidation {
  return {
    fields: {
      name: requiredText(d.name, LIMITS.nameMax),
      max_concurrent_per_agent: numberIssue(d.max_concurrent_per_agent, 0, LIMITS.capacityMax),
      skills: tagsIssue(d.skills),
      languages: languagesIssue(d.languages),
    },
    hours: validateWeekDraft(d.hours),
  };
}

export function groupValidationOk(v: GroupValidation): boolean {
  return !hasIssues(v.fields) && weekValidationOk(v.hours);
}

export function groupBody(d: GroupDraft): GroupBody {
  return {
    ...(d.id === '' ? {} : { id: d.id }),
    name: d.name.trim(),
    manual_pick: d.manual_pick,
    max_concurrent_per_agent: parseWholeNumber(d.max_concurrent_per_agent) ?? 0,
    skills: addToList(
      [],
      d.skills.map((s) => s.trim()),
    ),
    languages: canonicalLanguages(d.languages),
    business_hours: weekDraftToHours(d.hours),
  };
}

// --------------------------------------------------------------------------------------- canned replies

export const REPLY_VARIABLES: readonly string[] = [
  'visitor.name',
  'visitor.email',
  'agent.name',
  'conversation.id',
];

export interface ReplyDraft {
  readonly id: string;
  readonly shortcut: string;
  readonly text: string;
}

export type ReplyField = 'shortcut' | 'text';

export function newReplyDraft(): ReplyDraft {
  return { id: '', shortcut: '', text: '' };
}

export function replyDraft(r: CannedReply): ReplyDraft {
  return { id: r.id, shortcut: r.shortcut, text: r.text };
}

/** The `{{name}}` placeholders of a reply's text that the console does not fill in. */
export function unknownVariables(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const name = m[1] ?? '';
    if (!REPLY_VARIABLES.includes(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

export function validateReplyDraft(d: ReplyDraft): Issues<ReplyField> {
  const shortcut = d.shortcut.trim().replace(/^\//, '').toLowerCase();
  const unknown = unknownVariables(d.text)[0];
  return {
    shortcut:
      shortcut === ''
        ? { key: 'err_required' }
        : SHORTCUT.test(shortcut)
          ? undefined
          : { key: 'err_shortcut', params: { max: LIMITS.shortcutMax } },
    text:
      requiredText(d.text, LIMITS.replyTextMax) ??
      (unknown === undefined
        ? undefined
        : { key: 'err_unknown_variable', params: { name: `{{${unknown}}}` } }),
  };
}

export function replyBody(d: ReplyDraft): CannedReplyBody {
  return {
    ...(d.id === '' ? {} : { id: d.id }),
    shortcut: d.shortcut.trim().replace(/^\//, '').toLowerCase(),
    text: d.text.trim(),
    shared: true,
  };
}

/** The reply as an agent would send it, with sample values for its variables. */
export function fillVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Inserts `{{name}}` at a text selection; returns the new text and where the caret goes. */
export function insertVariable(
  text: string,
  name: string,
  selectionStart: number,
  selectionEnd: number,
): { text: string; caret: number } {
  const start = Math.max(0, Math.min(selectionStart, text.length));
  const end = Math.max(start, Math.min(selectionEnd, text.length));
  const token = `{{${name}}}`;
  return { text: text.slice(0, start) + token + text.slice(end), caret: start + token.length };
}

// ---------------------------------------------------------------------------------------------- widget

export interface PreChatFieldDraft {
  readonly key: string;
  readonly label_en: string;
  readonly label_zh: string;
  readonly required: boolean;
}

export interface WidgetDraft {
  readonly title: string;
  readonly color: string;
  readonly position: WidgetPosition;
  readonly pre_chat_enabled: boolean;
  readonly pre_chat_fields: readonly PreChatFieldDraft[];
  readonly welcome_message: string;
  readonly offline_message: string;
  readonly csat_enabled: boolean;
}

export type WidgetField = 'title' | 'color' | 'welcome_message' | 'offline_message' | 'pre_chat_fields';
export type PreChatIssueField = 'key' | 'label';

export interface WidgetValidation {
  readonly fields: Issues<WidgetField>;
  /** One entry per pre-chat field. */
  readonly preChat: readonly Issues<PreChatIssueField>[];
}

export function widgetDraft(w: WidgetSettings): WidgetDraft {
  return {
    title: w.title,
    color: w.color,
    position: w.position === 'left' ? 'left' : 'right',
    pre_chat_enabled: w.pre_chat_enabled,
    pre_chat_fields: w.pre_chat_fields.map((f) => ({ ...f })),
    welcome_message: w.welcome_message,
    offline_message: w.offline_message,
    csat_enabled: w.csat_enabled,
  };
}

export function isHexColour(color: string): boolean {
  return HEX_COLOUR.test(color.trim());
}

/** `#abc` → `#aabbcc`, lower-case; what an `<input type="color">` needs. Falls back for anything else. */
export function normalizeHexColour(color: string, fallback: string = DEFAULTS.widgetColor): string {
  const c = color.trim().toLowerCase();
  if (!isHexColour(c)) return fallback;
  return c.length === 4 ? `#${c[1]}${c[1]}${c[2]}${c[2]}${c[3]}${c[3]}` : c;
}

/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
export function readableTextColour(background: string): '#ffffff' | '#111827' {
  const hex = normalizeHexColour(background).slice(1);
  const channel = (i: number) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  // Contrast with white against contrast with #111827 (relative luminance 0.0092).
  return 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.0592 ? '#ffffff' : '#111827';
}

export function newPreChatField(existing: readonly PreChatFieldDraft[]): PreChatFieldDraft {
  let n = existing.length + 1;
  while (existing.some((f) => f.key === `field_${n}`)) n++;
  return { key: `field_${n}`, label_en: '', label_zh: '', required: false };
}

/** Moves one entry of a list; out-of-range moves return the list unchanged. */
export function moveItem<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  if (from < 0 || from >= out.length || to < 0 || to >= out.length || from === to) return out;
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

export function validateWidgetDraft(d: WidgetDraft): WidgetValidation {
  const counts = new Map<string, number>();
  for (const f of d.pre_chat_fields) counts.set(f.key.trim(), (counts.get(f.key.trim()) ?? 0) + 1);
  const preChat = d.pre_chat_fields.map((f): Issues<PreChatIssueField> => {
    const key = f.key.trim();
    return {
      key: !FIELD_KEY.test(key)
        ? { key: 'err_field_key' }
        : (counts.get(key) ?? 0) > 1
          ? { key: 'err_field_key_duplicate' }
          : undefined,
      label:
        f.label_en.trim() === '' && f.label_zh.trim() === ''
          ? { key: 'err_field_label' }
          : (optionalText(f.label_en, LIMITS.labelMax) ?? optionalText(f.label_zh, LIMITS.labelMax)),
    };
  });
  return {
    fields: {
      title: optionalText(d.title, LIMITS.titleMax),
      color: d.color.trim() === '' || isHexColour(d.color) ? undefined : { key: 'err_color' },
      welcome_message: optionalText(d.welcome_message, LIMITS.messageMax),
      offline_message: optionalText(d.offline_message, LIMITS.messageMax),
      pre_chat_fields:
        d.pre_chat_fields.length > LIMITS.preChatFields
          ? { key: 'err_list_too_long', params: { max: LIMITS.preChatFields } }
          : d.pre_chat_enabled && d.pre_chat_fields.length === 0
            ? { key: 'err_pre_chat_empty' }
            : undefined,
    },
    preChat,
  };
}

export function widgetValidationOk(v: WidgetValidation): boolean {
  return !hasIssues(v.fields) && !v.preChat.some(hasIssues);
}

/** The `widget` of PUT /v1/admin/settings (it replaces the stored widget settings whole). */
export function widgetBody(d: WidgetDraft): WidgetSettings {
  const fields: PreChatField[] = d.pre_chat_fields.map((f) => ({
    key: f.key.trim(),
    label_en: f.label_en.trim(),
    label_zh: f.label_zh.trim(),
    required: f.required,
  }));
  return {
    title: d.title.trim(),
    color: d.color.trim() === '' ? '' : normalizeHexColour(d.color),
    position: d.position,
    pre_chat_enabled: d.pre_chat_enabled,
    pre_chat_fields: fields,
    welcome_message: d.welcome_message.trim(),
    offline_message: d.offline_message.trim(),
    csat_enabled: d.csat_enabled,
  };
}

// ------------------------------------------------------------------------- business hours and lifecycle

export interface HoursDraft {
  readonly hours: WeekDraft;
  readonly accept_timeout_s: string;
  readonly idle_close_s: string;
  readonly idle_warning_s: string;
  readonly reopen_window_s: string;
  readonly default_max_concurrent: string;
  readonly default_group_id: string;
  readonly idle_close_disabled: boolean;
  readonly reopen_disabled: boolean;
}

export type HoursField =
  | 'accept_timeout_s'
  | 'idle_close_s'
  | 'idle_warning_s'
  | 'reopen_window_s'
  | 'default_max_concurrent'
  | 'default_group_id';

export interface HoursValidation {
  readonly fields: Issues<HoursField>;
  readonly hours: WeekValidation;
}

export function hoursDraft(s: TenantSettings): HoursDraft {
  return {
    hours: weekDraftFromHours(s.business_hours),
    accept_timeout_s: String(s.accept_timeout_s),
    idle_close_s: String(s.idle_close_s),
    idle_warning_s: String(s.idle_warning_s),
    reopen_window_s: String(s.reopen_window_s),
    default_max_concurrent: String(s.default_max_concurrent),
    default_group_id: s.default_group_id,
    idle_close_disabled: s.idle_close_disabled,
    reopen_disabled: s.reopen_disabled,
  };
}

export function validateHoursDraft(d: HoursDraft, groupIds: readonly string[]): HoursValidation {
  const idleClose = parseWholeNumber(d.idle_close_s);
  const idleWarning = parseWholeNumber(d.idle_warning_s);
  const warningIssue = numberIssue(d.idle_warning_s, 0, LIMITS.idleWarningS);
  const effectiveClose = idleClose === 0 ? DEFAULTS.idleCloseS : idleClose;
  const effectiveWarning = idleWarning === 0 ? DEFAULTS.idleWarningS : idleWarning;
  const warningTooLong =
    !d.idle_close_disabled &&
    effectiveClose !== undefined &&
    effectiveWarning !== undefined &&
    effectiveWarning >= effectiveClose;
  return {
    fields: {
      accept_timeout_s: numberIssue(d.accept_timeout_s, 0, LIMITS.acceptTimeoutS),
      idle_close_s: numberIssue(d.idle_close_s, 0, LIMITS.idleCloseS),
      idle_warning_s:
        warningIssue ??
        (warningTooLong
          ? { key: 'err_warning_before_close', params: { close: effectiveClose, warning: effectiveWarning } }
          : undefined),
      reopen_window_s: numberIssue(d.reopen_window_s, 0, LIMITS.reopenWindowS),
      default_max_concurrent: numberIssue(d.default_max_concurrent, 0, LIMITS.capacityMax),
      default_group_id:
        d.default_group_id === '' || groupIds.includes(d.default_group_id)
          ? undefined
          : { key: 'err_group_missing' },
    },
    hours: validateWeekDraft(d.hours),
  };
}

export function hoursValidationOk(v: HoursValidation): boolean {
  return !hasIssues(v.fields) && weekValidationOk(v.hours);
}

/** PUT /v1/admin/settings for the business hours page: only the fields it edits. */
export function hoursBody(d: HoursDraft): SettingsPatch {
  return {
    business_hours: weekDraftToHours(d.hours),
    accept_timeout_s: parseWholeNumber(d.accept_timeout_s) ?? 0,
    idle_close_s: parseWholeNumber(d.idle_close_s) ?? 0,
    idle_warning_s: parseWholeNumber(d.idle_warning_s) ?? 0,
    reopen_window_s: parseWholeNumber(d.reopen_window_s) ?? 0,
    default_max_concurrent: parseWholeNumber(d.default_max_concurrent) ?? 0,
    default_group_id: d.default_group_id,
    idle_close_disabled: d.idle_close_disabled,
    reopen_disabled: d.reopen_disabled,
  };
}
