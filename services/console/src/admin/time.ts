import type { BusinessHours, OpeningWindow } from './types';

export const MINUTES_PER_DAY = 1440;
/** The admin service's bound on a BusinessHours' windows. */
export const MAX_WINDOWS = 70;
/** Display order of the weekly editor: Monday first (0 = Sunday in the wire format). */
export const WEEKDAYS_MONDAY_FIRST: readonly number[] = [1, 2, 3, 4, 5, 6, 0];

const HHMM = /^(\d{1,2}):(\d{2})$/;

/** Minutes after midnight → `HH:MM`; 1440 is `24:00`. Out-of-range or fractional values are clamped/rounded. */
export function minutesToHhmm(minutes: number): string {
  const m = Math.min(MINUTES_PER_DAY, Math.max(0, Math.round(minutes)));
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** `H:MM` / `HH:MM` (00:00..24:00) → minutes after midnight; undefined for anything else. */
export function hhmmToMinutes(text: string): number | undefined {
  const match = HHMM.exec(text.trim());
  if (match === null) return undefined;
  const h = Number(match[1]);
  const m = Number(match[2]);
  if (m > 59 || h > 24 || (h === 24 && m !== 0)) return undefined;
  return h * 60 + m;
}

/**
 * An `<input type="time">` cannot show 24:00, so an end time of 00:00 means the end of the day: an end of
 * 0 would never be valid (start < end), so nothing is lost.
 */
export function endInputToMinutes(text: string): number | undefined {
  const m = hhmmToMinutes(text);
  return m === 0 ? MINUTES_PER_DAY : m;
}

/** The `<input type="time">` value of an end minute: 1440 → `00:00` (see endInputToMinutes). */
export function minutesToEndInput(minutes: number): string {
  return minutes >= MINUTES_PER_DAY ? '00:00' : minutesToHhmm(minutes);
}

/** The `<input type="time">` value of a start minute (a start is < 1440, so it never needs 24:00). */
export function minutesToStartInput(minutes: number): string {
  return minutesToHhmm(Math.min(minutes, MINUTES_PER_DAY - 1));
}

export type WindowProblem = 'range' | 'order' | 'overlap';

/**
 * Checks opening windows: weekday 0..6, 0 <= start < end <= 1440 (whole minutes), and no two windows of a
 * day overlapping (touching, 09:00-12:00 and 12:00-17:00, is fine). Returns one problem per bad window,
 * by index into `windows`; an empty map means valid.
 */
export function validateWindows(windows: readonly OpeningWindow[]): Map<number, WindowProblem> {
  const problems = new Map<number, WindowProblem>();
  const isInt = (n: number) => Number.isInteger(n);
  windows.forEach((w, i) => {
    if (!isInt(w.weekday) || w.weekday < 0 || w.weekday > 6) problems.set(i, 'range');
    else if (!isInt(w.start_minute) || !isInt(w.end_minute)) problems.set(i, 'range');
    else if (w.start_minute < 0 || w.end_minute > MINUTES_PER_DAY) problems.set(i, 'range');
    else if (w.start_minute >= w.end_minute) problems.set(i, 'order');
  });
  for (let day = 0; day <= 6; day++) {
    const ofDay = windows
      .map((w, i) => ({ w, i }))
      .filter(({ w, i }) => w.weekday === day && !problems.has(i))
      .sort((a, b) => a.w.start_minute - b.w.start_minute || a.w.end_minute - b.w.end_minute);
    let latestEnd = -1;
    let latestIndex = -1;
    for (const { w, i } of ofDay) {
      if (w.start_minute < latestEnd) {
        problems.set(i, 'overlap');
        if (!problems.has(latestIndex)) problems.set(latestIndex, 'overlap');
      }
      if (w.end_minute > latestEnd) {
        latestEnd = w.end_minute;
        latestIndex = i;
      }
    }
  }
  return problems;
}

/** Windows sorted by weekday, then start: the order the API gets them in, so saving is deterministic. */
export function sortWindows(windows: readonly OpeningWindow[]): OpeningWindow[] {
  return [...windows].sort(
    (a, b) => a.weekday - b.weekday || a.start_minute - b.start_minute || a.end_minute - b.end_minute,
  );
}

/** Whether the runtime knows the IANA zone; '' is valid and means UTC. */
export function isTimeZone(zone: string): boolean {
  if (zone === '') return true;
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The browser's own zone, for the "use my time zone" shortcut. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Offered in the time zone field's datalist; any other IANA zone may still be typed. */
export const COMMON_TIME_ZONES: readonly string[] = [
  'UTC',
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Asia/Seoul',
  'Asia/Kolkata',
  'Asia/Dubai',
  'Asia/Bangkok',
  'Asia/Jakarta',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Europe/London',
  'Europe/Dublin',
  'Europe/Lisbon',
  'Europe/Paris',
  'Europe/Berlin',
  'Europe/Madrid',
  'Europe/Amsterdam',
  'Europe/Stockholm',
  'Europe/Warsaw',
  'Europe/Istanbul',
  'Europe/Moscow',
  'Africa/Johannesburg',
  'Africa/Lagos',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Toronto',
  'America/Mexico_City',
  'America/Sao_Paulo',
  'America/Buenos_Aires',
];

/** One window of the weekly editor as its two `<input type="time">` values. */
export interface WindowDraft {
  readonly start: string;
  readonly end: string;
}

/** The weekly editor's state: what the inputs hold, so half-typed times survive until they are fixed. */
export interface WeekDraft {
  readonly time_zone: string;
  /** false: no windows (tenant: always open; group: the tenant's hours apply). */
  readonly scheduled: boolean;
  /** Indexed by weekday, 0 = Sunday; an empty list is a closed day. */
  readonly days: readonly (readonly WindowDraft[])[];
}

export const NINE_TO_FIVE: WindowDraft = { start: '09:00', end: '17:00' };
export const WHOLE_DAY: WindowDraft = { start: '00:00', end: '00:00' };

/** Mon-Fri 09:00-17:00: what a new schedule starts with. */
export function defaultWeekDays(): WindowDraft[][] {
  return [0, 1, 2, 3, 4, 5, 6].map((d) => (d === 0 || d === 6 ? [] : [NINE_TO_FIVE]));
}

export function weekDraftFromHours(hours: BusinessHours | undefined, fallbackZone = ''): WeekDraft {
  const windows = hours?.windows ?? [];
  if (windows.length === 0) {
    return { time_zone: hours?.time_zone || fallbackZone, scheduled: false, days: defaultWeekDays() };
  }
  const days: WindowDraft[][] = [[], [], [], [], [], [], []];
  for (const w of sortWindows(windows)) {
    days[w.weekday]?.push({
      start: minutesToStartInput(w.start_minute),
      end: minutesToEndInput(w.end_minute),
    });
  }
  return { time_zone: hours?.time_zone ?? '', scheduled: true, days };
}

export type WeekIssue =
  | 'time_zone_invalid'
  | 'time_invalid'
  | 'window_order'
  | 'window_overlap'
  | 'window_range'
  | 'no_open_day'
  | 'too_many_windows';

export interface WeekValidation {
  readonly timeZone?: WeekIssue;
  /** Whole-schedule problems (no open day, too many windows). */
  readonly schedule?: WeekIssue;
  /** `${weekday}:${index}` → the window's problem. */
  readonly windows: ReadonlyMap<string, WeekIssue>;
}

export function weekValidationOk(v: WeekValidation): boolean {
  return v.timeZone === undefined && v.schedule === undefined && v.windows.size === 0;
}

export function validateWeekDraft(draft: WeekDraft): WeekValidation {
  const windows = new Map<string, WeekIssue>();
  const timeZone = isTimeZone(draft.time_zone.trim()) ? undefined : 'time_zone_invalid';
  if (!draft.scheduled) return { ...(timeZone ? { timeZone } : {}), windows };
  const parsed: OpeningWindow[] = [];
  const keys: string[] = [];
  draft.days.forEach((list, weekday) => {
    list.forEach((w, index) => {
      const start = hhmmToMinutes(w.start);
      const end = endInputToMinutes(w.end);
      const key = `${weekday}:${index}`;
      if (start === undefined || end === undefined) windows.set(key, 'time_invalid');
      else {
        parsed.push({ weekday, start_minute: start, end_minute: end });
        keys.push(key);
      }
    });
  });
  for (const [i, problem] of validateWindows(parsed)) {
    const key = keys[i];
    if (key !== undefined) windows.set(key, `window_${problem}`);
  }
  const count = draft.days.reduce((n, list) => n + list.length, 0);
  const schedule: WeekIssue | undefined =
    count === 0 ? 'no_open_day' : count > MAX_WINDOWS ? 'too_many_windows' : undefined;
  return { ...(timeZone ? { timeZone } : {}), ...(schedule ? { schedule } : {}), windows };
}

/** The API form of a draft that validateWeekDraft accepted (unparsable windows are left out). */
export function weekDraftToHours(draft: WeekDraft): BusinessHours {
  const time_zone = draft.time_zone.trim();
  if (!draft.scheduled) return { time_zone, windows: [] };
  const windows: OpeningWindow[] = [];
  draft.days.forEach((list, weekday) => {
    for (const w of list) {
      const start = hhmmToMinutes(w.start);
      const end = endInputToMinutes(w.end);
      if (start !== undefined && end !== undefined) {
        windows.push({ weekday, start_minute: start, end_minute: end });
      }
    }
  });
  return { time_zone, windows: sortWindows(windows) };
}

/** A new window for a day: an hour long after the day's last one, or 09:00-17:00 on a closed day. */
export function nextWindow(list: readonly WindowDraft[]): WindowDraft {
  const last = list[list.length - 1];
  if (last === undefined) return NINE_TO_FIVE;
  const lastEnd = endInputToMinutes(last.end) ?? 0;
  if (lastEnd >= MINUTES_PER_DAY) return NINE_TO_FIVE;
  // An hour's gap when the day has room for it, else straight after the last window.
  const start = lastEnd + 120 <= MINUTES_PER_DAY ? lastEnd + 60 : lastEnd;
  return { start: minutesToStartInput(start), end: minutesToEndInput(Math.min(start + 60, MINUTES_PER_DAY)) };
}

/** One line of a weekly summary: a run of consecutive days (Monday first) with the same opening times. */
export interface WeekSummaryLine {
  readonly firstDay: number;
  readonly lastDay: number;
  /** `09:00–12:00, 13:00–17:00`. */
  readonly ranges: string;
}

/** Closed days are left out; consecutive days with identical windows are merged ("Mon–Fri 09:00–17:00"). */
export function summarizeWeek(windows: readonly OpeningWindow[]): WeekSummaryLine[] {
  const perDay = new Map<number, string>();
  for (const w of sortWindows(windows)) {
    const range = `${minutesToHhmm(w.start_minute)}–${minutesToHhmm(w.end_minute)}`;
    const before = perDay.get(w.weekday);
    perDay.set(w.weekday, before === undefined ? range : `${before}, ${range}`);
  }
  const lines: { firstDay: number; lastDay: number; ranges: string }[] = [];
  let previous: number | undefined;
  for (const day of WEEKDAYS_MONDAY_FIRST) {
    const ranges = perDay.get(day);
    const last = lines[lines.length - 1];
    if (ranges !== undefined) {
      if (
        last !== undefined &&
        previous !== undefined &&
        last.lastDay === previous &&
        last.ranges === ranges
      ) {
        last.lastDay = day;
      } else {
        lines.push({ firstDay: day, lastDay: day, ranges });
      }
    }
    previous = day;
  }
  return lines;
}
