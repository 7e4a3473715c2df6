import {
  isSubjectToken,
  type BusinessHours,
  type OpeningWindow,
  type PreChatField,
  type RoutingRule,
  type ScoreWeights,
  type TenantSettings,
  type WidgetSettings,
} from '@switchboard/proto';
import { invalid, optionalMaxConcurrent, requireSubjectToken, requireTimeZone } from './validation';

/** Bounds of TenantSettings; zero values mean the documented defaults and are always accepted. */
export const SETTINGS_LIMITS = {
  rules: 50,
  keywords: 50,
  keywordLength: 64,
  patternLength: 200,
  windows: 70,
  acceptTimeoutS: 3_600,
  idleCloseS: 7 * 86_400,
  idleWarningS: 86_400,
  reopenWindowS: 7 * 86_400,
  preChatFields: 20,
  labelLength: 100,
  titleLength: 100,
  messageLength: 1_000,
} as const;

/** The defaults docs/lifecycle.md gives for a zero idle_close_s / idle_warning_s. */
export const DEFAULT_IDLE_CLOSE_S = 1_800;
export const DEFAULT_IDLE_WARNING_S = 120;

const MINUTES_PER_DAY = 1_440;
const HEX_COLOUR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;
const WIDGET_POSITIONS: readonly string[] = ['', 'left', 'right'];

function requireUint(what: string, n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0 || n > max) throw invalid(`${what} must be an integer in 0..${max}`);
  return n;
}

function requireText(what: string, value: string, max: number): string {
  const v = value.trim();
  if (v.length > max) throw invalid(`${what} must be at most ${max} characters`);
  return v;
}

function requireWindow(what: string, w: OpeningWindow): OpeningWindow {
  requireUint(`${what} weekday`, w.weekday, 6);
  requireUint(`${what} start_minute`, w.startMinute, MINUTES_PER_DAY);
  requireUint(`${what} end_minute`, w.endMinute, MINUTES_PER_DAY);
  if (w.startMinute >= w.endMinute) throw invalid(`${what}: start_minute must be before end_minute`);
  return { weekday: w.weekday, startMinute: w.startMinute, endMinute: w.endMinute };
}

/** Weekly opening hours: a known IANA zone and windows with 0 <= start < end <= 1440 on weekdays 0..6. */
export function validateBusinessHours(
  what: string,
  hours: BusinessHours | undefined,
): BusinessHours | undefined {
  if (hours === undefined) return undefined;
  const timeZone = requireTimeZone(`${what} time_zone`, hours.timeZone.trim());
  if (hours.windows.length > SETTINGS_LIMITS.windows) {
    throw invalid(`${what} may have at most ${SETTINGS_LIMITS.windows} windows`);
  }
  const windows = hours.windows.map((w, i) => requireWindow(`${what} window ${i}`, w));
  // Overlapping windows of one day are almost always a typing mistake: refuse them rather than merge.
  const byStart = [...windows].sort((a, b) => a.weekday - b.weekday || a.startMinute - b.startMinute);
  for (let i = 1; i < byStart.length; i++) {
    const prev = byStart[i - 1];
    const cur = byStart[i];
    if (
      prev !== undefined &&
      cur !== undefined &&
      prev.weekday === cur.weekday &&
      cur.startMinute < prev.endMinute
    ) {
      throw invalid(`${what}: two windows of weekday ${cur.weekday} overlap`);
    }
  }
  return { timeZone, windows };
}

function validateWeights(w: ScoreWeights | undefined): ScoreWeights | undefined {
  if (w === undefined) return undefined;
  for (const [name, value] of Object.entries(w) as [string, number][]) {
    if (!Number.isFinite(value) || value < 0) throw invalid(`weights.${name} must be a finite number >= 0`);
  }
  return { response: w.response, csat: w.csat, idle: w.idle, responseDecay: w.responseDecay };
}

function validateKeywords(what: string, keywords: readonly string[]): string[] {
  if (keywords.length > SETTINGS_LIMITS.keywords) {
    throw invalid(`${what} may have at most ${SETTINGS_LIMITS.keywords} keywords`);
  }
  const out: string[] = [];
  for (const raw of keywords) {
    const k = raw.trim();
    if (k.length === 0 || k.length > SETTINGS_LIMITS.keywordLength) {
      throw invalid(`${what} keywords must be 1-${SETTINGS_LIMITS.keywordLength} characters`);
    }
    if (!out.includes(k)) out.push(k);
  }
  return out;
}

function validatePattern(what: string, pattern: string): string {
  if (pattern.length > SETTINGS_LIMITS.patternLength) {
    throw invalid(`${what} pattern must be at most ${SETTINGS_LIMITS.patternLength} characters`);
  }
  try {
    // Routing compiles it exactly like this (case-insensitive).
    new RegExp(pattern, 'i');
  } catch (err) {
    if (err instanceof SyntaxError) throw invalid(`${what} pattern is not a valid regular expression`);
    throw err;
  }
  return pattern;
}

