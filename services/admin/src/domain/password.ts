import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ErrorCode } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';

/** scrypt cost parameters; encoded into every hash so they can be raised without breaking old hashes. */
export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly keyLength: number;
  readonly saltLength: number;
}

/** One of OWASP's equivalent scrypt settings (N=2^15, r=8, p=3): 32 MiB per hash instead of 2^17's 128 MiB. */
export const defaultScryptParams: ScryptParams = { N: 32768, r: 8, p: 3, keyLength: 32, saltLength: 16 };

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;

/** Password policy for new passwords: length only (NIST 800-63B), long enough to resist guessing. */
export function checkPasswordPolicy(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new SwitchboardError(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      `password must be ${MIN_PASSWORD_LENGTH}-${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // maxmem must cover 128 * N * r bytes plus scrypt's own overhead.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, params.keyLength, options, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

/** `scrypt$N=32768,r=8,p=3$<salt base64>$<key base64>`: self-describing, never the password itself. */
export async function hashPassword(
  password: string,
  params: ScryptParams = defaultScryptParams,
): Promise<string> {
  const salt = randomBytes(params.saltLength);
  const key = await derive(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

interface ParsedHash {
  readonly params: ScryptParams;
  readonly salt: Buffer;
  readonly key: Buffer;
}

const ENCODED = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

function parseHash(encoded: string): ParsedHash | undefined {
  const m = ENCODED.exec(encoded);
  if (m === null) return undefined;
  const [, n, r, p, salt, key] = m;
  if (n === undefined || r === undefined || p === undefined || salt === undefined || key === undefined) {
    return undefined;
  }
  const keyBuf = Buffer.from(key, 'base64');
  const saltBuf = Buffer.from(salt, 'base64');
  const params = {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    keyLength: keyBuf.length,
    saltLength: saltBuf.length,
  };
  // Refuse absurd parameters so a tampered document cannot make a login burn gigabytes.
  if (params.N < 2 || params.N > 1 << 20 || params.r > 32 || params.p > 16 || params.keyLength < 16)
    return undefined;
  return { params, salt: saltBuf, key: keyBuf };
}

/** Constant-time check of `password` against an encoded hash; false for a malformed hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === undefined) return false;
  const candidate = await derive(password, parsed.salt, parsed.params);
  return candidate.length === parsed.key.length && timingSafeEqual(candidate, parsed.key);
}

/** True when a stored hash uses weaker parameters than `params`, so it should be replaced on next set. */
export function needsRehash(encoded: string, params: ScryptParams = defaultScryptParams): boolean {
  const parsed = parseHash(encoded);
  return (
    parsed === undefined ||
    parsed.params.N < params.N ||
    parsed.params.r < params.r ||
    parsed.params.p < params.p
  );
}

/**
 * Hashes and verifies passwords. Logins for unknown emails still pay for one scrypt run against a fixed
 * dummy hash, so response time does not reveal which emails exist.
 */
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  constructor(private readonly params: ScryptParams = defaultScryptParams) {}

  hash(password: string): Promise<string> {
    return hashPassword(password, this.params);
  }

  verify(password: string, encoded: string): Promise<boolean> {
    return verifyPassword(password, encoded);
  }

  needsRehash(encoded: string): boolean {
    return needsRehash(encoded, this.params);
  }

  /** Burns the same work as a real verify and always answers false. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummy ??= hashPassword('switchboard-dummy-password', this.params);
    await verifyPassword(password, await this.dummy);
    return false;
  }
}
