import type { JSX } from 'preact';
import { useId } from 'preact/hooks';
import { useAdmin } from './components';
import type { MessageKey } from './i18n';
import {
  COMMON_TIME_ZONES,
  defaultWeekDays,
  endInputToMinutes,
  localTimeZone,
  MINUTES_PER_DAY,
  nextWindow,
  WEEKDAYS_MONDAY_FIRST,
  WHOLE_DAY,
  type WeekDraft,
  type WeekIssue,
  type WeekValidation,
  type WindowDraft,
} from './time';

const ISSUE_KEYS: Readonly<Record<WeekIssue, MessageKey>> = {
  time_zone_invalid: 'err_time_zone',
  time_invalid: 'err_time',
  window_order: 'err_window_order',
  window_overlap: 'err_window_overlap',
  window_range: 'err_window_range',
  no_open_day: 'err_no_open_day',
  too_many_windows: 'err_too_many_windows',
};

export const WEEKDAY_KEYS: readonly MessageKey[] = [
  'weekday_0',
  'weekday_1',
  'weekday_2',
  'weekday_3',
  'weekday_4',
  'weekday_5',
  'weekday_6',
];

export const WEEKDAY_SHORT_KEYS: readonly MessageKey[] = [
  'weekday_short_0',
  'weekday_short_1',
  'weekday_short_2',
  'weekday_short_3',
  'weekday_short_4',
  'weekday_short_5',
  'weekday_short_6',
];

const TIME_ZONE_LIST_ID = 'sb-admin-time-zones';

/** The shared datalist of the time zone inputs (rendered once by AdminPages). */
export function TimeZoneList(): JSX.Element {
  return (
    <datalist id={TIME_ZONE_LIST_ID}>
      {COMMON_TIME_ZONES.map((z) => (
        <option key={z} value={z} />
      ))}
    </datalist>
  );
}

function isWholeDay(w: WindowDraft): boolean {
  return w.start === '00:00' && endInputToMinutes(w.end) === MINUTES_PER_DAY;
}

/**
 * Weekly opening hours: a time zone, then either "no schedule" (`offLabel`: always open for the tenant, the
 * tenant's hours for a group) or one row per weekday with its windows.
 */
