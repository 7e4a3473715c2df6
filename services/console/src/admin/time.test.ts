import {
  endInputToMinutes,
  hhmmToMinutes,
  isTimeZone,
  minutesToEndInput,
  minutesToHhmm,
  nextWindow,
  summarizeWeek,
  validateWeekDraft,
  validateWindows,
  weekDraftFromHours,
  weekDraftToHours,
  weekValidationOk,
  type WeekDraft,
} from './time';
import type { OpeningWindow } from './types';

const w = (weekday: number, start: number, end: number): OpeningWindow => ({
  weekday,
  start_minute: start,
  end_minute: end,
});

const closedWeek = (): WeekDraft['days'] => [[], [], [], [], [], [], []];

describe('time of day', () => {
  it('minutesToHhmm - pads and covers the whole day including 24:00', () => {
    expect(minutesToHhmm(0)).toBe('00:00');
    expect(minutesToHhmm(9 * 60 + 5)).toBe('09:05');
    expect(minutesToHhmm(1439)).toBe('23:59');
    expect(minutesToHhmm(1440)).toBe('24:00');
  });

  it('minutesToHhmm - clamps and rounds what is out of range', () => {
    expect(minutesToHhmm(-5)).toBe('00:00');
    expect(minutesToHhmm(2000)).toBe('24:00');
    expect(minutesToHhmm(59.6)).toBe('01:00');
  });

  it('hhmmToMinutes - parses H:MM and HH:MM up to 24:00', () => {
    expect(hhmmToMinutes('00:00')).toBe(0);
    expect(hhmmToMinutes('9:30')).toBe(570);
    expect(hhmmToMinutes(' 17:45 ')).toBe(1065);
    expect(hhmmToMinutes('24:00')).toBe(1440);
  });

  it('hhmmToMinutes - rejects anything else', () => {
    for (const bad of ['', '24:01', '25:00', '12:60', '12', '12:5', '1230', 'ab:cd', '-1:00', '12:00:00']) {
      expect([bad, hhmmToMinutes(bad)]).toEqual([bad, undefined]);
    }
  });

  it('hhmmToMinutes - round-trips every minute of the day', () => {
    for (let m = 0; m <= 1440; m++) expect(hhmmToMinutes(minutesToHhmm(m))).toBe(m);
  });

  it('endInputToMinutes - 00:00 as a closing time is midnight at the end of the day', () => {
    expect(endInputToMinutes('00:00')).toBe(1440);
    expect(endInputToMinutes('17:00')).toBe(1020);
    expect(endInputToMinutes('nope')).toBeUndefined();
    expect(minutesToEndInput(1440)).toBe('00:00');
    expect(minutesToEndInput(1020)).toBe('17:00');
  });
});

describe('validateWindows', () => {
  it('validateWindows - separate and touching windows are valid', () => {
    expect(validateWindows([w(1, 540, 720), w(1, 720, 1020), w(2, 0, 1440)]).size).toBe(0);
  });

  it('validateWindows - start must be before end', () => {
    expect([...validateWindows([w(1, 600, 600), w(1, 700, 650)])]).toEqual([
      [0, 'order'],
      [1, 'order'],
    ]);
  });

  it('validateWindows - bounds 0..1440, weekday 0..6, whole minutes', () => {
    const problems = validateWindows([w(1, -1, 60), w(1, 60, 1441), w(7, 0, 60), w(1, 1.5, 60), w(-1, 0, 1)]);
    expect([...problems.values()]).toEqual(['range', 'range', 'range', 'range', 'range']);
  });

  it('validateWindows - overlapping windows of a day are both marked, whatever their order', () => {
    expect([...validateWindows([w(3, 600, 900), w(3, 540, 660)])].sort()).toEqual([
      [0, 'overlap'],
      [1, 'overlap'],
    ]);
  });

  it('validateWindows - a window inside a long one overlaps it', () => {
    const problems = validateWindows([w(0, 0, 1440), w(0, 600, 660), w(0, 700, 800)]);
    expect([...problems.keys()].sort()).toEqual([0, 1, 2]);
  });

  it('validateWindows - the same hours on different days do not overlap', () => {
    expect(validateWindows([w(1, 540, 1020), w(2, 540, 1020)]).size).toBe(0);
  });
});

describe('summarizeWeek', () => {
  it('summarizeWeek - merges consecutive days with the same hours, Monday first, closed days left out', () => {
    const windows = [...[1, 2, 3, 4, 5].map((d) => w(d, 540, 1020)), w(6, 600, 840), w(0, 0, 1440)];
    expect(summarizeWeek(windows)).toEqual([
      { firstDay: 1, lastDay: 5, ranges: '09:00–17:00' },
      { firstDay: 6, lastDay: 6, ranges: '10:00–14:00' },
      { firstDay: 0, lastDay: 0, ranges: '00:00–24:00' },
    ]);
  });

  it('summarizeWeek - a closed day breaks a run; split days list every window', () => {
    const windows = [w(1, 540, 720), w(1, 780, 1020), w(2, 540, 720), w(2, 780, 1020), w(4, 540, 720)];
    expect(summarizeWeek(windows)).toEqual([
      { firstDay: 1, lastDay: 2, ranges: '09:00–12:00, 13:00–17:00' },
      { firstDay: 4, lastDay: 4, ranges: '09:00–12:00' },
    ]);
    expect(summarizeWeek([])).toEqual([]);
  });
});

