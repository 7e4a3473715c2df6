import { fnv1a64, jumpHash, partitionOf } from './partition';

describe('partition', () => {
  it('fnv1a64 - matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });

  it('jumpHash - matches the C++ reference implementation (compiled with g++) for known keys', () => {
    const vectors: [bigint, number, number][] = [
      [0n, 1, 0],
      [0n, 1000, 0],
      [1n, 11, 6],
      [1n, 64, 55],
      [1n, 1000, 549],
      [42n, 11, 2],
      [42n, 64, 43],
      [42n, 1000, 571],
      [18446744073709551615n, 11, 10],
      [18446744073709551615n, 64, 10],
      [18446744073709551615n, 1000, 313],
      [10863919174838991n, 64, 21],
      [2016238256797177309n, 1000, 863],
    ];
    for (const [key, buckets, want] of vectors)
      expect([key, buckets, jumpHash(key, buckets)]).toEqual([key, buckets, want]);
  });

  it('partitionOf - matches the reference for conversation ids', () => {
    expect(partitionOf('conv-1', 64)).toBe(34);
    expect(partitionOf('0b4f3c1e-8c2a-4e7b-9d61-2f7a1c9e5b30', 64)).toBe(31);
    expect(partitionOf('demo', 64)).toBe(8);
  });

  it('jumpHash - stays in range and spreads keys evenly', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16000; i++) {
      const b = partitionOf(`conv-${i}`, 16);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThan(16);
      counts[b] = (counts[b] ?? 0) + 1;
    }
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('jumpHash - growing from n to n+1 buckets moves only keys into the new bucket', () => {
    let moved = 0;
    for (let i = 0; i < 10000; i++) {
      const a = partitionOf(`k${i}`, 10);
      const b = partitionOf(`k${i}`, 11);
      if (a !== b) {
        expect(b).toBe(10);
        moved++;
      }
    }
    expect(moved / 10000).toBeGreaterThan(0.06);
    expect(moved / 10000).toBeLessThan(0.12);
  });

  it('jumpHash - rejects a non-positive bucket count', () => {
    expect(() => jumpHash(1n, 0)).toThrow(RangeError);
  });
});
