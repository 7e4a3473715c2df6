import { SwitchboardClient } from '@switchboard/client';
import { decodeJwt, SignJWT } from 'jose';
import { rest, type RestAnswer, type RestMethod } from '../src/rest';
import { startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

/**
 * The gateway's REST endpoints against the real stack (admin over gRPC, MongoDB behind it): agent login
 * roles, visitor context, canned replies, conversations, groups, agents and widget settings.
 */

let stack: TestStack;
const clients: SwitchboardClient[] = [];

beforeAll(async () => {
  stack = await startTestStack('r');
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await stack.stop();
});

type Answer = RestAnswer;

function api(
  method: RestMethod,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return rest(stack.httpUrl, method, path, opts);
}

interface LoggedIn {
  readonly token: string;
  readonly agentId: string;
  readonly role: unknown;
}

async function login(email: string): Promise<LoggedIn> {
  const res = await api('POST', '/v1/agent/login', {
    body: { tenant_id: 'demo', email, password: 'switchboard' },
  });
  expect(res.status).toBe(200);
  return {
    token: res.body['token'] as string,
    agentId: res.body['agent_id'] as string,
    role: res.body['role'],
  };
}

/** A token signed with the gateway's secret for another tenant: what scoping must keep out. */
function otherTenantAdminToken(): Promise<string> {
  const secret = stack.env['TOKEN_SECRET'] ?? '';
  return new SignJWT({ tid: 'other', role: 'agent', name: 'Mallory', ar: 'admin' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('mallory')
    .setIssuer('switchboard')
    .setAudience('switchboard-gateway')
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}

function problem(res: Answer): { status: number; code: unknown; type: string | null } {
  return { status: res.status, code: res.body['code'], type: res.headers.get('content-type') };
}

const AGENT_GETS = [
  '/v1/agent/canned-replies',
  '/v1/agent/conversations',
  '/v1/agent/conversations/c1',
  '/v1/agent/groups',
  '/v1/agent/agents',
];

describe('gateway REST - agent login and roles', () => {
  it('agent login - the answer and the token carry the agent role', async () => {
    const [alice, bob, carol] = await Promise.all([
      login('alice@demo.test'),
      login('bob@demo.test'),
      login('carol@demo.test'),
    ]);
    expect([alice.role, bob.role, carol.role]).toEqual(['admin', 'agent', 'supervisor']);
    expect(decodeJwt(alice.token)['ar']).toBe('admin');
    expect(decodeJwt(bob.token)['ar']).toBe('agent');
    expect(decodeJwt(carol.token)['ar']).toBe('supervisor');
  });
});

describe('gateway REST - authentication of the agent endpoints', () => {
  it('agent REST - 401 problem+json without a token or with a bad one, 403 with a visitor token', async () => {
    const visitor = await api('POST', '/v1/visitor/sessions', { body: { widget_key: 'demo-widget-key' } });
    expect(visitor.status).toBe(201);
    const visitorToken = visitor.body['token'] as string;
    for (const path of AGENT_GETS) {
      const none = await api('GET', path);
      expect([path, problem(none)]).toEqual([
        path,
        { status: 401, code: 'ERROR_CODE_UNAUTHENTICATED', type: 'application/problem+json' },
      ]);
      expect(none.headers.get('www-authenticate')).toBe('Bearer');
      const bad = await api('GET', path, { token: 'not.a.token' });
      expect([path, bad.status]).toEqual([path, 401]);
      const asVisitor = await api('GET', path, { token: visitorToken });
      expect([path, problem(asVisitor)]).toEqual([
        path,
        { status: 403, code: 'ERROR_CODE_FORBIDDEN', type: 'application/problem+json' },
      ]);
    }
    const post = await api('POST', '/v1/agent/canned-replies', { body: { shortcut: 'x', text: 'y' } });
    expect(post.status).toBe(401);
    const del = await api('DELETE', '/v1/agent/canned-replies/x', { token: visitorToken });
    expect(del.status).toBe(403);
  });

  it('agent REST - CORS preflight allows the methods and the authorization header', async () => {
    const res = await api('OPTIONS', '/v1/agent/canned-replies', {
      headers: {
        origin: 'https://console.example',
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, DELETE, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
  });
});

describe('gateway REST - canned replies', () => {
  interface Reply {
    id: string;
    agent_id: string;
    shortcut: string;
    text: string;
    shared: boolean;
  }
  const repliesOf = async (token: string): Promise<Reply[]> => {
    const res = await api('GET', '/v1/agent/canned-replies', { token });
    expect(res.status).toBe(200);
    return res.body['replies'] as Reply[];
  };

  it('canned replies - own replies are private, shared ones are admins to write, and deletes are checked', async () => {
    const [alice, bob, carol] = await Promise.all([
      login('alice@demo.test'),
      login('bob@demo.test'),
      login('carol@demo.test'),
    ]);

    // Bob creates his own reply, then updates it through the same shortcut.
    const created = await api('POST', '/v1/agent/canned-replies', {
      token: bob.token,
      body: { shortcut: 'BobThanks', text: 'Thanks, Bob here.' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ agent_id: bob.agentId, shortcut: 'bobthanks', shared: false });
    const bobReplyId = created.body['id'] as string;
    const updated = await api('POST', '/v1/agent/canned-replies', {
      token: bob.token,
      body: { shortcut: 'bobthanks', text: 'Many thanks, Bob here.' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: bobReplyId, text: 'Many thanks, Bob here.' });

    // Only admins write shared replies; a supervisor is not enough.
    for (const who of [bob, carol]) {
      const refused = await api('POST', '/v1/agent/canned-replies', {
        token: who.token,
        body: { shortcut: 'e2e-promo', text: 'Sale!', shared: true },
      });
      expect(problem(refused)).toMatchObject({ status: 403, code: 'ERROR_CODE_FORBIDDEN' });
    }
    const shared = await api('POST', '/v1/agent/canned-replies', {
      token: alice.token,
      body: { shortcut: 'e2e-promo', text: 'Sale!', shared: true },
    });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ agent_id: '', shared: true });
    const sharedId = shared.body['id'] as string;

    // Everyone sees the shared reply; only Bob sees his own.
    const bobs = await repliesOf(bob.token);
    expect(bobs.map((r) => r.id)).toEqual(expect.arrayContaining([bobReplyId, sharedId]));
    expect(bobs.every((r) => r.shared === (r.agent_id === ''))).toBe(true);
    expect(bobs.every((r) => r.agent_id === '' || r.agent_id === bob.agentId)).toBe(true);
    const alices = await repliesOf(alice.token);
    expect(alices.map((r) => r.id)).toContain(sharedId);
    expect(alices.map((r) => r.id)).not.toContain(bobReplyId);

    // A bad body is a 400 naming the field.
    const bad = await api('POST', '/v1/agent/canned-replies', {
      token: bob.token,
      body: { shortcut: 'has space', text: 'x' },
    });
    expect(problem(bad)).toMatchObject({ status: 400, code: 'ERROR_CODE_INVALID_ARGUMENT' });
    expect(bad.body['detail']).toMatch(/shortcut/);

    // Deletes: Bob may not delete the shared one, Alice may not see Bob's; each deletes their own.
    expect(
      problem(await api('DELETE', `/v1/agent/canned-replies/${sharedId}`, { token: bob.token })),
    ).toMatchObject({ status: 403, code: 'ERROR_CODE_FORBIDDEN' });
    expect(
      problem(await api('DELETE', `/v1/agent/canned-replies/${bobReplyId}`, { token: alice.token })),
    ).toMatchObject({ status: 404, code: 'ERROR_CODE_NOT_FOUND' });
    expect((await api('DELETE', `/v1/agent/canned-replies/${bobReplyId}`, { token: bob.token })).status).toBe(
      204,
    );
    expect((await api('DELETE', `/v1/agent/canned-replies/${sharedId}`, { token: alice.token })).status).toBe(
      204,
    );
    expect((await repliesOf(bob.token)).map((r) => r.id)).not.toContain(bobReplyId);
    expect((await api('DELETE', `/v1/agent/canned-replies/${bobReplyId}`, { token: bob.token })).status).toBe(
      404,
    );
  });

  it('canned replies - another tenant token never sees or deletes the demo tenant replies', async () => {
    const alice = await login('alice@demo.test');
    const shared = await api('POST', '/v1/agent/canned-replies', {
      token: alice.token,
      body: { shortcut: 'e2e-scoped', text: 'Only for demo', shared: true },
    });
    expect(shared.status).toBe(201);
    const mallory = await otherTenantAdminToken();
    // Admin knows no tenant "other": the lookups fail as UNKNOWN_TENANT before touching any reply.
    const list = await api('GET', '/v1/agent/canned-replies', { token: mallory });
    expect(problem(list)).toMatchObject({ status: 404, code: 'ERROR_CODE_UNKNOWN_TENANT' });
    expect(list.text).not.toContain('Only for demo');
    const del = await api('DELETE', `/v1/agent/canned-replies/${shared.body['id'] as string}`, {
      token: mallory,
    });
    expect(del.status).toBe(404);
    expect((await repliesOf(alice.token)).map((r) => r.id)).toContain(shared.body['id']);
  });
});

describe('gateway REST - groups, agents and widget settings', () => {
  it('groups and agents - the tenant transfer targets, never emails', async () => {
    const bob = await login('bob@demo.test');
    const agents = await api('GET', '/v1/agent/agents', { token: bob.token });
    expect(agents.status).toBe(200);
    const list = agents.body['agents'] as Record<string, unknown>[];
    const byName = new Map(list.map((a) => [a['display_name'], a]));
    expect(byName.get('Alice')).toMatchObject({ role: 'admin' });
    expect(byName.get('Bob')).toMatchObject({ id: bob.agentId, role: 'agent' });
    expect(byName.get('Carol')).toMatchObject({ role: 'supervisor' });
    for (const a of list) {
      expect(Object.keys(a).sort()).toEqual(['display_name', 'group_ids', 'id', 'max_concurrent', 'role']);
    }
    expect(agents.text).not.toMatch(/@demo\.test|hash/i);

    const groups = await api('GET', '/v1/agent/groups', { token: bob.token });
    expect(groups.status).toBe(200);
    const ids = (groups.body['groups'] as Record<string, unknown>[]).map((g) => g['id']);
    expect(ids).toContain('general');
  });

  it('widget settings - public by widget key; 404 for an unknown key, 400 without one', async () => {
    const res = await api('GET', '/v1/widget/settings?key=demo-widget-key');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(Object.keys(res.body).sort()).toEqual(
      [
        'color',
        'csat_enabled',
        'offline_message',
        'position',
        'pre_chat_enabled',
        'pre_chat_fields',
        'title',
        'welcome_message',
      ].sort(),
    );
    expect(['left', 'right']).toContain(res.body['position']);
    for (const f of res.body['pre_chat_fields'] as Record<string, unknown>[]) {
      expect(Object.keys(f).sort()).toEqual(['key', 'label_en', 'label_zh', 'required']);
    }
    expect(problem(await api('GET', '/v1/widget/settings?key=no-such-key'))).toMatchObject({
      status: 404,
      code: 'ERROR_CODE_UNKNOWN_TENANT',
    });
    expect(problem(await api('GET', '/v1/widget/settings'))).toMatchObject({
      status: 400,
      code: 'ERROR_CODE_INVALID_ARGUMENT',
    });
  });
});

describe('gateway REST - visitor context and conversations', () => {
  const pageUrl = 'https://shop.example/checkout?step=2';

  it('visitor session - a bad context is a 400 problem', async () => {
    for (const context of [
      { group: 'not a token' },
      { fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x'])) },
      { page_url: 'p'.repeat(1025) },
      { fields: { 'bad key': 'x' } },
    ]) {
      const res = await api('POST', '/v1/visitor/sessions', {
        body: { widget_key: 'demo-widget-key', context },
      });
      expect(problem(res)).toEqual({
        status: 400,
        code: 'ERROR_CODE_INVALID_ARGUMENT',
        type: 'application/problem+json',
      });
    }
  });

  it('conversations - the record, scopes, 404s and tenant scoping, with the visitor context', async () => {
    const [alice, bob, carol] = await Promise.all([
      login('alice@demo.test'),
      login('bob@demo.test'),
      login('carol@demo.test'),
    ]);
    const session = await api('POST', '/v1/visitor/sessions', {
      headers: { 'user-agent': 'agent-rest-e2e/1.0', 'accept-language': 'zh-CN,zh;q=0.9' },
      body: {
        widget_key: 'demo-widget-key',
        context: { page_url: pageUrl, name: 'Ann', email: 'ann@example.com', fields: { order: 'A-1001' } },
      },
    });
    expect(session.status).toBe(201);
    const visitorToken = session.body['token'] as string;
    const conversationId = session.body['conversation_id'] as string;
    expect(decodeJwt(visitorToken)['ctx']).toEqual({
      u: pageUrl,
      a: 'agent-rest-e2e/1.0',
      l: 'zh-CN',
      n: 'Ann',
      e: 'ann@example.com',
      f: { order: 'A-1001' },
    });

    // Before the first message the conversation does not exist.
    expect(
      problem(await api('GET', `/v1/agent/conversations/${conversationId}`, { token: bob.token })),
    ).toMatchObject({ status: 404, code: 'ERROR_CODE_NOT_FOUND' });

    const visitor = new SwitchboardClient({ url: stack.wsUrl, token: visitorToken });
    clients.push(visitor);
    await visitor.connect();
    await visitor.send(conversationId, 'hello, where is my order?');

    const record = await waitFor('the conversation record', async () => {
      const res = await api('GET', `/v1/agent/conversations/${conversationId}`, { token: bob.token });
      return res.status === 200 ? res.body : undefined;
    });
    expect(record).toMatchObject({
      tenant_id: 'demo',
      conversation_id: conversationId,
      visitor_id: session.body['visitor_id'],
      channel: expect.any(String) as unknown,
      previous_conversations: [],
    });
    expect(typeof record['state']).toBe('string');
    expect(Array.isArray(record['labels'])).toBe(true);

    // Every agent of the tenant may read it (a plain agent did above); not another tenant, nor an unknown id.
    expect(
      (await api('GET', `/v1/agent/conversations/${conversationId}`, { token: alice.token })).status,
    ).toBe(200);
    const mallory = await otherTenantAdminToken();
    expect(
      problem(await api('GET', `/v1/agent/conversations/${conversationId}`, { token: mallory })),
    ).toMatchObject({ status: 404, code: 'ERROR_CODE_NOT_FOUND' });
    expect(
      (await api('GET', '/v1/agent/conversations/no-such-conversation', { token: bob.token })).status,
    ).toBe(404);

    // scope=all: supervisors see the open conversation; agents are refused; another tenant sees nothing.
    const ids = (res: Answer): unknown[] =>
      (res.body['conversations'] as Record<string, unknown>[]).map((c) => c['conversation_id']);
    expect(
      problem(await api('GET', '/v1/agent/conversations?scope=all', { token: bob.token })),
    ).toMatchObject({
      status: 403,
      code: 'ERROR_CODE_FORBIDDEN',
    });
    const all = await api('GET', '/v1/agent/conversations?scope=all&limit=500', { token: carol.token });
    expect(all.status).toBe(200);
    expect(ids(all)).toContain(conversationId);
    const theirs = await api('GET', '/v1/agent/conversations?scope=all', { token: mallory });
    expect(theirs.status).toBe(200);
    expect(ids(theirs)).toEqual([]);

    // mine and closed answer lists; mine holds only the agent's own.
    for (const who of [alice, bob, carol]) {
      const mine = await api('GET', '/v1/agent/conversations?scope=mine', { token: who.token });
      expect(mine.status).toBe(200);
      for (const c of mine.body['conversations'] as Record<string, unknown>[]) {
        expect(c['agent_id']).toBe(who.agentId);
        expect(c['state']).not.toBe('closed');
      }
      const closed = await api('GET', '/v1/agent/conversations?scope=closed&limit=10', { token: who.token });
      expect(closed.status).toBe(200);
      expect(
        (closed.body['conversations'] as Record<string, unknown>[]).every((c) => c['state'] === 'closed'),
      ).toBe(true);
    }
    expect(
      problem(await api('GET', '/v1/agent/conversations?scope=nope', { token: bob.token })),
    ).toMatchObject({
      status: 400,
      code: 'ERROR_CODE_INVALID_ARGUMENT',
    });
    expect(problem(await api('GET', '/v1/agent/conversations?limit=0', { token: bob.token }))).toMatchObject({
      status: 400,
    });

    // The context of the session request reaches the record (gateway → session → admin).
    const withContext = await waitFor('the visitor context on the record', async () => {
      const res = await api('GET', `/v1/agent/conversations/${conversationId}`, { token: bob.token });
      const ctx = res.body['visitor_context'] as Record<string, unknown> | null | undefined;
      return ctx?.['page_url'] === pageUrl ? ctx : undefined;
    });
    expect(withContext).toMatchObject({
      page_url: pageUrl,
      user_agent: 'agent-rest-e2e/1.0',
      language: 'zh-CN',
      name: 'Ann',
      email: 'ann@example.com',
      fields: { order: 'A-1001' },
    });
  });
});
