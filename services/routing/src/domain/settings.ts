import {
  DEFAULT_GROUP_ID,
  DEFAULT_MAX_CONCURRENT,
  tenantPolicy,
  type Agent,
  type BusinessHours,
  type Group,
  type RoutingRule,
  type TenantSettings,
} from '@switchboard/proto';

/** Routing's own defaults; the tenant's documented ones come from `tenantPolicy` (@switchboard/proto). */
export const DEFAULTS = {
  groupId: DEFAULT_GROUP_ID,
  maxConcurrent: DEFAULT_MAX_CONCURRENT,
  /** A group's handle time before it has samples (the H of the wait estimate). */
  handleTimeMs: 300_000,
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
  const policy = tenantPolicy(s);
  return {
    defaultGroupId: policy.defaultGroupId,
    acceptTimeoutMs: policy.acceptTimeoutMs,
    idleCloseMs: policy.idleCloseMs === 0 ? undefined : policy.idleCloseMs,
    idleWarningMs: policy.idleWarningMs,
    reopenWindowMs: policy.reopenWindowMs,
    defaultMaxConcurrent: policy.defaultMaxConcurrent,
    weights: policy.weights,
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
