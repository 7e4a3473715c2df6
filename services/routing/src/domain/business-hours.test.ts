import { isOpenAt, localWeekTime } from './business-hours';

// 2024-01-01 was a Monday. 02:30 UTC is 10:30 in Shanghai (UTC+8) and 21:30 on Sunday in New York (UTC-5).
const MON_0230_UTC = Date.UTC(2024, 0, 1, 2, 30);

describe('business hours', () => {
  it('localWeekTime - reads weekday and minute in the given IANA zone (UTC when empty)', () => {
    expect(localWeekTime(MON_0230_UTC, '')).toEqual({ weekday: 1, minute: 150 });
    expect(localWeekTime(MON_0230_UTC, 'Asia/Shanghai')).toEqual({ weekday: 1, minute: 630 });
    expect(localWeekTime(MON_0230_UTC, 'America/New_York')).toEqual({ weekday: 0, minute: 21 * 60 + 30 });
  });

  it('localWeekTime - midnight is minute 0, not 24:00', () => {
    expect(localWeekTime(Date.UTC(2024, 0, 2, 0, 0), 'UTC')).toEqual({ weekday: 2, minute: 0 });
  });

  it('localWeekTime - an unknown zone counts as UTC', () => {
    expect(localWeekTime(MON_0230_UTC, 'Mars/Olympus_Mons')).toEqual({ weekday: 1, minute: 150 });
  });

  it('isOpenAt - no hours or no windows means always open', () => {
    expect(isOpenAt(undefined, MON_0230_UTC)).toBe(true);
    expect(isOpenAt({ timeZone: 'Asia/Shanghai', windows: [] }, MON_0230_UTC)).toBe(true);
  });

  it('isOpenAt - windows are [start, end) minutes of a local weekday', () => {
    const hours = {
      timeZone: 'Asia/Shanghai',
      windows: [{ weekday: 1, startMinute: 9 * 60, endMinute: 10 * 60 + 30 }],
    };
    expect(isOpenAt(hours, MON_0230_UTC - 60_000)).toBe(true); // 10:29
    expect(isOpenAt(hours, MON_0230_UTC)).toBe(false); // 10:30, end exclusive
    expect(isOpenAt({ ...hours, timeZone: 'UTC' }, MON_0230_UTC)).toBe(false); // 02:30 UTC
  });

  it('isOpenAt - hours without a zone use the fallback zone', () => {
    const hours = { timeZone: '', windows: [{ weekday: 1, startMinute: 600, endMinute: 660 }] };
    expect(isOpenAt(hours, MON_0230_UTC, 'Asia/Shanghai')).toBe(true);
    expect(isOpenAt(hours, MON_0230_UTC)).toBe(false);
  });
});
