/**
 * Which session partition owns a conversation: jump consistent hash (Lamping & Veach, 2014) of a 64-bit
 * FNV-1a hash of the conversation id. Gateways and session instances must agree, so both use this.
 */

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a of the UTF-8 bytes of `s`. */
export function fnv1a64(s: string): bigint {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(s, 'utf8')) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h;
}

/** Maps a 64-bit key to a bucket in [0, buckets); moving from n to n+1 buckets moves only 1/(n+1) of keys. */
export function jumpHash(key: bigint, buckets: number): number {
  if (!Number.isInteger(buckets) || buckets < 1)
    throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  let k = key & MASK64;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / Number((k >> 33n) + 1n)));
  }
  return b;
}

export function partitionOf(conversationId: string, partitions: number): number {
  return jumpHash(fnv1a64(conversationId), partitions);
}
