import { AdminApi, AdminApiError, problemMessage, type FetchLike } from './api';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function fakeFetch(answers: Response[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: (url, init) => {
      calls.push({
        url,
        method: init.method ?? 'GET',
        headers: init.headers as Record<string, string>,
        body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      });
      const next = answers.shift();
      return next === undefined ? Promise.reject(new Error('no more answers')) : Promise.resolve(next);
    },
  };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });

describe('AdminApi', () => {
  it('AdminApi - sends the bearer token to the base URL (trailing slash dropped)', async () => {
    const { fetch, calls } = fakeFetch([json(200, { agents: [] })]);
    await new AdminApi('http://gw:8080/', 'tok', fetch).listAgents();
    expect(calls[0]).toMatchObject({
      url: 'http://gw:8080/v1/admin/agents',
      method: 'GET',
      headers: { authorization: 'Bearer tok' },
    });
    expect(calls[0]?.headers['content-type']).toBeUndefined();
  });

  it('AdminApi - reads agents defensively: missing fields get zero values, unknown roles are agents', async () => {
    const { fetch } = fakeFetch([
      json(200, { agents: [{ id: 'a1', email: 'a@x.io', role: 'root', group_ids: ['g', 3] }, 'junk'] }),
    ]);
    expect(await new AdminApi('', 't', fetch).listAgents()).toEqual([
      {
        id: 'a1',
        email: 'a@x.io',
        display_name: '',
        role: 'agent',
        max_concurrent: 0,
        group_ids: ['g'],
        skills: [],
        languages: [],
      },
    ]);
  });

  it('AdminApi - POSTs an agent as JSON and returns the stored one', async () => {
    const { fetch, calls } = fakeFetch([json(201, { id: 'new', email: 'n@x.io', role: 'admin' })]);
    const body = {
      email: 'n@x.io',
      display_name: 'N',
      role: 'admin' as const,
      max_concurrent: 3,
      group_ids: [],
      skills: [],
      languages: [],
      password: 'secret123',
    };
    const saved = await new AdminApi('', 't', fetch).saveAgent(body);
    expect(saved.id).toBe('new');
    expect(calls[0]).toMatchObject({ url: '/v1/admin/agents', method: 'POST', body });
    expect(calls[0]?.headers['content-type']).toBe('application/json');
  });

  it('AdminApi - PUT settings sends only the patch and reads the full settings back', async () => {
    const { fetch, calls } = fakeFetch([
      json(200, {
        widget_keys: ['demo-widget-key'],
        widget: { title: 'T', position: 'left', pre_chat_fields: [{ key: 'name' }] },
      }),
    ]);
    const s = await new AdminApi('', 't', fetch).updateSettings({ accept_timeout_s: 45 });
    expect(calls[0]).toMatchObject({
      method: 'PUT',
      url: '/v1/admin/settings',
      body: { accept_timeout_s: 45 },
    });
    expect(s.widget_keys).toEqual(['demo-widget-key']);
    expect(s.widget.position).toBe('left');
    expect(s.widget.pre_chat_fields).toEqual([{ key: 'name', label_en: '', label_zh: '', required: false }]);
    expect(s.business_hours).toEqual({ time_zone: '', windows: [] });
  });

  it('AdminApi - deletes escape the id and accept 204 without a body', async () => {
    const { fetch, calls } = fakeFetch([
      new Response(null, { status: 204 }),
      new Response(null, { status: 204 }),
    ]);
    const api = new AdminApi('', 't', fetch);
    await api.deleteGroup('a/b c');
    await api.deleteReply('r1');
    expect(calls.map((c) => [c.method, c.url])).toEqual([
      ['DELETE', '/v1/admin/groups/a%2Fb%20c'],
      ['DELETE', '/v1/agent/canned-replies/r1'],
    ]);
  });

  it('AdminApi - listSharedReplies leaves the admin’s own replies out', async () => {
    const { fetch } = fakeFetch([
      json(200, {
        replies: [
          { id: 's', shortcut: 'hi', text: 'Hi', shared: true, updated_at_ms: 5 },
          { id: 'o', shortcut: 'me', text: 'Mine', shared: false, agent_id: 'alice' },
        ],
      }),
    ]);
    expect((await new AdminApi('', 't', fetch).listSharedReplies()).map((r) => r.id)).toEqual(['s']);
  });

  it('AdminApi - a problem+json answer becomes AdminApiError with its detail and code', async () => {
    const { fetch } = fakeFetch([
      json(
        400,
        {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: 'email is not a valid address',
          code: 'ERROR_CODE_INVALID_ARGUMENT',
        },
        'application/problem+json',
      ),
    ]);
    const err = await new AdminApi('', 't', fetch).listGroups().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AdminApiError);
    expect(err).toMatchObject({
      name: 'AdminApiError',
      message: 'email is not a valid address',
      status: 400,
      code: 'ERROR_CODE_INVALID_ARGUMENT',
    });
  });

  it('AdminApi - a non-JSON error answer falls back to the status line', async () => {
    const { fetch } = fakeFetch([
      new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' }),
    ]);
    await expect(new AdminApi('', 't', fetch).getSettings()).rejects.toMatchObject({
      message: 'HTTP 502 Bad Gateway',
      status: 502,
    });
  });

  it('AdminApi - a network failure is status 0 with the cause kept', async () => {
    const { fetch } = fakeFetch([]);
    const err = await new AdminApi('', 't', fetch).listAgents().catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 0, code: 'NETWORK', message: 'network error: no more answers' });
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('problemMessage - detail, else title, else the status', () => {
    expect(problemMessage(403, 'Forbidden', { title: 'Forbidden', detail: 'admins only' }).message).toBe(
      'admins only',
    );
    expect(problemMessage(403, 'Forbidden', { title: 'Forbidden' }).message).toBe('Forbidden');
    expect(problemMessage(500, '', null).message).toBe('HTTP 500');
  });
});