export function WeeklyHours(props: {
  value: WeekDraft;
  onChange: (next: WeekDraft) => void;
  validation: WeekValidation;
  offLabel: MessageKey;
  onLabel: MessageKey;
  /** Only problems of fields the user has touched or tried to save are shown. */
  showIssues: boolean;
  /** Groups: the zone only matters for their own schedule, so it is hidden without one. */
  zoneOnlyWhenScheduled?: boolean;
}): JSX.Element {
  const { t } = useAdmin();
  const id = useId();
  const { value, validation } = props;
  const zoneIssue = props.showIssues ? validation.timeZone : undefined;
  const showZone =
    value.scheduled || props.zoneOnlyWhenScheduled !== true || validation.timeZone !== undefined;
  const setDay = (weekday: number, list: readonly WindowDraft[]) => {
    props.onChange({ ...value, days: value.days.map((d, i) => (i === weekday ? list : d)) });
  };
  return (
    <div class="sb-admin-hours">
      <fieldset class="sb-admin-segmented" aria-label={t('schedule')}>
        {[false, true].map((scheduled) => (
          <label
            class={`sb-admin-segment${value.scheduled === scheduled ? ' sb-admin-segment--on' : ''}`}
            key={String(scheduled)}
          >
            <input
              type="radio"
              name={`${id}-mode`}
              value={scheduled ? 'schedule' : 'none'}
              checked={value.scheduled === scheduled}
              onChange={() => {
                const empty = value.days.every((d) => d.length === 0);
                props.onChange({
                  ...value,
                  scheduled,
                  days: scheduled && empty ? defaultWeekDays() : value.days,
                });
              }}
            />
            {t(scheduled ? props.onLabel : props.offLabel)}
          </label>
        ))}
      </fieldset>

      {showZone ? (
        <div class={`sb-admin-field${zoneIssue === undefined ? '' : ' sb-admin-field--invalid'}`}>
          <label class="sb-admin-label" for={`${id}-zone`}>
            {t('time_zone')}
          </label>
          <div class="sb-admin-inline">
            <input
              id={`${id}-zone`}
              name="time_zone"
              class="sb-admin-input sb-admin-input--zone"
              type="text"
              list={TIME_ZONE_LIST_ID}
              value={value.time_zone}
              placeholder="UTC"
              autocomplete="off"
              spellcheck={false}
              aria-invalid={zoneIssue === undefined ? undefined : true}
              aria-describedby={`${id}-zone-hint`}
              onInput={(e) => {
                props.onChange({ ...value, time_zone: e.currentTarget.value });
              }}
            />
            <button
              type="button"
              class="sb-admin-button sb-admin-button--small"
              onClick={() => {
                props.onChange({ ...value, time_zone: localTimeZone() });
              }}
            >
              {t('use_my_time_zone')}
            </button>
          </div>
          <p class="sb-admin-hint" id={`${id}-zone-hint`}>
            {t('time_zone_hint')}
          </p>
          {zoneIssue === undefined ? null : (
            <p class="sb-admin-field-error" role="alert">
              {t(ISSUE_KEYS[zoneIssue], { zone: value.time_zone })}
            </p>
          )}
        </div>
      ) : null}

      {value.scheduled ? (
        <div class="sb-admin-week" role="group" aria-label={t('weekly_schedule')}>
          {WEEKDAYS_MONDAY_FIRST.map((weekday) => {
            const list = value.days[weekday] ?? [];
            const open = list.length > 0;
            const dayName = t(WEEKDAY_KEYS[weekday] ?? 'weekday_0');
            return (
              <div class="sb-admin-day" key={weekday} data-weekday={weekday}>
                <div class="sb-admin-day-name">
                  <label class="sb-admin-check">
                    <input
                      type="checkbox"
                      checked={open}
                      aria-label={t('day_open', { day: dayName })}
                      onChange={(e) => {
                        setDay(weekday, e.currentTarget.checked ? [nextWindow([])] : []);
                      }}
                    />
                    <span>{dayName}</span>
                  </label>
                </div>
                <div class="sb-admin-day-windows">
                  {open ? null : <span class="sb-admin-muted sb-admin-day-closed">{t('closed')}</span>}
                  {list.map((w, index) => {
                    const issue = props.showIssues
                      ? validation.windows.get(`${weekday}:${index}`)
                      : undefined;
                    const label = t('window_label', { day: dayName, n: index + 1 });
                    return (
                      <div class="sb-admin-window" key={index}>
                        <div
                          class={`sb-admin-window-times${issue === undefined ? '' : ' sb-admin-window-times--invalid'}`}
                        >
                          <input
                            type="time"
                            class="sb-admin-input sb-admin-input--time"
                            step={300}
                            value={w.start}
                            aria-label={`${label} ${t('opens')}`}
                            aria-invalid={issue === undefined ? undefined : true}
                            onInput={(e) => {
                              setDay(
                                weekday,
                                list.map((x, i) =>
                                  i === index ? { ...x, start: e.currentTarget.value } : x,
                                ),
                              );
                            }}
                          />
                          <span class="sb-admin-window-dash" aria-hidden="true">
                            –
                          </span>
                          <input
                            type="time"
                            class="sb-admin-input sb-admin-input--time"
                            step={300}
                            value={w.end}
                            aria-label={`${label} ${t('closes')}`}
                            aria-invalid={issue === undefined ? undefined : true}
                            onInput={(e) => {
                              setDay(
                                weekday,
                                list.map((x, i) => (i === index ? { ...x, end: e.currentTarget.value } : x)),
                              );
                            }}
                          />
                          {isWholeDay(w) ? (
                            <span class="sb-admin-badge">{t('all_day')}</span>
                          ) : endInputToMinutes(w.end) === MINUTES_PER_DAY ? (
                            <span class="sb-admin-muted sb-admin-small">{t('until_midnight')}</span>
                          ) : null}
                          <button
                            type="button"
                            class="sb-admin-icon-button"
                            aria-label={t('remove_window', { label })}
                            title={t('remove')}
                            onClick={() => {
                              setDay(
                                weekday,
                                list.filter((_, i) => i !== index),
                              );
                            }}
                          >
                            ×
                          </button>
                        </div>
                        {issue === undefined ? null : (
                          <p class="sb-admin-field-error" role="alert">
                            {t(ISSUE_KEYS[issue])}
                          </p>
                        )}
                      </div>
                    );
                  })}
                </div>
                <div class="sb-admin-day-actions">
                  <button
                    type="button"
                    class="sb-admin-link-button"
                    aria-label={t('add_window_to', { day: dayName })}
                    onClick={() => {
                      setDay(weekday, [...list, nextWindow(list)]);
                    }}
                  >
                    + {t('add_window')}
                  </button>
                  <button
                    type="button"
                    class="sb-admin-link-button"
                    aria-label={t('all_day_for', { day: dayName })}
                    onClick={() => {
                      setDay(weekday, [WHOLE_DAY]);
                    }}
                  >
                    {t('all_day_short')}
                  </button>
                </div>
              </div>
            );
          })}
          <p class="sb-admin-hint">{t('midnight_hint')}</p>
          {props.showIssues && validation.schedule !== undefined ? (
            <p class="sb-admin-field-error" role="alert">
              {t(ISSUE_KEYS[validation.schedule])}
            </p>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
