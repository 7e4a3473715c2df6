import type { ScoreWeightsResolved } from './settings';

const HOUR_MS = 3_600_000;

/** What an agent is scored by (a subset of AgentStats). */
export interface ScoreInputs {
  readonly avgResponseMs: number;
  readonly responseSamples: number;
  readonly csatSum: number;
  readonly csatCount: number;
  /** 0: never assigned. */
  readonly lastAssignedAtMs: number;
}

/**
 * `response·exp(−decay·avgResponseSec) + csat·(csat/5) + idle·min(idleHours/24, 1)` (docs/lifecycle.md
 * §4.3). No response samples count as 0 s, no ratings as 5 (benefit of the doubt), never assigned as 24 h.
 */
export function agentScore(s: ScoreInputs, w: ScoreWeightsResolved, nowMs: number): number {
  const responseSec = s.responseSamples > 0 ? Math.max(0, s.avgResponseMs) / 1000 : 0;
  const csat = s.csatCount > 0 ? Math.min(5, Math.max(0, s.csatSum / s.csatCount)) : 5;
  const idleHours = s.lastAssignedAtMs > 0 ? Math.max(0, nowMs - s.lastAssignedAtMs) / HOUR_MS : 24;
  return (
    w.response * Math.exp(-w.responseDecay * responseSec) +
    w.csat * (csat / 5) +
    w.idle * Math.min(idleHours / 24, 1)
  );
}

export interface ScoredAgent {
  readonly agentId: string;
  readonly score: number;
  readonly lastAssignedAtMs: number;
}

const EPSILON = 1e-9;

/** True when `a` should get the conversation before `b`: higher score, then longest since last assignment. */
export function ranksBefore(a: ScoredAgent, b: ScoredAgent): boolean {
  if (Math.abs(a.score - b.score) > EPSILON) return a.score > b.score;
  if (a.lastAssignedAtMs !== b.lastAssignedAtMs) return a.lastAssignedAtMs < b.lastAssignedAtMs;
  return a.agentId < b.agentId;
}

/** The best of `agents`, or undefined when there is none. */
export function bestAgent(agents: Iterable<ScoredAgent>): ScoredAgent | undefined {
  let best: ScoredAgent | undefined;
  for (const a of agents) if (best === undefined || ranksBefore(a, best)) best = a;
  return best;
}
