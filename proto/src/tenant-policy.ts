/**
 * A tenant's settings with every documented default filled in (config.proto, TenantSettings). Services read
 * policy through this, so a default is written once.
 */
import type { TenantSettings } from '../gen/switchboard/v1/config.pb';

export interface TenantPolicy {
  readonly weights: {
    readonly response: number;
    readonly csat: number;
    readonly idle: number;
    readonly responseDecay: number;
  };
  readonly defaultGroupId: string;
  readonly acceptTimeoutMs: number;
  /** 0 when idle close is disabled. */
  readonly idleCloseMs: number;
  readonly idleWarningMs: number;
  /** 0 when reopening is disabled. */
  readonly reopenWindowMs: number;
  readonly defaultMaxConcurrent: number;
}

export const DEFAULT_GROUP_ID = 'general';

export function tenantPolicy(s: TenantSettings | undefined): TenantPolicy {
  const w = s?.weights;
  const weightsSet = w !== undefined && (w.response !== 0 || w.csat !== 0 || w.idle !== 0);
  const or = (v: number | undefined, d: number): number => (v === undefined || v === 0 ? d : v);
  return {
    weights: {
      response: weightsSet ? w.response : 0.4,
      csat: weightsSet ? w.csat : 0.3,
      idle: weightsSet ? w.idle : 0.3,
      responseDecay: or(w?.responseDecay, 0.5),
    },
    defaultGroupId:
      s?.defaultGroupId !== undefined && s.defaultGroupId !== '' ? s.defaultGroupId : DEFAULT_GROUP_ID,
    acceptTimeoutMs: or(s?.acceptTimeoutS, 30) * 1000,
    idleCloseMs: s?.idleCloseDisabled === true ? 0 : or(s?.idleCloseS, 1800) * 1000,
    idleWarningMs: or(s?.idleWarningS, 120) * 1000,
    reopenWindowMs: s?.reopenDisabled === true ? 0 : or(s?.reopenWindowS, 600) * 1000,
    defaultMaxConcurrent: or(s?.defaultMaxConcurrent, 5),
  };
}
