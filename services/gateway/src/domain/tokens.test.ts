import { ErrorCode, ParticipantRole, type VisitorContext } from '@switchboard/proto';
import { errorCodeOf } from '@switchboard/shared';
import { decodeJwt, SignJWT } from 'jose';
import type { Identity } from './identity';
import { TokenService } from './tokens';
import { VISITOR_CONTEXT_LIMITS } from './visitor-context-bounds';

const secret = 'k'.repeat(40);
const visitor: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v-1',
  displayName: 'Ann',
  conversationId: 'c-1',
  supervisor: false,
  admin: false,
};
const agent: Identity = {
  ...visitor,
  role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
  participantId: 'a-1',
  conversationId: '',
};
const context: VisitorContext = {
  pageUrl: 'https://shop.example/checkout?step=2',
  referrer: 'https://www.example.com/',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  language: 'zh-CN',
  name: 'Ann Lee',
  email: 'ann@example.com',
  groupId: 'billing',
  fields: { order: 'A-1001', 'account-type': 'business', note: 'two\nlines' },
};

function codeOf(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  return p.then(() => undefined, errorCodeOf);
}

function service(): TokenService {
  return new TokenService(secret, { visitorS: 60, agentS: 60 });
}

/** A token signed with the service's key but with claims the service would not write. */
function forge(claims: Record<string, unknown>, subject: string): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuer('switchboard')
    .setAudience('switchboard-gateway')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

