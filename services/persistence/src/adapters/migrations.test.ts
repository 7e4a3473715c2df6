import { migrations, parseServerVersion, planMigrations, versionAtLeast } from './migrations';

test('parseServerVersion - reads major and minor from version()', () => {
  expect(parseServerVersion('18.16.1')).toEqual({ major: 18, minor: 16 });
  expect(parseServerVersion('24.8.4.13')).toEqual({ major: 24, minor: 8 });
  expect(() => parseServerVersion('unknown')).toThrow('cannot parse');
});

test('versionAtLeast - compares major then minor', () => {
  expect(versionAtLeast({ major: 21, minor: 1 }, { major: 21, minor: 1 })).toBe(true);
  expect(versionAtLeast({ major: 20, minor: 12 }, { major: 21, minor: 1 })).toBe(false);
  expect(versionAtLeast({ major: 22, minor: 0 }, { major: 21, minor: 1 })).toBe(true);
});

test('planMigrations - skips the token index on ClickHouse 18.16 and applies it on current servers', () => {
  const old = planMigrations(migrations, new Set(), { major: 18, minor: 16 });
  expect(old.apply.map((m) => m.version)).toEqual([1]);
  expect(old.skip.map((m) => m.version)).toEqual([2]);
  const current = planMigrations(migrations, new Set(), { major: 24, minor: 8 });
  expect(current.apply.map((m) => m.version)).toEqual([1, 2]);
  expect(current.skip).toEqual([]);
});

test('planMigrations - applied migrations are not planned again', () => {
  const plan = planMigrations(migrations, new Set([1]), { major: 24, minor: 8 });
  expect(plan.apply.map((m) => m.version)).toEqual([2]);
});

test('migrations - versions are unique and ascending', () => {
  const versions = migrations.map((m) => m.version);
  expect([...versions].sort((a, b) => a - b)).toEqual(versions);
  expect(new Set(versions).size).toBe(versions.length);
});
