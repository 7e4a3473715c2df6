import { fairShare, liveInstances, planLeases, type LeaseView, type PlanInput } from './lease-plan';

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    self: 'a',
    nowMs: 10_000,
    totalPartitions: 8,
    leases: new Map(),
    instances: new Map([['a', 20_000]]),
    owned: new Set(),
    ...overrides,
  };
}

function leased(owner: string, expiresAtMs: number, revision = 1): LeaseView {
  return { owner, expiresAtMs, revision };
}

test('fairShare - rounds up so every partition has room', () => {
  expect(fairShare(64, 1)).toBe(64);
  expect(fairShare(64, 3)).toBe(22);
  expect(fairShare(64, 0)).toBe(64);
});

test('liveInstances - counts unexpired heartbeats and self even before its own is visible', () => {
  const instances = new Map([
    ['a', 20_000],
    ['b', 5_000],
    ['c', 30_000],
  ]);
  expect(liveInstances('a', 10_000, instances)).toBe(2);
  expect(liveInstances('z', 10_000, instances)).toBe(3);
});

test('planLeases - a lone instance takes every unleased partition', () => {
  expect(planLeases(input())).toEqual({ acquire: [0, 1, 2, 3, 4, 5, 6, 7], release: [] });
});

test('planLeases - with two live instances each aims for half, lowest free partitions first', () => {
  const plan = planLeases(
    input({
      instances: new Map([
        ['a', 20_000],
        ['b', 20_000],
      ]),
      leases: new Map([
        [0, leased('b', 20_000)],
        [1, leased('b', 20_000)],
      ]),
    }),
  );
  expect(plan).toEqual({ acquire: [2, 3, 4, 5], release: [] });
});

test('planLeases - expired leases and leases of an earlier life of self are taken', () => {
  const plan = planLeases(
    input({
      totalPartitions: 3,
      leases: new Map([
        [0, leased('dead', 9_999)],
        [1, leased('a', 50_000)],
        [2, leased('b', 50_000)],
      ]),
    }),
  );
  expect(plan.acquire).toEqual([0, 1]);
});

test('planLeases - an instance above its fair share hands the highest partitions over', () => {
  const plan = planLeases(
    input({
      instances: new Map([
        ['a', 20_000],
        ['b', 20_000],
        ['c', 20_000],
      ]),
      owned: new Set([0, 1, 2, 3, 4, 5, 6, 7]),
    }),
  );
  expect(plan).toEqual({ acquire: [], release: [3, 4, 5, 6, 7] });
});

test('planLeases - whatever the lease table, never plans to take a live lease of another instance', () => {
  // A small exhaustive sweep over owners and expiries stands in for a property test.
  const owners = ['a', 'b', 'c'];
  for (let seed = 0; seed < 500; seed++) {
    const leases = new Map<number, LeaseView>();
    const owned = new Set<number>();
    for (let p = 0; p < 8; p++) {
      const r = (seed * 7919 + p * 104_729) % 11;
      if (r < 3) continue;
      const owner = owners[r % 3] ?? 'a';
      const expires = r % 2 === 0 ? 5_000 : 50_000;
      leases.set(p, leased(owner, expires));
      if (owner === 'a' && expires > 10_000 && r % 4 !== 0) owned.add(p);
    }
    const plan = planLeases(
      input({
        leases,
        owned,
        instances: new Map([
          ['a', 20_000],
          ['b', 20_000],
        ]),
      }),
    );
    for (const p of plan.acquire) {
      const l = leases.get(p);
      expect(owned.has(p)).toBe(false);
      expect(l === undefined || l.expiresAtMs <= 10_000 || l.owner === 'a').toBe(true);
    }
    expect(owned.size + plan.acquire.length - plan.release.length).toBeLessThanOrEqual(4);
    for (const p of plan.release) expect(owned.has(p)).toBe(true);
  }
});
