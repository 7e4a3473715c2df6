import { ErrorCode, TenantSettings, type RoutingRule, type WidgetSettings } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import {
  groupIdFromName,
  SETTINGS_LIMITS,
  validateBusinessHours,
  validateTenantSettings,
} from './settings-validation';

const GROUPS: ReadonlySet<string> = new Set(['general', 'sales']);

function errorOf(fn: () => unknown): SwitchboardError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof SwitchboardError) return err;
    throw err;
  }
}

function settings(overrides: Partial<TenantSettings> = {}): TenantSettings {
  return TenantSettings.fromPartial({ ...overrides });
}

function rule(overrides: Partial<RoutingRule> = {}): RoutingRule {
  return { id: 'pricing', groupId: 'sales', keywords: ['price'], pattern: '', priority: 0, ...overrides };
}

function widget(overrides: Partial<WidgetSettings> = {}): WidgetSettings {
  return {
    title: 'Demo',
    color: '#2563eb',
    position: 'right',
    preChatEnabled: false,
    preChatFields: [],
    welcomeMessage: '',
    offlineMessage: '',
    csatEnabled: true,
    ...overrides,
  };
}

/** Expects INVALID_ARGUMENT whose message mentions `mentions`. */
function expectInvalid(s: TenantSettings, mentions: string | RegExp): void {
  const err = errorOf(() => validateTenantSettings(s, GROUPS));
  expect(err?.code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
  expect(err?.message).toMatch(mentions);
}

describe('settings validation', () => {
  it('settings validation - empty settings are every default and valid', () => {
    expect(validateTenantSettings(settings(), GROUPS)).toEqual(settings());
  });

  it('settings validation - a full, valid configuration comes back normalised', () => {
    const input = settings({
      weights: { response: 0.5, csat: 0.25, idle: 0.25, responseDecay: 0.1 },
      businessHours: {
        timeZone: ' Asia/Shanghai ',
        windows: [{ weekday: 1, startMinute: 540, endMinute: 1080 }],
      },
      rules: [rule({ keywords: [' price ', 'pricing', 'price', '价格'], pattern: '^quote\\b', priority: 2 })],
      defaultGroupId: 'general',
      acceptTimeoutS: 45,
      idleCloseS: 3600,
      idleWarningS: 300,
      reopenWindowS: 900,
      defaultMaxConcurrent: 4,
      widget: widget({
        title: '  Switchboard Demo ',
        preChatFields: [{ key: 'name', labelEn: ' Name ', labelZh: '姓名', required: true }],
      }),
    });
    const out = validateTenantSettings(input, GROUPS);
    expect(out.businessHours?.timeZone).toBe('Asia/Shanghai');
    expect(out.rules[0]?.keywords).toEqual(['price', 'pricing', '价格']);
    expect(out.widget?.title).toBe('Switchboard Demo');
    expect(out.widget?.preChatFields[0]?.labelEn).toBe('Name');
    expect(out).toMatchObject({ acceptTimeoutS: 45, idleCloseS: 3600, defaultGroupId: 'general' });
  });

  it('settings validation - weights must be finite and non-negative', () => {
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectInvalid(
        settings({ weights: { response: 0.4, csat: bad, idle: 0.3, responseDecay: 0.5 } }),
        /weights\.csat/,
      );
    }
  });

  it('settings validation - business hours need a real zone and ordered windows inside a day', () => {
    const hours = (timeZone: string, weekday: number, startMinute: number, endMinute: number) =>
      settings({ businessHours: { timeZone, windows: [{ weekday, startMinute, endMinute }] } });
    expect(() => validateTenantSettings(hours('', 0, 0, 1440), GROUPS)).not.toThrow();
    expectInvalid(hours('Not/AZone', 1, 540, 1080), /time zone/);
    expectInvalid(hours('UTC', 7, 540, 1080), /weekday/);
    expectInvalid(hours('UTC', 1, 1080, 540), /before/);
    expectInvalid(hours('UTC', 1, 540, 540), /before/);
    expectInvalid(hours('UTC', 1, 0, 1441), /end_minute/);
    const tooMany = Array.from({ length: SETTINGS_LIMITS.windows + 1 }, () => ({
      weekday: 1,
      startMinute: 0,
      endMinute: 60,
    }));
    expectInvalid(settings({ businessHours: { timeZone: 'UTC', windows: tooMany } }), /at most/);
    expect(validateBusinessHours('business_hours', undefined)).toBeUndefined();
    const two = (a: [number, number, number], b: [number, number, number]) =>
      settings({
        businessHours: {
          timeZone: 'UTC',
          windows: [a, b].map(([weekday, startMinute, endMinute]) => ({ weekday, startMinute, endMinute })),
        },
      });
    expectInvalid(two([1, 600, 700], [1, 0, 601]), /overlap/);
    expectInvalid(two([1, 0, 600], [1, 0, 600]), /overlap/);
    // Touching windows, and the same hours on different days, are fine.
    expect(() => validateTenantSettings(two([1, 0, 600], [1, 600, 700]), GROUPS)).not.toThrow();
    expect(() => validateTenantSettings(two([1, 0, 600], [2, 0, 600]), GROUPS)).not.toThrow();
  });

  it('settings validation - routing rules need a token id, an existing group and sane matchers', () => {
    expectInvalid(settings({ rules: [rule({ id: 'bad id' })] }), /rules\[0\]\.id/);
    expectInvalid(settings({ rules: [rule(), rule()] }), /twice/);
    expectInvalid(settings({ rules: [rule({ groupId: 'nope' })] }), /group "nope" does not exist/);
    expectInvalid(settings({ rules: [rule({ keywords: [], pattern: '' })] }), /keywords or a pattern/);
    expectInvalid(settings({ rules: [rule({ keywords: ['  '] })] }), /keywords must be/);
    expectInvalid(settings({ rules: [rule({ keywords: ['k'.repeat(65)] })] }), /keywords must be/);
    const keywords = Array.from({ length: SETTINGS_LIMITS.keywords + 1 }, (_, i) => `k${i}`);
    expectInvalid(settings({ rules: [rule({ keywords })] }), /at most 50 keywords/);
    expectInvalid(settings({ rules: [rule({ pattern: '(unclosed' })] }), /regular expression/);
    expectInvalid(settings({ rules: [rule({ pattern: 'a'.repeat(201) })] }), /at most 200/);
    const rules = Array.from({ length: SETTINGS_LIMITS.rules + 1 }, (_, i) => rule({ id: `r${i}` }));
    expectInvalid(settings({ rules }), /routing rules/);
    const patternOnly = validateTenantSettings(
      settings({ rules: [rule({ keywords: [], pattern: 'refund|退款' })] }),
      GROUPS,
    );
    expect(patternOnly.rules[0]?.pattern).toBe('refund|退款');
  });

  it('settings validation - the default group must exist when set', () => {
    expectInvalid(settings({ defaultGroupId: 'support' }), /default_group_id/);
  });

  it('settings validation - timeouts are bounded and the idle warning comes before the close', () => {
    expectInvalid(settings({ acceptTimeoutS: 3601 }), /accept_timeout_s/);
    expectInvalid(settings({ idleCloseS: 7 * 86_400 + 1 }), /idle_close_s/);
    expectInvalid(settings({ reopenWindowS: 7 * 86_400 + 1 }), /reopen_window_s/);
    expectInvalid(settings({ idleWarningS: 86_401 }), /idle_warning_s/);
    expectInvalid(settings({ defaultMaxConcurrent: 101 }), /default_max_concurrent/);
    // A 60 s idle close with the default 120 s warning would warn after closing.
    expectInvalid(
      settings({ idleCloseS: 60 }),
      /idle_warning_s \(120\) must be less than idle_close_s \(60\)/,
    );
    expect(() =>
      validateTenantSettings(settings({ idleCloseS: 60, idleWarningS: 30, acceptTimeoutS: 3600 }), GROUPS),
    ).not.toThrow();
    expect(() =>
      validateTenantSettings(settings({ idleCloseS: 60, idleCloseDisabled: true }), GROUPS),
    ).not.toThrow();
  });

  it('settings validation - widget colour, position and pre-chat fields are checked', () => {
    for (const color of ['', '#fff', '#2563EB']) {
      expect(validateTenantSettings(settings({ widget: widget({ color }) }), GROUPS).widget?.color).toBe(
        color,
      );
    }
    for (const color of ['blue', '#12345', '#gggggg', 'rgb(0,0,0)', '#2563eb; x']) {
      expectInvalid(settings({ widget: widget({ color }) }), /widget\.color/);
    }
    for (const position of ['', 'left', 'right']) {
      expect(() => validateTenantSettings(settings({ widget: widget({ position }) }), GROUPS)).not.toThrow();
    }
    expectInvalid(settings({ widget: widget({ position: 'top' }) }), /widget\.position/);
    expectInvalid(
      settings({
        widget: widget({ preChatFields: [{ key: 'e mail', labelEn: '', labelZh: '', required: false }] }),
      }),
      /key/,
    );
    const field = { key: 'email', labelEn: 'Email', labelZh: '邮箱', required: true };
    expectInvalid(settings({ widget: widget({ preChatFields: [field, field] }) }), /twice/);
    expectInvalid(settings({ widget: widget({ title: 't'.repeat(101) }) }), /widget\.title/);
    expectInvalid(settings({ widget: widget({ offlineMessage: 'm'.repeat(1001) }) }), /offline_message/);
  });

  it('settings validation - group ids made from names are subject tokens', () => {
    expect(groupIdFromName('Sales')).toBe('sales');
    expect(groupIdFromName('  Pre-sales  EU / APAC ')).toBe('pre-sales-eu-apac');
    expect(groupIdFromName('Café Support')).toBe('cafe-support');
    expect(groupIdFromName('销售')).toBeUndefined();
    expect(groupIdFromName('x'.repeat(100))).toHaveLength(64);
  });
});
