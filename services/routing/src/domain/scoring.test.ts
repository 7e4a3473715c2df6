import { tenantPolicy } from '@switchboard/proto';
import { agentScore, bestAgent, ranksBefore } from './scoring';

const HOUR = 3_600_000;
const NOW = 100 * HOUR;
const fresh = { avgResponseMs: 0, responseSamples: 0, csatSum: 0, csatCount: 0, lastAssignedAtMs: 0 };

describe('agentScore', () => {
  it('agentScore - an agent without history scores the maximum 1.0 with default weights', () => {
    expect(agentScore(fresh, tenantPolicy(undefined).weights, NOW)).toBeCloseTo(1.0, 10);
  });

  it('agentScore - follows 0.4·exp(−0.5·respSec) + 0.3·csat/5 + 0.3·min(idleH/24, 1)', () => {
    const s = {
      avgResponseMs: 2000,
      responseSamples: 3,
      csatSum: 8,
      csatCount: 2,
      lastAssignedAtMs: NOW - 6 * HOUR,
    };
    expect(agentScore(s, tenantPolicy(undefined).weights, NOW)).toBeCloseTo(
      0.4 * Math.exp(-1) + 0.3 * (4 / 5) + 0.3 * 0.25,
      10,
    );
  });

  it('agentScore - idle time caps at a day', () => {
    const s = { ...fresh, lastAssignedAtMs: NOW - 48 * HOUR };
    expect(agentScore(s, tenantPolicy(undefined).weights, NOW)).toBeCloseTo(1.0, 10);
  });

  it('agentScore - weights and decay from the tenant apply', () => {
    const w = { response: 1, csat: 0, idle: 0, responseDecay: 1 };
    expect(agentScore({ ...fresh, avgResponseMs: 1000, responseSamples: 1 }, w, NOW)).toBeCloseTo(
      Math.exp(-1),
      10,
    );
  });
});

describe('ranking', () => {
  it('ranksBefore - higher score first; equal scores: longest since last assignment', () => {
    const a = { agentId: 'a', score: 0.9, lastAssignedAtMs: 5 };
    const b = { agentId: 'b', score: 0.8, lastAssignedAtMs: 1 };
    expect(ranksBefore(a, b)).toBe(true);
    const c = { agentId: 'c', score: 0.9, lastAssignedAtMs: 1 };
    expect(ranksBefore(c, a)).toBe(true);
    expect(bestAgent([a, b, c])?.agentId).toBe('c');
    expect(bestAgent([])).toBeUndefined();
  });
});
