import { tenantPolicy } from '@switchboard/proto';
import { settings } from '../testing/fixtures';
import { capacityOf, resolveSettings } from './settings';

describe('resolveSettings', () => {
  it('resolveSettings - zero values and no settings mean the documented defaults', () => {
    for (const s of [undefined, settings()]) {
      expect(resolveSettings(s)).toMatchObject({
        defaultGroupId: 'general',
        acceptTimeoutMs: 30_000,
        idleCloseMs: 1_800_000,
        idleWarningMs: 120_000,
        reopenWindowMs: 600_000,
        defaultMaxConcurrent: 5,
        weights: { response: 0.4, csat: 0.3, idle: 0.3, responseDecay: 0.5 },
      });
    }
  });

  it('resolveSettings - set values win; disabled idle close and reopen', () => {
    const r = resolveSettings(
      settings({
        defaultGroupId: 'sales',
        acceptTimeoutS: 10,
        idleCloseS: 60,
        idleWarningS: 5,
        reopenWindowS: 30,
        defaultMaxConcurrent: 2,
      }),
    );
    expect(r).toMatchObject({
      defaultGroupId: 'sales',
      acceptTimeoutMs: 10_000,
      idleCloseMs: 60_000,
      idleWarningMs: 5000,
      reopenWindowMs: 30_000,
      defaultMaxConcurrent: 2,
    });
    const off = resolveSettings(
      settings({ idleCloseDisabled: true, reopenDisabled: true, reopenWindowS: 30 }),
    );
    expect(off.idleCloseMs).toBeUndefined();
    expect(off.reopenWindowMs).toBe(0);
  });

  it('resolveSettings - weights: all zero means defaults, otherwise as given (decay defaults alone)', () => {
    expect(
      resolveSettings(settings({ weights: { response: 0, csat: 0, idle: 0, responseDecay: 0 } })).weights,
    ).toEqual(tenantPolicy(undefined).weights);
    expect(
      resolveSettings(settings({ weights: { response: 1, csat: 0, idle: 0, responseDecay: 0 } })).weights,
    ).toEqual({
      response: 1,
      csat: 0,
      idle: 0,
      responseDecay: 0.5,
    });
  });

  it('resolveSettings - the offline message comes from the widget settings', () => {
    const r = resolveSettings(
      settings({
        widget: {
          title: '',
          color: '',
          position: '',
          preChatEnabled: false,
          preChatFields: [],
          welcomeMessage: '',
          offlineMessage: 'We are closed',
          csatEnabled: false,
        },
      }),
    );
    expect(r.offlineMessage).toBe('We are closed');
  });
});

describe('capacityOf', () => {
  const tenantDefault = { defaultMaxConcurrent: 4 };
  it('capacityOf - agent, else group, else tenant default, else 5', () => {
    expect(capacityOf({ maxConcurrent: 2 }, { maxConcurrentPerAgent: 3 }, tenantDefault)).toBe(2);
    expect(capacityOf({ maxConcurrent: 0 }, { maxConcurrentPerAgent: 3 }, tenantDefault)).toBe(3);
    expect(capacityOf({ maxConcurrent: 0 }, { maxConcurrentPerAgent: 0 }, tenantDefault)).toBe(4);
    expect(capacityOf({ maxConcurrent: 0 }, undefined, tenantDefault)).toBe(4);
    expect(capacityOf(undefined, undefined, { defaultMaxConcurrent: 0 })).toBe(5);
  });
});
