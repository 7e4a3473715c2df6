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
    /** Per second of average response time. */
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
export const DEFAULT_MAX_CONCURRENT = 5;

/** The value when it is a positive number, else the default (zero means "the default" in proto3). */
function positiveOr(v: number | undefined, def: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : def;
}

export function tenantPolicy(s: TenantSettings | undefined): TenantPolicy {
  const w = s?.weights;
  const weightsSet = w !== undefined && (w.response > 0 || w.csat > 0 || w.idle > 0);
  return {
    weights: {
      response: weightsSet ? Math.max(0, w.response) : 0.4,
      csat: weightsSet ? Math.max(0, w.csat) : 0.3,
      idle: weightsSet ? Math.max(0, w.idle) : 0.3,
      responseDecay: positiveOr(w?.responseDecay, 0.5),
    },
    defaultGroupId:
      s?.defaultGroupId !== undefined && s.defaultGroupId !== '' ? s.defaultGroupId : DEFAULT_GROUP_ID,
    acceptTimeoutMs: 1000 * positiveOr(s?.acceptTimeoutS, 30),
    idleCloseMs: s?.idleCloseDisabled === true ? 0 : 1000 * positiveOr(s?.idleCloseS, 1800),
    idleWarningMs: 1000 * positiveOr(s?.idleWarningS, 120),
    reopenWindowMs: s?.reopenDisabled === true ? 0 : 1000 * positiveOr(s?.reopenWindowS, 600),
    defaultMaxConcurrent: positiveOr(s?.defaultMaxConcurrent, DEFAULT_MAX_CONCURRENT),
  };
}
