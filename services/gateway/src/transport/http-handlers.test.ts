import { AgentRole, ConversationState, ParticipantRole, type VisitorContext } from '@switchboard/proto';
import { createLogger } from '@switchboard/shared';
import { TokenService } from '../domain/tokens';
import { PendingResponse } from './http';
import { AuthEndpoints } from './http-handlers';
import { agentRecord, conversation, FakeDirectory, FakeResponse, request } from './testing/fake-http';

const tokens = new TokenService('s'.repeat(40), { visitorS: 600, agentS: 600 });
const logger = createLogger('test', 'silent');
const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';

function sut() {
  const directory = new FakeDirectory();
  const auth = new AuthEndpoints(tokens, directory, logger);
  const session = async (
    body: unknown,
    headers: { userAgent?: string; acceptLanguage?: string } = {},
  ): Promise<FakeResponse> => {
    const res = new FakeResponse();
    const done = auth.visitorSession(new PendingResponse(res, true), request(headers));
    expect(res.hasDataHandler).toBe(true);
    res.send(body);
    await done;
    return res;
  };
  return { directory, auth, session };
}

async function contextOf(res: FakeResponse): Promise<VisitorContext | undefined> {
  expect(res.statusCode).toBe(201);
  return (await tokens.verify(res.json()['token'] as string)).context;
}