describe('TokenService', () => {
  it('issue/verify - a visitor token round-trips with its conversation, without context', async () => {
    const tokens = service();
    const { token } = await tokens.issue(visitor);
    const back = await tokens.verify(token);
    expect(back).toEqual(visitor);
    expect(back.context).toBeUndefined();
  });

  it('issue/verify - a visitor token round-trips with its whole context', async () => {
    const tokens = service();
    const { token } = await tokens.issue({ ...visitor, context });
    expect(await tokens.verify(token)).toEqual({ ...visitor, context });
  });

  it('issue - the context claim is compact: one-letter keys, empty values left out', async () => {
    const tokens = service();
    const { token } = await tokens.issue({
      ...visitor,
      context: { ...context, referrer: '', email: '', fields: {} },
    });
    expect(decodeJwt(token)['ctx']).toEqual({
      u: context.pageUrl,
      a: context.userAgent,
      l: 'zh-CN',
      n: 'Ann Lee',
      g: 'billing',
    });
  });

  it('issue - an all-empty context is left out of the token', async () => {
    const tokens = service();
    const empty: VisitorContext = { ...context, pageUrl: '', referrer: '', userAgent: '', language: '' };
    const { token } = await tokens.issue({
      ...visitor,
      context: { ...empty, name: '', email: '', groupId: '', fields: {} },
    });
    expect(decodeJwt(token)['ctx']).toBeUndefined();
    expect((await tokens.verify(token)).context).toBeUndefined();
  });

  it.each([
    ['agent', false, false],
    ['supervisor', true, false],
    ['admin', true, true],
  ] as const)('issue/verify - an %s token round-trips with its role', async (rank, supervisor, admin) => {
    const tokens = service();
    const identity: Identity = { ...agent, supervisor, admin };
    const { token } = await tokens.issue(identity);
    expect(decodeJwt(token)['ar']).toBe(rank);
    const back = await tokens.verify(token);
    expect(back).toEqual(identity);
    expect(back.context).toBeUndefined();
  });

  it('issue - an admin is always a supervisor too', async () => {
    const tokens = service();
    const { token } = await tokens.issue({ ...agent, supervisor: false, admin: true });
    expect(await tokens.verify(token)).toMatchObject({ supervisor: true, admin: true });
  });

  it('issue - an agent token never carries a context, a visitor token never a role', async () => {
    const tokens = service();
    const a = decodeJwt((await tokens.issue({ ...agent, context })).token);
    expect(a['ctx']).toBeUndefined();
    const v = decodeJwt((await tokens.issue({ ...visitor, supervisor: true, admin: true })).token);
    expect(v['ar']).toBeUndefined();
  });

  it('verify - visitors are never supervisors or admins, agents never have a context', async () => {
    const tokens = service();
    const v = await forge({ tid: 'demo', role: 'visitor', cid: 'c-1', ar: 'admin' }, 'v-1');
    expect(await tokens.verify(v)).toMatchObject({ supervisor: false, admin: false });
    const a = await forge({ tid: 'demo', role: 'agent', ar: 'agent', ctx: { u: 'https://x' } }, 'a-1');
    expect((await tokens.verify(a)).context).toBeUndefined();
  });

  it('verify - an agent token from before roles (no ar claim) is a plain agent', async () => {
    const tokens = service();
    const old = await forge({ tid: 'demo', role: 'agent', name: 'Al' }, 'a-1');
    expect(await tokens.verify(old)).toMatchObject({ supervisor: false, admin: false, displayName: 'Al' });
  });

  it('verify - an unknown or mistyped role claim is UNAUTHENTICATED', async () => {
    const tokens = service();
    for (const ar of ['owner', 1, true, ['admin']]) {
      const t = await forge({ tid: 'demo', role: 'agent', ar }, 'a-1');
      expect(await codeOf(tokens.verify(t))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    }
  });

  it('issue - an oversized context is trimmed to the limits, not refused', async () => {
    const tokens = service();
    const fields: Record<string, string> = { 'bad key': 'x', ['k'.repeat(33)]: 'x', blank: '  ' };
    for (let i = 0; i < 25; i++) fields[`f${i}`] = 'v'.repeat(600);
    const { token } = await tokens.issue({
      ...visitor,
      context: {
        pageUrl: 'https://x/' + 'p'.repeat(2000),
        referrer: 'r'.repeat(1500),
        userAgent: 'u'.repeat(700),
        language: 'en-' + 'x'.repeat(40),
        name: ' Ann\u0000\u0007 ' + '😀'.repeat(50),
        email: 'e'.repeat(250) + '@x.io',
        groupId: 'not a token',
        fields,
      },
    });
    const got = (await tokens.verify(token)).context;
    expect(got).toBeDefined();
    const c = got as VisitorContext;
    expect(c.pageUrl).toHaveLength(VISITOR_CONTEXT_LIMITS.pageUrl);
    expect(c.referrer).toHaveLength(VISITOR_CONTEXT_LIMITS.referrer);
    expect(c.userAgent).toHaveLength(VISITOR_CONTEXT_LIMITS.userAgent);
    expect(c.language).toBe('');
    expect(c.email).toBe('');
    expect(c.groupId).toBe('');
    // Controls removed; 80 UTF-16 units would split the 38th emoji: it is dropped whole.
    expect(c.name.startsWith('Ann ')).toBe(true);
    expect(c.name.length).toBeLessThanOrEqual(VISITOR_CONTEXT_LIMITS.name);
    expect(c.name.endsWith('😀')).toBe(true);
    expect(Object.keys(c.fields)).toEqual(Array.from({ length: 20 }, (_, i) => `f${i}`));
    expect(Object.values(c.fields).every((v) => v.length === VISITOR_CONTEXT_LIMITS.fieldValue)).toBe(true);
  });

  it('issue - form fields past the byte budget are dropped from the end', async () => {
    const tokens = service();
    const fields: Record<string, string> = {};
    for (let i = 0; i < 20; i++) fields[`f${i}`] = '中'.repeat(500); // 1500 bytes each: 30 KB
    const { token } = await tokens.issue({ ...visitor, context: { ...context, fields } });
    const c = (await tokens.verify(token)).context as VisitorContext;
    const kept = Object.keys(c.fields);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `f${i}`));
    expect(Buffer.byteLength(JSON.stringify(c))).toBeLessThanOrEqual(VISITOR_CONTEXT_LIMITS.totalBytes);
    expect(token.length).toBeLessThan(24_000);
  });

  it('verify - a signed context claim out of the limits or malformed is UNAUTHENTICATED (refused, not trimmed)', async () => {
    const tokens = service();
    const base = { tid: 'demo', role: 'visitor', cid: 'c-1' };
    const tooManyFields = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x']));
    for (const ctx of [
      { u: 'p'.repeat(1025) },
      { a: 'u'.repeat(513) },
      { l: 'not a tag!' },
      { e: 'e'.repeat(255) },
      { g: 'a.b' },
      { n: ' padded ' },
      { f: tooManyFields },
      { f: { 'bad key': 'x' } },
      { f: { ok: 'v'.repeat(501) } },
      { f: { ok: 1 } },
      { f: ['x'] },
      { u: 42 },
      'https://x',
      ['u'],
      null,
    ]) {
      const t = await forge({ ...base, ctx }, 'v-1');
      expect([JSON.stringify(ctx), await codeOf(tokens.verify(t))]).toEqual([
        JSON.stringify(ctx),
        ErrorCode.ERROR_CODE_UNAUTHENTICATED,
      ]);
    }
  });

  it('verify - an expired token is UNAUTHENTICATED', async () => {
    let now = 1_000_000_000_000;
    const tokens = new TokenService(secret, { visitorS: 60, agentS: 60 }, () => now);
    const { token, expiresAtMs } = await tokens.issue(visitor);
    expect(expiresAtMs).toBe(now + 60_000);
    now += 61_000;
    expect(await codeOf(tokens.verify(token))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });

  it('verify - a token signed with another key, an empty or garbage token is UNAUTHENTICATED', async () => {
    const mine = service();
    const theirs = new TokenService('z'.repeat(40), { visitorS: 60, agentS: 60 });
    const forged = (await theirs.issue({ ...agent, admin: true })).token;
    expect(await codeOf(mine.verify(forged))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    expect(await codeOf(mine.verify(''))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    expect(await codeOf(mine.verify('a.b.c'))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
  });

  it('verify - a tampered payload (role, rank or context) is UNAUTHENTICATED', async () => {
    const tokens = service();
    const tamper = async (identity: Identity, change: Record<string, unknown>): Promise<string> => {
      const [h, p, s] = (await tokens.issue(identity)).token.split('.');
      const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<
        string,
        unknown
      >;
      const tampered = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
      return `${h ?? ''}.${tampered}.${s ?? ''}`;
    };
    for (const t of [
      await tamper(visitor, { role: 'agent' }),
      await tamper(agent, { ar: 'admin' }),
      await tamper({ ...visitor, context }, { ctx: { g: 'vip' } }),
    ]) {
      expect(await codeOf(tokens.verify(t))).toBe(ErrorCode.ERROR_CODE_UNAUTHENTICATED);
    }
  });
});