function validateRules(rules: readonly RoutingRule[], groups: ReadonlySet<string>): RoutingRule[] {
  if (rules.length > SETTINGS_LIMITS.rules) {
    throw invalid(`settings may have at most ${SETTINGS_LIMITS.rules} routing rules`);
  }
  const seen = new Set<string>();
  return rules.map((rule, i) => {
    const id = requireSubjectToken(`rules[${i}].id`, rule.id);
    const what = `rule ${id}`;
    if (seen.has(id)) throw invalid(`${what} appears twice`);
    seen.add(id);
    if (!groups.has(rule.groupId))
      throw invalid(`${what}: group "${rule.groupId.slice(0, 64)}" does not exist`);
    const keywords = validateKeywords(what, rule.keywords);
    const pattern = validatePattern(what, rule.pattern);
    // An empty pattern matches everything, so a rule without keywords would take every conversation.
    if (keywords.length === 0 && pattern === '') throw invalid(`${what} needs keywords or a pattern`);
    requireUint(`${what} priority`, rule.priority, 0xffff_ffff);
    return { id, groupId: rule.groupId, keywords, pattern, priority: rule.priority };
  });
}

function validatePreChatFields(fields: readonly PreChatField[]): PreChatField[] {
  if (fields.length > SETTINGS_LIMITS.preChatFields) {
    throw invalid(`widget may have at most ${SETTINGS_LIMITS.preChatFields} pre-chat fields`);
  }
  const seen = new Set<string>();
  return fields.map((f, i) => {
    if (!isSubjectToken(f.key)) {
      throw invalid(`widget.pre_chat_fields[${i}].key must be 1-64 characters of A-Z, a-z, 0-9, _ or -`);
    }
    if (seen.has(f.key)) throw invalid(`pre-chat field ${f.key} appears twice`);
    seen.add(f.key);
    return {
      key: f.key,
      labelEn: requireText(`pre-chat field ${f.key} label_en`, f.labelEn, SETTINGS_LIMITS.labelLength),
      labelZh: requireText(`pre-chat field ${f.key} label_zh`, f.labelZh, SETTINGS_LIMITS.labelLength),
      required: f.required,
    };
  });
}

function validateWidget(w: WidgetSettings | undefined): WidgetSettings | undefined {
  if (w === undefined) return undefined;
  const color = w.color.trim();
  if (color !== '' && !HEX_COLOUR.test(color))
    throw invalid('widget.color must be a CSS colour #rgb or #rrggbb');
  const position = w.position.trim();
  if (!WIDGET_POSITIONS.includes(position)) throw invalid('widget.position must be "left", "right" or empty');
  const { messageLength } = SETTINGS_LIMITS;
  return {
    title: requireText('widget.title', w.title, SETTINGS_LIMITS.titleLength),
    color,
    position,
    preChatEnabled: w.preChatEnabled,
    preChatFields: validatePreChatFields(w.preChatFields),
    welcomeMessage: requireText('widget.welcome_message', w.welcomeMessage, messageLength),
    offlineMessage: requireText('widget.offline_message', w.offlineMessage, messageLength),
    csatEnabled: w.csatEnabled,
  };
}

/**
 * Checks every field of a tenant's settings and returns them normalised (trimmed text, de-duplicated
 * keywords). `groups` are the ids of the tenant's existing groups: rules and the default group must name one.
 */
export function validateTenantSettings(
  settings: TenantSettings,
  groups: ReadonlySet<string>,
): TenantSettings {
  const L = SETTINGS_LIMITS;
  const defaultGroupId = settings.defaultGroupId;
  if (defaultGroupId !== '' && !groups.has(defaultGroupId)) {
    throw invalid(`default_group_id: group "${defaultGroupId.slice(0, 64)}" does not exist`);
  }
  const idleCloseS = requireUint('idle_close_s', settings.idleCloseS, L.idleCloseS);
  const idleWarningS = requireUint('idle_warning_s', settings.idleWarningS, L.idleWarningS);
  if (!settings.idleCloseDisabled) {
    const close = idleCloseS === 0 ? DEFAULT_IDLE_CLOSE_S : idleCloseS;
    const warning = idleWarningS === 0 ? DEFAULT_IDLE_WARNING_S : idleWarningS;
    if (warning >= close) {
      throw invalid(
        `idle_warning_s (${warning}) must be less than idle_close_s (${close}), defaults included`,
      );
    }
  }
  return {
    weights: validateWeights(settings.weights),
    businessHours: validateBusinessHours('business_hours', settings.businessHours),
    rules: validateRules(settings.rules, groups),
    defaultGroupId,
    acceptTimeoutS: requireUint('accept_timeout_s', settings.acceptTimeoutS, L.acceptTimeoutS),
    idleCloseS,
    idleWarningS,
    reopenWindowS: requireUint('reopen_window_s', settings.reopenWindowS, L.reopenWindowS),
    defaultMaxConcurrent: optionalMaxConcurrent(settings.defaultMaxConcurrent, 'default_max_concurrent'),
    widget: validateWidget(settings.widget),
    idleCloseDisabled: settings.idleCloseDisabled,
    reopenDisabled: settings.reopenDisabled,
  };
}

/** A readable group id from its name ("Pre-sales EU" → "pre-sales-eu"); undefined when nothing is left. */
export function groupIdFromName(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 64)
    .replace(/^-+|-+$/g, '');
  return slug === '' ? undefined : slug;
}