describe('AuthEndpoints - visitor sessions with context', () => {
  it('visitor session - the body context goes into the token; headers fill user agent and language', async () => {
    const { session } = sut();
    const res = await session(
      {
        widget_key: 'demo-widget-key',
        context: {
          page_url: 'https://shop.example/cart',
          referrer: 'https://search.example/?q=shoes',
          name: 'Ann',
          email: 'ann@example.com',
          group: 'billing',
          fields: { order: 'A-1001', plan: 'pro' },
        },
      },
      { userAgent: firefox, acceptLanguage: 'zh-CN,zh;q=0.9,en;q=0.8' },
    );
    expect(await contextOf(res)).toEqual({
      pageUrl: 'https://shop.example/cart',
      referrer: 'https://search.example/?q=shoes',
      userAgent: firefox,
      language: 'zh-CN',
      name: 'Ann',
      email: 'ann@example.com',
      groupId: 'billing',
      fields: { order: 'A-1001', plan: 'pro' },
    });
    // The pre-chat name is the display name when none is given.
    expect((await tokens.verify(res.json()['token'] as string)).displayName).toBe('Ann');
  });

  it('visitor session - the body user agent and language win over the headers', async () => {
    const { session } = sut();
    const res = await session(
      { widget_key: 'demo-widget-key', context: { user_agent: 'MyApp/1.0', language: 'de' } },
      { userAgent: firefox, acceptLanguage: 'en-US' },
    );
    expect(await contextOf(res)).toMatchObject({ userAgent: 'MyApp/1.0', language: 'de' });
  });

  it('visitor session - without a context, the headers alone make one; with none at all there is none', async () => {
    const { session } = sut();
    const res = await session(
      { widget_key: 'demo-widget-key' },
      { userAgent: 'x'.repeat(600), acceptLanguage: '*' },
    );
    expect(await contextOf(res)).toMatchObject({ userAgent: 'x'.repeat(512), language: '' });
    expect(await contextOf(await session({ widget_key: 'demo-widget-key' }))).toBeUndefined();
  });

  it('visitor session - a renewed open session keeps its context unless a new one is given', async () => {
    const { session, directory } = sut();
    const first = await session(
      { widget_key: 'demo-widget-key', context: { page_url: 'https://a/1', group: 'sales' } },
      { userAgent: 'UA-1' },
    );
    const token = first.json()['token'] as string;
    const conversationId = first.json()['conversation_id'] as string;
    directory.conversations.push(
      conversation({ conversationId, state: ConversationState.CONVERSATION_STATE_CHATTING }),
    );

    const kept = await session({ widget_key: 'demo-widget-key', token }, { userAgent: 'UA-2' });
    expect(kept.json()['conversation_id']).toBe(conversationId);
    expect(await contextOf(kept)).toEqual(await contextOf(first));

    const replaced = await session(
      { widget_key: 'demo-widget-key', token, context: { page_url: 'https://a/2' } },
      { userAgent: 'UA-2' },
    );
    expect(replaced.json()['conversation_id']).toBe(conversationId);
    expect(await contextOf(replaced)).toMatchObject({
      pageUrl: 'https://a/2',
      userAgent: 'UA-2',
      groupId: '',
    });
  });

  it('visitor session - after a close, the new conversation gets the new request context', async () => {
    const { session, directory } = sut();
    const first = await session({ widget_key: 'demo-widget-key', context: { page_url: 'https://a/1' } });
    const conversationId = first.json()['conversation_id'] as string;
    directory.conversations.push(
      conversation({ conversationId, state: ConversationState.CONVERSATION_STATE_CLOSED }),
    );
    const next = await session(
      { widget_key: 'demo-widget-key', token: first.json()['token'] },
      { userAgent: 'UA-3' },
    );
    expect(next.json()['visitor_id']).toBe(first.json()['visitor_id']);
    expect(next.json()['conversation_id']).not.toBe(conversationId);
    expect(await contextOf(next)).toEqual(expect.objectContaining({ pageUrl: '', userAgent: 'UA-3' }));
  });

  it('visitor session - a bad context is a 400 problem naming the field', async () => {
    const { session } = sut();
    const cases: [unknown, RegExp][] = [
      [{ group: 'not a token' }, /^context\.group: /],
      [{ group: 'g'.repeat(65) }, /^context\.group: /],
      [{ page_url: 'p'.repeat(1025) }, /^context\.page_url: /],
      [{ referrer: 'r'.repeat(1025) }, /^context\.referrer: /],
      [{ user_agent: 'u'.repeat(513) }, /^context\.user_agent: /],
      [{ language: 'english please' }, /^context\.language: /],
      [{ language: 'a'.repeat(36) }, /^context\.language: /],
      [{ name: 'n'.repeat(81) }, /^context\.name: /],
      [{ name: 'Ann\u0000' }, /^context\.name: /],
      [{ email: 'not-an-email' }, /^context\.email: /],
      [{ email: `${'e'.repeat(250)}@x.io` }, /^context\.email: /],
      [{ fields: { 'bad key': 'x' } }, /^context\.fields\.bad key: /],
      [{ fields: { ok: 'v'.repeat(501) } }, /^context\.fields\.ok: /],
      [{ fields: { ok: 1 } }, /^context\.fields\.ok: /],
      [
        { fields: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x'])) },
        /at most 20 fields/,
      ],
      [
        { fields: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, '中'.repeat(500)])) },
        /bytes/,
      ],
      ['a string', /^context: /],
    ];
    for (const [context, detail] of cases) {
      const res = await session({ widget_key: 'demo-widget-key', context });
      expect([JSON.stringify(context).slice(0, 60), res.statusCode, res.headers.get('content-type')]).toEqual(
        [JSON.stringify(context).slice(0, 60), 400, 'application/problem+json'],
      );
      expect(res.json()).toMatchObject({ code: 'ERROR_CODE_INVALID_ARGUMENT', status: 400 });
      expect(res.json()['detail']).toMatch(detail);
    }
  });

  it('visitor session - every limit at its maximum in ASCII is accepted whole', async () => {
    const { session } = sut();
    const fields = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`field_${i}`.padEnd(32, 'x'), 'v'.repeat(500)]),
    );
    const res = await session({
      widget_key: 'demo-widget-key',
      display_name: 'D',
      context: {
        page_url: 'p'.repeat(1024),
        referrer: 'r'.repeat(1024),
        user_agent: 'u'.repeat(512),
        language: 'en-abcdefgh-abcdefgh-abcdefgh-abcde',
        name: 'n'.repeat(80),
        email: `${'e'.repeat(243)}@example.io`,
        group: 'g'.repeat(64),
        fields,
      },
    });
    const c = await contextOf(res);
    expect(c?.pageUrl).toHaveLength(1024);
    expect(c?.language).toHaveLength(35);
    expect(c?.email).toHaveLength(254);
    expect(Object.keys(c?.fields ?? {})).toHaveLength(20);
    expect((res.json()['token'] as string).length).toBeLessThan(32 * 1024);
  });

  it('visitor session - null members count as absent; unknown widget key is 404', async () => {
    const { session } = sut();
    const res = await session({
      widget_key: 'demo-widget-key',
      token: null,
      display_name: null,
      context: null,
    });
    expect(res.statusCode).toBe(201);
    const unknown = await session({ widget_key: 'nope' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()['code']).toBe('ERROR_CODE_UNKNOWN_TENANT');
  });
});

