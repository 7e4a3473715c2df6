import { ErrorCode } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { fastScrypt } from '../testing/fakes';
import { checkPasswordPolicy, hashPassword, needsRehash, PasswordHasher, verifyPassword } from './password';

describe('password hashing', () => {
  it('password hashing - verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery', fastScrypt);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('correct horse batterY', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('password hashing - encodes algorithm, parameters and salt, never the password', async () => {
    const hash = await hashPassword('switchboard', fastScrypt);
    expect(hash).toMatch(/^scrypt\$N=1024,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(hash).not.toContain('switchboard');
  });

  it('password hashing - salts every hash differently', async () => {
    const a = await hashPassword('same password', fastScrypt);
    const b = await hashPassword('same password', fastScrypt);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same password', a)).toBe(true);
    expect(await verifyPassword('same password', b)).toBe(true);
  });

  it('password hashing - treats malformed or tampered hashes as a failed check', async () => {
    expect(await verifyPassword('x', 'plaintext')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$N=1024,r=8,p=1$abc')).toBe(false);
    // Absurd cost parameters are refused instead of burning memory.
    expect(
      await verifyPassword('x', 'scrypt$N=1073741824,r=8,p=1$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'),
    ).toBe(false);
  });

  it('password hashing - normalizes unicode so equivalent input verifies', async () => {
    const composed = 'caf\u00e9-password';
    const decomposed = 'cafe\u0301-password';
    const hash = await hashPassword(composed, fastScrypt);
    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it('password hashing - flags hashes weaker than the current parameters for rehash', async () => {
    const weak = await hashPassword('switchboard', fastScrypt);
    expect(needsRehash(weak, fastScrypt)).toBe(false);
    expect(needsRehash(weak, { ...fastScrypt, N: 2048 })).toBe(true);
    expect(needsRehash('garbage', fastScrypt)).toBe(true);
  });

  it('password hasher - dummy verification always fails', async () => {
    const hasher = new PasswordHasher(fastScrypt);
    expect(await hasher.verifyAgainstDummy('switchboard-dummy-password')).toBe(false);
  });
});

describe('password policy', () => {
  it('password policy - accepts 8 characters and refuses 7 with INVALID_ARGUMENT', () => {
    expect(() => {
      checkPasswordPolicy('12345678');
    }).not.toThrow();
    try {
      checkPasswordPolicy('1234567');
      throw new Error('expected a policy violation');
    } catch (err) {
      expect(err).toBeInstanceOf(SwitchboardError);
      expect((err as SwitchboardError).code).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    }
  });

  it('password policy - refuses absurdly long passwords', () => {
    expect(() => {
      checkPasswordPolicy('x'.repeat(1025));
    }).toThrow(SwitchboardError);
  });
});
