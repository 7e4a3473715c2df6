import { ApiError, ConsoleApi, type FetchLike, login } from './api';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(
  status: number,
  body: unknown,
  contentType = 'application/json',
): FetchLike & { calls: Call[] } {
  const calls: Call[] = [];
  const fn = (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, init });
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return Promise.resolve(
      new Response(status === 204 ? null : text, { status, headers: { 'content-type': contentType } }),
    );
  };
  return Object.assign(fn, { calls });
}

describe('login', () => {
  it('login - posts snake_case credentials and reads the session with its role', async () => {
    const f = fakeFetch(200, {
      token: 't',
      tenant_id: 'demo',
      agent_id: 'a1',
      display_name: 'Alice',
      role: 'admin',
      expires_at_ms: 5,
    });
    const s = await login('http://gw', { tenantId: 'demo', email: 'a@x', password: 'p' }, f);
    expect(s).toEqual({
      token: 't',
      tenantId: 'demo',
      agentId: 'a1',
      displayName: 'Alice',
      role: 'admin',
      expiresAtMs: 5,
    });
    expect(f.calls[0]?.url).toBe('http://gw/v1/agent/login');
    expect(JSON.parse(f.calls[0]?.init.body as string)).toEqual({
      tenant_id: 'demo',
      email: 'a@x',
      password: 'p',
    });
  });

  it('login - a problem+json answer becomes an ApiError with its code and detail', async () => {
    const f = fakeFetch(
      401,
      {
        type: 'x',
        title: 'Unauthorized',
        status: 401,
        detail: 'bad credentials',
        code: 'ERROR_CODE_UNAUTHENTICATED',
      },
      'application/problem+json',
    );
    const err = await login('http://gw', { tenantId: 'demo', email: 'a', password: 'b' }, f).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      name: 'ApiError',
      status: 401,
      code: 'ERROR_CODE_UNAUTHENTICATED',
      detail: 'bad credentials',
    });
    expect((err as ApiError).unauthenticated).toBe(true);
  });

  it('login - a body without a code falls back on the status; a network failure is status 0', async () => {
    const html = fakeFetch(503, '<html>proxy</html>', 'text/html');
    await expect(
      login('http://gw', { tenantId: 'd', email: 'e', password: 'p' }, html),
    ).rejects.toMatchObject({
      status: 503,
      code: 'ERROR_CODE_UNAVAILABLE',
    });
    const down: FetchLike = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(
      login('http://gw', { tenantId: 'd', email: 'e', password: 'p' }, down),
    ).rejects.toMatchObject({
      status: 0,
      code: 'ERROR_CODE_UNAVAILABLE',
    });
  });
});

describe('ConsoleApi', () => {
  it('ConsoleApi - sends the bearer token and maps conversations with their context', async () => {
    const f = fakeFetch(200, {
      conversations: [
        {
          conversation_id: 'c1',
          state: 'chatting',
          agent_id: 'a1',
          version: '3',
          labels: ['vip', 7],
          visitor_context: { name: 'Ann', email: 'ann@x', fields: { order: 'A-1', bad: 1 } },
          csat: null,
        },
        { nothing: true },
      ],
    });
    const api = new ConsoleApi({ baseUrl: 'http://gw', token: 'tok', fetch: f });
    const list = await api.conversations('all', 50);
    expect(f.calls[0]?.url).toBe('http://gw/v1/agent/conversations?scope=all&limit=50');
    expect((f.calls[0]?.init.headers as Record<string, string>)['authorization']).toBe('Bearer tok');
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: 'c1',
      state: 'chatting',
      version: 3,
      labels: ['vip'],
      visitor: { name: 'Ann', email: 'ann@x', fields: { order: 'A-1' } },
      csat: undefined,
    });
  });

  it('ConsoleApi - search encodes the query and reads hits', async () => {
    const f = fakeFetch(200, {
      hits: [
        {
          conversation_id: 'c1',
          seq: 4,
          sender_role: 'visitor',
          sender_display_name: 'Ann',
          text: 'refund please',
          note: false,
          sent_at_ms: 9,
        },
      ],
    });
    const api = new ConsoleApi({ baseUrl: 'http://gw', token: 't', fetch: f });
    const hits = await api.search('refund & co', 20);
    expect(f.calls[0]?.url).toBe('http://gw/v1/agent/search?q=refund%20%26%20co&limit=20');
    expect(hits).toEqual([
      {
        conversationId: 'c1',
        seq: 4,
        senderRole: 'visitor',
        senderName: 'Ann',
        text: 'refund please',
        note: false,
        sentAtMs: 9,
      },
    ]);
  });

  it('ConsoleApi - a refused token calls onUnauthenticated and still rejects', async () => {
    const f = fakeFetch(401, { code: 'ERROR_CODE_UNAUTHENTICATED', detail: 'expired' });
    const seen: string[] = [];
    const api = new ConsoleApi({
      baseUrl: 'http://gw',
      token: 't',
      fetch: f,
      onUnauthenticated: (e) => seen.push(e.detail),
    });
    await expect(api.groups()).rejects.toBeInstanceOf(ApiError);
    expect(seen).toEqual(['expired']);
  });

  it('ConsoleApi - conversation detail carries the previous conversations; canned replies know shared ones', async () => {
    const detail = fakeFetch(200, {
      conversation_id: 'c2',
      state: 'closed',
      csat: { score: 4, comment: 'ok', at_ms: 1 },
      previous_conversations: [{ conversation_id: 'c1', state: 'closed' }],
    });
    const d = await new ConsoleApi({ baseUrl: 'http://gw', token: 't', fetch: detail }).conversation('c2');
    expect(d.record.csat).toEqual({ score: 4, comment: 'ok', atMs: 1 });
    expect(d.previous.map((p) => p.id)).toEqual(['c1']);
    const replies = fakeFetch(200, {
      replies: [
        { id: 'r1', agent_id: '', shortcut: 'hello', text: 'Hi' },
        { id: 'r2', agent_id: 'a1', shortcut: 'bye', text: 'Bye' },
      ],
    });
    const list = await new ConsoleApi({ baseUrl: 'http://gw', token: 't', fetch: replies }).cannedReplies();
    expect(list.map((r) => [r.shortcut, r.shared])).toEqual([
      ['hello', true],
      ['bye', false],
    ]);
  });
});