describe('AuthEndpoints - agent login', () => {
  it.each([
    [AgentRole.AGENT_ROLE_AGENT, 'agent', false, false],
    [AgentRole.AGENT_ROLE_SUPERVISOR, 'supervisor', true, false],
    [AgentRole.AGENT_ROLE_ADMIN, 'admin', true, true],
    [AgentRole.AGENT_ROLE_UNSPECIFIED, 'agent', false, false],
  ] as const)(
    'agent login - AgentRole %i answers %s and the token carries it',
    async (role, name, supervisor, admin) => {
      const { directory, auth } = sut();
      directory.agents.push(agentRecord({ id: 'a1', email: 'a@demo.test', displayName: 'A', role }));
      const res = new FakeResponse();
      const done = auth.agentLogin(new PendingResponse(res, true));
      res.send({ tenant_id: 'demo', email: 'a@demo.test', password: 'switchboard' });
      await done;
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ tenant_id: 'demo', agent_id: 'a1', display_name: 'A', role: name });
      const identity = await tokens.verify(res.json()['token'] as string);
      expect(identity).toMatchObject({ role: ParticipantRole.PARTICIPANT_ROLE_AGENT, supervisor, admin });
      expect(identity.context).toBeUndefined();
    },
  );
});

describe('AuthEndpoints - widget settings', () => {
  async function get(auth: AuthEndpoints, query: string): Promise<FakeResponse> {
    const res = new FakeResponse();
    await auth.widgetSettings(new PendingResponse(res, true), request({ query }));
    return res;
  }

  it('widget settings - the tenant widget settings in snake_case, cacheable', async () => {
    const { directory, auth } = sut();
    directory.tenants.set('demo', {
      id: 'demo',
      name: 'Demo',
      createdAtMs: 1,
      updatedAtMs: 1,
      settings: {
        rules: [],
        defaultGroupId: '',
        acceptTimeoutS: 0,
        idleCloseS: 0,
        idleWarningS: 0,
        reopenWindowS: 0,
        defaultMaxConcurrent: 0,
        idleCloseDisabled: false,
        reopenDisabled: false,
        widget: {
          title: 'Demo Shop',
          color: '#2563eb',
          position: 'left',
          preChatEnabled: true,
          preChatFields: [{ key: 'email', labelEn: 'Email', labelZh: '邮箱', required: true }],
          welcomeMessage: 'Hi!',
          offlineMessage: 'Leave a message',
          csatEnabled: true,
        },
      },
    });
    const res = await get(auth, 'key=demo-widget-key');
    expect(res.statusCode).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.json()).toEqual({
      title: 'Demo Shop',
      color: '#2563eb',
      position: 'left',
      pre_chat_enabled: true,
      pre_chat_fields: [{ key: 'email', label_en: 'Email', label_zh: '邮箱', required: true }],
      welcome_message: 'Hi!',
      offline_message: 'Leave a message',
      csat_enabled: true,
    });
  });

  it('widget settings - a tenant without settings gets the defaults', async () => {
    const { auth } = sut();
    expect((await get(auth, 'key=demo-widget-key')).json()).toEqual({
      title: '',
      color: '',
      position: 'right',
      pre_chat_enabled: false,
      pre_chat_fields: [],
      welcome_message: '',
      offline_message: '',
      csat_enabled: false,
    });
  });

  it('widget settings - an unknown key is 404 UNKNOWN_TENANT, a missing one 400', async () => {
    const { auth } = sut();
    const unknown = await get(auth, 'key=nope');
    expect([unknown.statusCode, unknown.json()['code']]).toEqual([404, 'ERROR_CODE_UNKNOWN_TENANT']);
    expect(unknown.headers.get('cache-control')).toBe('no-store');
    for (const query of ['', 'key=']) {
      const res = await get(auth, query);
      expect([res.statusCode, res.json()['code']]).toEqual([400, 'ERROR_CODE_INVALID_ARGUMENT']);
    }
  });
});
