import { AgentRole, ErrorCode } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import {
  listLimit,
  MAX_REPLY_TEXT,
  normalizeEmail,
  optionalMaxConcurrent,
  optionalSubjectToken,
  optionalVisitorId,
  requireLanguages,
  requireMaxConcurrent,
  requireName,
  requireReplyText,
  requireRevision,
  requireRole,
  requireShortcut,
  requireSubjectToken,
  requireSubjectTokens,
  requireTags,
  requireTimeZone,
  requireWidgetKey,
} from './validation';

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof SwitchboardError ? err.code : ErrorCode.ERROR_CODE_UNSPECIFIED;
  }
}

const INVALID = ErrorCode.ERROR_CODE_INVALID_ARGUMENT;

describe('validation', () => {
  it('validation - ids must be NATS subject tokens', () => {
    expect(requireSubjectToken('tenant id', 'demo')).toBe('demo');
    expect(requireSubjectToken('tenant id', '0b9f-2a_X')).toBe('0b9f-2a_X');
    for (const bad of ['', 'a.b', 'a*', 'a>', 'a b', 'x'.repeat(65), 'ünï']) {
      expect(codeOf(() => requireSubjectToken('tenant id', bad))).toBe(INVALID);
    }
  });

  it('validation - optional filters accept empty as "any"', () => {
    expect(optionalSubjectToken('agent_id', '')).toBeUndefined();
    expect(optionalSubjectToken('agent_id', 'a1')).toBe('a1');
    expect(codeOf(() => optionalSubjectToken('agent_id', 'a.1'))).toBe(INVALID);
    expect(optionalVisitorId('')).toBeUndefined();
    expect(optionalVisitorId('oAbC-123')).toBe('oAbC-123');
    expect(codeOf(() => optionalVisitorId('v'.repeat(257)))).toBe(INVALID);
  });

  it('validation - emails are trimmed, lowercased and must look like addresses', () => {
    expect(normalizeEmail('  Alice@Demo.TEST ')).toBe('alice@demo.test');
    for (const bad of ['', 'alice', 'alice@', '@demo.test', 'a b@demo.test', `${'a'.repeat(250)}@d.io`]) {
      expect(codeOf(() => normalizeEmail(bad))).toBe(INVALID);
    }
  });

  it('validation - names are trimmed and bounded', () => {
    expect(requireName('name', '  Demo Shop ')).toBe('Demo Shop');
    expect(codeOf(() => requireName('name', '   '))).toBe(INVALID);
    expect(codeOf(() => requireName('name', 'x'.repeat(201)))).toBe(INVALID);
  });

  it('validation - widget keys are URL-safe and at least 8 characters', () => {
    expect(requireWidgetKey('demo-widget-key')).toBe('demo-widget-key');
    expect(codeOf(() => requireWidgetKey('short'))).toBe(INVALID);
    expect(codeOf(() => requireWidgetKey('has space in it'))).toBe(INVALID);
  });

  it('validation - roles must be set and known', () => {
    expect(requireRole(AgentRole.AGENT_ROLE_ADMIN)).toBe(AgentRole.AGENT_ROLE_ADMIN);
    expect(codeOf(() => requireRole(AgentRole.AGENT_ROLE_UNSPECIFIED))).toBe(INVALID);
    expect(codeOf(() => requireRole(AgentRole.UNRECOGNIZED))).toBe(INVALID);
  });

  it('validation - max_concurrent is a positive bounded integer', () => {
    expect(requireMaxConcurrent(3)).toBe(3);
    for (const bad of [0, -1, 1.5, 101]) expect(codeOf(() => requireMaxConcurrent(bad))).toBe(INVALID);
  });

  it('validation - list limit defaults to 100 and is capped at 500', () => {
    expect(listLimit(0)).toBe(100);
    expect(listLimit(1)).toBe(1);
    expect(listLimit(500)).toBe(500);
    expect(listLimit(10_000)).toBe(500);
    expect(codeOf(() => listLimit(-1))).toBe(INVALID);
  });

  it('validation - revisions are non-negative safe integers', () => {
    expect(requireRevision(0)).toBe(0);
    expect(requireRevision(42)).toBe(42);
    expect(codeOf(() => requireRevision(-1))).toBe(INVALID);
    expect(codeOf(() => requireRevision(2 ** 60))).toBe(INVALID);
  });

  it('validation - a limit of 0 means the default where the contract allows it', () => {
    expect(optionalMaxConcurrent(0, 'max_concurrent_per_agent')).toBe(0);
    expect(optionalMaxConcurrent(100, 'max_concurrent_per_agent')).toBe(100);
    for (const bad of [-1, 1.5, 101]) {
      expect(codeOf(() => optionalMaxConcurrent(bad, 'max_concurrent_per_agent'))).toBe(INVALID);
    }
  });

  it('validation - skills are trimmed, de-duplicated, bounded in length and count', () => {
    expect(requireTags('skills', [' sales ', 'billing', 'sales'])).toEqual(['sales', 'billing']);
    expect(requireTags('skills', [])).toEqual([]);
    expect(codeOf(() => requireTags('skills', ['']))).toBe(INVALID);
    expect(codeOf(() => requireTags('skills', ['x'.repeat(65)]))).toBe(INVALID);
    expect(codeOf(() => requireTags('skills', ['a\u0000b']))).toBe(INVALID);
    const many = Array.from({ length: 33 }, (_, i) => `s${i}`);
    expect(codeOf(() => requireTags('skills', many))).toBe(INVALID);
  });

  it('validation - languages are canonical BCP 47 tags', () => {
    expect(requireLanguages('languages', ['en', 'zh-cn', 'ZH-CN', 'pt-BR'])).toEqual([
      'en',
      'zh-CN',
      'pt-BR',
    ]);
    for (const bad of ['', 'not a tag', 'x'.repeat(36), 'en_US']) {
      expect(codeOf(() => requireLanguages('languages', [bad]))).toBe(INVALID);
    }
  });

  it('validation - id lists are subject tokens without duplicates', () => {
    expect(requireSubjectTokens('group_ids', ['general', 'sales', 'general'])).toEqual(['general', 'sales']);
    expect(codeOf(() => requireSubjectTokens('group_ids', ['a.b']))).toBe(INVALID);
  });

  it('validation - time zones must be IANA zones the runtime knows; empty is UTC', () => {
    expect(requireTimeZone('tz', '')).toBe('');
    expect(requireTimeZone('tz', 'Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(requireTimeZone('tz', 'Europe/Berlin')).toBe('Europe/Berlin');
    for (const bad of ['Mars/Olympus', 'UTC+99', 'x'.repeat(65)]) {
      expect(codeOf(() => requireTimeZone('tz', bad))).toBe(INVALID);
    }
  });

  it('validation - shortcuts are lowercased tokens of at most 32 characters', () => {
    expect(requireShortcut(' Hello ')).toBe('hello');
    expect(requireShortcut('refund_policy-2')).toBe('refund_policy-2');
    for (const bad of ['', 'with space', 'a/b', 'é', 'x'.repeat(33)]) {
      expect(codeOf(() => requireShortcut(bad))).toBe(INVALID);
    }
  });

  it('validation - reply text is kept verbatim, not blank, at most 2000 characters', () => {
    expect(requireReplyText('  Hi {{visitor.name}}\n')).toBe('  Hi {{visitor.name}}\n');
    expect(requireReplyText('x'.repeat(MAX_REPLY_TEXT))).toHaveLength(MAX_REPLY_TEXT);
    expect(codeOf(() => requireReplyText(''))).toBe(INVALID);
    expect(codeOf(() => requireReplyText(' \n '))).toBe(INVALID);
    expect(codeOf(() => requireReplyText('x'.repeat(MAX_REPLY_TEXT + 1)))).toBe(INVALID);
  });
});
