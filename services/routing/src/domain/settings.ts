import type { Agent, BusinessHours, Group, RoutingRule, TenantSettings } from '@switchboard/proto';

/** The documented defaults of TenantSettings (docs/lifecycle.md §4), in one place. */
export const DEFAULTS = {
  groupId: 'general',
  acceptTimeoutS: 30,
  idleCloseS: 1800,
  idleWarningS: 120,
  reopenWindowS: 600,
  maxConcurrent: 5,
  /** A group's handle time before it has samples (the H of the wait estimate). */
  handleTimeMs: 300_000,
  weights: { response: 0.4, csat: 0.3, idle: 0.3, responseDecay: 0.5 },
} as const;

export interface ScoreWeightsResolved {
  readonly response: number;
  readonly csat: number;
  readonly idle: number;
  /** Per second of average response time. */
  readonly responseDecay: number;
}

/** A tenant's settings with every zero value replaced by its default. */
export interface ResolvedSettings {
  readonly defaultGroupId: string;
  readonly acceptTimeoutMs: number;
  /** undefined: idle close is disabled. */
  readonly idleCloseMs: number | undefined;
  readonly idleWarningMs: number;
  /** 0: a closed conversation never reopens. */
  readonly reopenWindowMs: number;
  readonly defaultMaxConcurrent: number;
  readonly weights: ScoreWeightsResolved;
  readonly businessHours: BusinessHours | undefined;
  readonly rules: readonly RoutingRule[];
  readonly offlineMessage: string;
}

export function resolveSettings(s: TenantSettings | undefined): ResolvedSettings {
  const w = s?.weights;
  const weightsSet = w !== undefined && (w.response > 0 || w.csat > 0 || w.idle > 0);
  return {
    defaultGroupId:
      s?.defaultGroupId !== undefined && s.defaultGroupId !== '' ? s.defaultGroupId : DEFAULTS.groupId,
    acceptTimeoutMs: 1000 * positiveOr(s?.acceptTimeoutS, DEFAULTS.acceptTimeoutS),
    idleCloseMs:
      s?.idleCloseDisabled === true ? undefined : 1000 * positiveOr(s?.idleCloseS, DEFAULTS.idleCloseS),
    idleWarningMs: 1000 * positiveOr(s?.idleWarningS, DEFAULTS.idleWarningS),
    reopenWindowMs:
      s?.reopenDisabled === true ? 0 : 1000 * positiveOr(s?.reopenWindowS, DEFAULTS.reopenWindowS),
    defaultMaxConcurrent: positiveOr(s?.defaultMaxConcurrent, DEFAULTS.maxConcurrent),
    weights: {
      response: weightsSet ? Math.max(0, w.response) : DEFAULTS.weights.response,
      csat: weightsSet ? Math.max(0, w.csat) : DEFAULTS.weights.csat,
      idle: weightsSet ? Math.max(0, w.idle) : DEFAULTS.weights.idle,
      responseDecay: positiveOr(w?.responseDecay, DEFAULTS.weights.responseDecay),
    },
    businessHours: s?.businessHours,
    rules: s?.rules ?? [],
    offlineMessage: s?.widget?.offlineMessage ?? '',
  };
}

/**
 * Conversations an agent may hold at once when offered one of `group`: the agent's own limit, else the
 * group's, else the tenant default, else 5.
 */
export function capacityOf(
  agent: Pick<Agent, 'maxConcurrent'> | undefined,
  group: Pick<Group, 'maxConcurrentPerAgent'> | undefined,
  settings: Pick<ResolvedSettings, 'defaultMaxConcurrent'>,
): number {
  if (agent !== undefined && agent.maxConcurrent > 0) return agent.maxConcurrent;
  if (group !== undefined && group.maxConcurrentPerAgent > 0) return group.maxConcurrentPerAgent;
  return settings.defaultMaxConcurrent > 0 ? settings.defaultMaxConcurrent : DEFAULTS.maxConcurrent;
}

function positiveOr(v: number | undefined, def: number): number {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : def;
}