describe('weekly draft', () => {
  it('weekDraftFromHours - no windows is the unscheduled mode with a Mon-Fri template', () => {
    const draft = weekDraftFromHours({ time_zone: '', windows: [] }, 'Asia/Shanghai');
    expect(draft.scheduled).toBe(false);
    expect(draft.time_zone).toBe('Asia/Shanghai');
    expect(draft.days.map((d) => d.length)).toEqual([0, 1, 1, 1, 1, 1, 0]);
  });

  it('weekDraftFromHours / weekDraftToHours - round trip, sorted, 24:00 kept', () => {
    const hours = {
      time_zone: 'Europe/Berlin',
      windows: [w(5, 780, 1080), w(1, 540, 720), w(0, 0, 1440), w(5, 540, 720)],
    };
    const draft = weekDraftFromHours(hours);
    expect(draft.scheduled).toBe(true);
    expect(draft.days[5]).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '18:00' },
    ]);
    expect(draft.days[0]).toEqual([{ start: '00:00', end: '00:00' }]);
    expect(weekDraftToHours(draft)).toEqual({
      time_zone: 'Europe/Berlin',
      windows: [w(0, 0, 1440), w(1, 540, 720), w(5, 540, 720), w(5, 780, 1080)],
    });
  });

  it('weekDraftToHours - the unscheduled mode sends no windows but keeps the zone', () => {
    const draft: WeekDraft = { time_zone: ' Asia/Tokyo ', scheduled: false, days: closedWeek() };
    expect(weekDraftToHours(draft)).toEqual({ time_zone: 'Asia/Tokyo', windows: [] });
  });

  it('validateWeekDraft - an unknown time zone is reported; empty means UTC', () => {
    const base: WeekDraft = { time_zone: 'Mars/Olympus', scheduled: false, days: closedWeek() };
    expect(validateWeekDraft(base).timeZone).toBe('time_zone_invalid');
    expect(weekValidationOk(validateWeekDraft({ ...base, time_zone: '' }))).toBe(true);
    expect(weekValidationOk(validateWeekDraft({ ...base, time_zone: 'America/New_York' }))).toBe(true);
  });

  it('validateWeekDraft - a schedule with every day closed is refused (it would mean always open)', () => {
    const v = validateWeekDraft({ time_zone: 'UTC', scheduled: true, days: closedWeek() });
    expect(v.schedule).toBe('no_open_day');
  });

  it('validateWeekDraft - window problems are keyed by weekday and index', () => {
    const days = closedWeek().map((d) => [...d]);
    days[1] = [
      { start: '09:00', end: '12:00' },
      { start: '11:00', end: '13:00' },
    ];
    days[2] = [{ start: '18:00', end: '09:00' }];
    days[3] = [{ start: '', end: '10:00' }];
    days[4] = [{ start: '09:00', end: '00:00' }];
    const v = validateWeekDraft({ time_zone: 'UTC', scheduled: true, days });
    expect(Object.fromEntries(v.windows)).toEqual({
      '1:0': 'window_overlap',
      '1:1': 'window_overlap',
      '2:0': 'window_order',
      '3:0': 'time_invalid',
    });
    expect(v.schedule).toBeUndefined();
  });

  it('validateWeekDraft - more than 70 windows is too many', () => {
    const many = Array.from({ length: 11 }, (_, i) => ({
      start: minutesToHhmm(i * 120),
      end: minutesToHhmm(i * 120 + 60),
    }));
    const v = validateWeekDraft({ time_zone: '', scheduled: true, days: closedWeek().map(() => many) });
    expect(v.schedule).toBe('too_many_windows');
  });

  it('nextWindow - 09:00-17:00 on a closed day, else an hour after the last window', () => {
    expect(nextWindow([])).toEqual({ start: '09:00', end: '17:00' });
    expect(nextWindow([{ start: '09:00', end: '12:00' }])).toEqual({ start: '13:00', end: '14:00' });
    expect(nextWindow([{ start: '20:00', end: '23:30' }])).toEqual({ start: '23:30', end: '00:00' });
  });

  it('isTimeZone - IANA zones known to the runtime', () => {
    expect(isTimeZone('Asia/Shanghai')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('')).toBe(true);
    expect(isTimeZone('Asia/Nowhere')).toBe(false);
    expect(isTimeZone('GMT+25')).toBe(false);
  });
});
