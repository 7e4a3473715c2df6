import type { BusinessHours } from '@switchboard/proto';

/** A moment as a wall clock of some zone sees it: 0 = Sunday, minutes after local midnight. */
export interface LocalWeekTime {
  readonly weekday: number;
  readonly minute: number;
}

const WEEKDAYS: Readonly<Record<string, number>> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
    } catch {
      // An unknown IANA zone from the admin UI must not stop routing: such hours count in UTC.
      f = formatFor('UTC');
    }
    formats.set(timeZone, f);
  }
  return f;
}

/** The local weekday and minute of `atMs` in an IANA zone ('' = UTC). */
export function localWeekTime(atMs: number, timeZone: string): LocalWeekTime {
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatFor(timeZone === '' ? 'UTC' : timeZone).formatToParts(atMs)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value) % 24;
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minute: hour * 60 + minute };
}

/** True when `hours` has at least one opening window (no windows means always open). */
export function hasWindows(hours: BusinessHours | undefined): hours is BusinessHours {
  return hours !== undefined && hours.windows.length > 0;
}

/**
 * Whether `atMs` falls in one of the windows, read in the hours' own zone, else `fallbackZone`, else UTC.
 * Windows are [start, end) minutes of one local weekday.
 */
export function isOpenAt(hours: BusinessHours | undefined, atMs: number, fallbackZone = ''): boolean {
  if (!hasWindows(hours)) return true;
  const local = localWeekTime(atMs, hours.timeZone !== '' ? hours.timeZone : fallbackZone);
  return hours.windows.some(
    (w) => w.weekday === local.weekday && local.minute >= w.startMinute && local.minute < w.endMinute,
  );
}
