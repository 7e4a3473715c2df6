import {
  AgentRole,
  Channel,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  type UnifiedMessage,
} from '@switchboard/proto';
import { createLogger, SwitchboardError } from '@switchboard/shared';
import type { Identity } from '../domain/identity';
import type { HistoryPage, HistorySearch, SearchOptions } from '../domain/ports';
import { TokenService } from '../domain/tokens';
import { AgentEndpoints, bearerToken } from './agent-endpoints';
import { PendingResponse, type RequestInfo } from './http';
import { agentRecord, conversation, FakeDirectory, FakeResponse, request } from './testing/fake-http';

const tokens = new TokenService('s'.repeat(40), { visitorS: 600, agentS: 600 });
const logger = createLogger('test', 'silent');

const bob: Identity = {
  tenantId: 'demo',
  role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
  participantId: 'bob',
  displayName: 'Bob',
  conversationId: '',
  supervisor: false,
  admin: false,
};
const carol: Identity = { ...bob, participantId: 'carol', displayName: 'Carol', supervisor: true };
const alice: Identity = {
  ...bob,
  participantId: 'alice',
  displayName: 'Alice',
  supervisor: true,
  admin: true,
};
const visitor: Identity = {
  ...bob,
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  participantId: 'v1',
  conversationId: 'c1',
};
/** An agent of another tenant. */
const mallory: Identity = { ...alice, tenantId: 'other', participantId: 'mallory' };

type Handler =
  | 'cannedReplies'
  | 'saveCannedReply'
  | 'deleteCannedReply'
  | 'conversation'
  | 'conversations'
  | 'groups'
  | 'agents'
  | 'search';

/** Records each search and answers with its canned page. */
class FakeSearch implements HistorySearch {
  readonly calls: { tenantId: string; query: string; options: SearchOptions }[] = [];
  page: HistoryPage = { messages: [], hasMore: false };
  search(tenantId: string, query: string, options: SearchOptions): Promise<HistoryPage> {
    this.calls.push({ tenantId, query, options });
    return Promise.resolve(this.page);
  }
}

interface Sut {
  readonly directory: FakeDirectory;
  readonly history: FakeSearch;
  call(
    handler: Handler,
    who: Identity | string | undefined,
    opts?: { body?: unknown; params?: Record<string, string>; query?: string },
  ): Promise<FakeResponse>;
}

function sut(): Sut {
  const directory = new FakeDirectory();
  directory.tenants.set('other', { id: 'other', name: 'Other', createdAtMs: 1, updatedAtMs: 1 });
  const history = new FakeSearch();
  const endpoints = new AgentEndpoints(tokens, directory, history, logger);
  return {
    directory,
    history,
    call: async (handler, who, opts = {}) => {
      const authorization =
        who === undefined ? '' : typeof who === 'string' ? who : `Bearer ${(await tokens.issue(who)).token}`;
      const req: RequestInfo = request({
        authorization,
        ...(opts.params === undefined ? {} : { params: opts.params }),
        ...(opts.query === undefined ? {} : { query: opts.query }),
      });
      const res = new FakeResponse();
      const done = endpoints[handler](new PendingResponse(res, true), req);
      if (opts.body !== undefined) {
        // uWS only delivers the body to a handler registered before the route handler returned.
        expect(res.hasDataHandler).toBe(true);
        res.send(opts.body);
      }
      await done;
      return res;
    },
  };
}

function problemOf(res: FakeResponse): { status: number; code: unknown } {
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  return { status: res.statusCode, code: res.json()['code'] };
}

describe('AgentEndpoints - authentication', () => {
  it('agent endpoints - no token, a malformed header or a bad token is 401 problem+json with WWW-Authenticate', async () => {
    const s = sut();
    for (const who of [undefined, 'Basic abc', 'Bearer', 'Bearer not.a.jwt', 'Bearer a b']) {
      const res = await s.call('cannedReplies', who);
      expect(problemOf(res)).toEqual({ status: 401, code: 'ERROR_CODE_UNAUTHENTICATED' });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('agent endpoints - a visitor token is 403', async () => {
    const s = sut();
    for (const h of ['cannedReplies', 'conversations', 'groups', 'agents'] as const) {
      expect(problemOf(await s.call(h, visitor))).toEqual({ status: 403, code: 'ERROR_CODE_FORBIDDEN' });
    }
    const res = await s.call('conversation', visitor, { params: { id: 'c1' } });
    expect(problemOf(res).status).toBe(403);
  });

  it('agent endpoints - a POST without a valid token is refused even before its body arrives', async () => {
    const s = sut();
    const res = await s.call('saveCannedReply', undefined); // the body never comes
    expect(problemOf(res).status).toBe(401);
    expect(s.directory.calls).toEqual([]);
  });

  it('bearerToken - takes the scheme case-insensitively and refuses anything else', () => {
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(() => bearerToken('')).toThrow(/Bearer/);
    expect(() => bearerToken('Token abc')).toThrow(/Bearer/);
  });
});

describe('AgentEndpoints - canned replies', () => {
  function seeded(): Sut {
    const s = sut();
    s.directory.replies.push(
      {
        id: 'shared1',
        tenantId: 'demo',
        agentId: '',
        shortcut: 'hello',
        text: 'Hello!',
        createdAtMs: 1,
        updatedAtMs: 2,
      },
      {
        id: 'bob1',
        tenantId: 'demo',
        agentId: 'bob',
        shortcut: 'bye',
        text: 'Bye',
        createdAtMs: 1,
        updatedAtMs: 2,
      },
      {
        id: 'alice1',
        tenantId: 'demo',
        agentId: 'alice',
        shortcut: 'mine',
        text: 'A',
        createdAtMs: 1,
        updatedAtMs: 2,
      },
      {
        id: 'other1',
        tenantId: 'other',
        agentId: '',
        shortcut: 'x',
        text: 'X',
        createdAtMs: 1,
        updatedAtMs: 2,
      },
    );
    return s;
  }

  it('GET canned-replies - the tenant-shared replies plus the agent own, in snake_case', async () => {
    const s = seeded();
    const res = await s.call('cannedReplies', bob);
    expect(res.statusCode).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.json()).toEqual({
      replies: [
        { id: 'shared1', agent_id: '', shortcut: 'hello', text: 'Hello!', shared: true, updated_at_ms: 2 },
        { id: 'bob1', agent_id: 'bob', shortcut: 'bye', text: 'Bye', shared: false, updated_at_ms: 2 },
      ],
    });
    expect(s.directory.calls).toEqual(['listCannedReplies demo bob']);
  });

  it('GET canned-replies - the tenant comes from the token only', async () => {
    const s = seeded();
    const res = await s.call('cannedReplies', mallory, { query: 'tenant_id=demo' });
    expect((res.json()['replies'] as { id: string }[]).map((r) => r.id)).toEqual(['other1']);
  });

  it('POST canned-replies - creates the agent own reply (201), then updates it by shortcut (200)', async () => {
    const s = seeded();
    const created = await s.call('saveCannedReply', bob, {
      body: { shortcut: ' Thanks ', text: 'Thank you!' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      agent_id: 'bob',
      shortcut: 'thanks',
      text: 'Thank you!',
      shared: false,
    });
    const id = created.json()['id'];
    const updated = await s.call('saveCannedReply', bob, {
      body: { shortcut: 'thanks', text: 'Many thanks!' },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ id, text: 'Many thanks!' });
    expect(s.directory.replies.filter((r) => r.shortcut === 'thanks')).toHaveLength(1);
  });

  it('POST canned-replies - the same shortcut as a shared reply makes a separate own reply', async () => {
    const s = seeded();
    const res = await s.call('saveCannedReply', bob, { body: { shortcut: 'hello', text: 'Hi, Bob here' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ agent_id: 'bob', shared: false });
    expect(s.directory.replies.find((r) => r.id === 'shared1')?.text).toBe('Hello!');
  });

  it('POST canned-replies - shared: true is for admins only (403 otherwise)', async () => {
    const s = seeded();
    for (const who of [bob, carol]) {
      const res = await s.call('saveCannedReply', who, {
        body: { shortcut: 'promo', text: 'Sale!', shared: true },
      });
      expect(problemOf(res)).toEqual({ status: 403, code: 'ERROR_CODE_FORBIDDEN' });
    }
    const ok = await s.call('saveCannedReply', alice, {
      body: { shortcut: 'promo', text: 'Sale!', shared: true },
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ agent_id: '', shared: true });
    const upd = await s.call('saveCannedReply', alice, {
      body: { shortcut: 'hello', text: 'Hello there!', shared: true },
    });
    expect(upd.statusCode).toBe(200);
    expect(upd.json()).toMatchObject({ id: 'shared1', text: 'Hello there!' });
  });

  it('POST canned-replies - by id: own reply renamed; a shared one 403 for agents; another agent reply 404', async () => {
    const s = seeded();
    const renamed = await s.call('saveCannedReply', bob, {
      body: { id: 'bob1', shortcut: 'ciao', text: 'Ciao' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ id: 'bob1', shortcut: 'ciao' });
    const shared = await s.call('saveCannedReply', bob, {
      body: { id: 'shared1', shortcut: 'hello', text: 'x' },
    });
    expect(problemOf(shared).status).toBe(403);
    const others = await s.call('saveCannedReply', bob, {
      body: { id: 'alice1', shortcut: 'mine', text: 'x' },
    });
    expect(problemOf(others)).toEqual({ status: 404, code: 'ERROR_CODE_NOT_FOUND' });
    const move = await s.call('saveCannedReply', alice, {
      body: { id: 'alice1', shortcut: 'mine', text: 'x', shared: true },
    });
    expect(problemOf(move).status).toBe(400);
  });

  it('POST canned-replies - a bad body is 400 naming the field; not JSON is 400; nothing is stored', async () => {
    const s = seeded();
    for (const body of [
      { shortcut: 'has space', text: 'x' },
      { shortcut: 'ok', text: '   ' },
      { shortcut: 'ok', text: 'x'.repeat(2001) },
      { shortcut: 'ok' },
      { shortcut: 'ok', text: 'x', shared: 'yes' },
      { id: 'a.b', shortcut: 'ok', text: 'x' },
      [],
      '{not json',
    ]) {
      const res = await s.call('saveCannedReply', bob, { body });
      expect(problemOf(res)).toEqual({ status: 400, code: 'ERROR_CODE_INVALID_ARGUMENT' });
    }
    const res = await s.call('saveCannedReply', bob, { body: { shortcut: 'has space', text: 'x' } });
    expect(res.json()['detail']).toMatch(/^shortcut: /);
    expect(s.directory.calls.filter((c) => c.startsWith('upsert'))).toEqual([]);
  });

  it('POST canned-replies - admin typed errors become problem+json', async () => {
    const s = seeded();
    s.directory.upsertCannedReply = () =>
      Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'admin is down', true));
    const res = await s.call('saveCannedReply', bob, { body: { shortcut: 'x', text: 'y' } });
    expect(problemOf(res)).toEqual({ status: 503, code: 'ERROR_CODE_UNAVAILABLE' });
  });

  it('DELETE canned-replies/:id - own reply 204; shared 403 for agents, 204 for admins; others 404', async () => {
    const s = seeded();
    expect(problemOf(await s.call('deleteCannedReply', bob, { params: { id: 'shared1' } })).status).toBe(403);
    expect(problemOf(await s.call('deleteCannedReply', bob, { params: { id: 'alice1' } })).status).toBe(404);
    expect(problemOf(await s.call('deleteCannedReply', alice, { params: { id: 'bob1' } })).status).toBe(404);
    expect(problemOf(await s.call('deleteCannedReply', mallory, { params: { id: 'bob1' } })).status).toBe(
      404,
    );
    expect(problemOf(await s.call('deleteCannedReply', bob, { params: { id: '../x' } })).status).toBe(404);
    const own = await s.call('deleteCannedReply', bob, { params: { id: 'bob1' } });
    expect(own.statusCode).toBe(204);
    expect(own.body).toBe('');
    expect((await s.call('deleteCannedReply', alice, { params: { id: 'shared1' } })).statusCode).toBe(204);
    expect(s.directory.replies.map((r) => r.id)).toEqual(['alice1', 'other1']);
    expect(s.directory.calls).toContain('deleteCannedReply demo bob1 bob');
    expect(s.directory.calls).toContain('deleteCannedReply demo shared1 ');
    expect(problemOf(await s.call('deleteCannedReply', bob, { params: { id: 'bob1' } })).status).toBe(404);
  });
});

describe('AgentEndpoints - conversations', () => {
  function seeded(): Sut {
    const s = sut();
    const closed = ConversationState.CONVERSATION_STATE_CLOSED;
    s.directory.conversations.push(
      conversation({
        conversationId: 'c1',
        visitorId: 'v1',
        agentId: 'bob',
        agentDisplayName: 'Bob',
        state: ConversationState.CONVERSATION_STATE_CHATTING,
        openedAtMs: 5000,
        labels: ['vip'],
        visitorContext: {
          pageUrl: 'https://shop/x',
          referrer: '',
          userAgent: 'UA',
          language: 'en',
          name: 'Ann',
          email: 'ann@x.io',
          groupId: 'billing',
          fields: { order: '42' },
        },
      }),
      conversation({
        conversationId: 'c0',
        visitorId: 'v1',
        agentId: 'bob',
        state: closed,
        openedAtMs: 3000,
        csat: { score: 5, comment: 'great', atMs: 3500, agentId: 'bob' },
      }),
      conversation({
        conversationId: 'c00',
        visitorId: 'v1',
        agentId: 'alice',
        state: closed,
        openedAtMs: 2000,
      }),
      conversation({
        conversationId: 'c2',
        visitorId: 'v2',
        agentId: 'alice',
        state: ConversationState.CONVERSATION_STATE_ASSIGNED,
        openedAtMs: 4000,
      }),
      conversation({ conversationId: 'c3', visitorId: 'v3', openedAtMs: 4500 }),
      conversation({ tenantId: 'other', conversationId: 'x1', visitorId: 'v1', openedAtMs: 9000 }),
    );
    for (let i = 0; i < 25; i++) {
      s.directory.conversations.push(
        conversation({
          conversationId: `old${i}`,
          visitorId: 'v9',
          state: closed,
          agentId: 'carol',
          openedAtMs: 100 + i,
        }),
      );
    }
    return s;
  }

  it('GET conversations/:id - every field in snake_case plus the visitor other conversations, newest first', async () => {
    const s = seeded();
    const res = await s.call('conversation', bob, { params: { id: 'c1' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      tenant_id: 'demo',
      conversation_id: 'c1',
      state: 'chatting',
      channel: 'web_widget',
      visitor_id: 'v1',
      agent_id: 'bob',
      agent_display_name: 'Bob',
      group_id: 'general',
      labels: ['vip'],
      csat: null,
      visitor_context: {
        page_url: 'https://shop/x',
        referrer: '',
        user_agent: 'UA',
        language: 'en',
        name: 'Ann',
        email: 'ann@x.io',
        group_id: 'billing',
        fields: { order: '42' },
      },
    });
    expect(Object.keys(body).sort()).toEqual(
      [
        'accepted_at_ms',
        'agent_display_name',
        'agent_id',
        'assigned_at_ms',
        'channel',
        'closed_at_ms',
        'conversation_id',
        'csat',
        'declined_agent_ids',
        'group_id',
        'labels',
        'last_seq',
        'opened_at_ms',
        'previous_agent_id',
        'previous_conversations',
        'priority',
        'queued_at_ms',
        'reopen_count',
        'reopen_until_ms',
        'state',
        'tenant_id',
        'transfer_to_agent_id',
        'updated_at_ms',
        'version',
        'visitor_context',
        'visitor_id',
      ].sort(),
    );
    const previous = body['previous_conversations'] as Record<string, unknown>[];
    expect(previous.map((p) => p['conversation_id'])).toEqual(['c0', 'c00']);
    expect(previous[0]).toMatchObject({
      state: 'closed',
      csat: { score: 5, comment: 'great', at_ms: 3500, agent_id: 'bob' },
    });
  });

  it('GET conversations/:id - any agent of the tenant may read it; at most 20 previous ones', async () => {
    const s = seeded();
    expect((await s.call('conversation', alice, { params: { id: 'c1' } })).statusCode).toBe(200);
    const res = await s.call('conversation', bob, { params: { id: 'old0' } });
    expect(res.statusCode).toBe(200);
    const previous = res.json()['previous_conversations'] as Record<string, unknown>[];
    expect(previous).toHaveLength(20);
    expect(previous[0]?.['conversation_id']).toBe('old24');
  });

  it('GET conversations/:id - another tenant, an unknown or a malformed id is 404', async () => {
    const s = seeded();
    expect(problemOf(await s.call('conversation', mallory, { params: { id: 'c1' } }))).toEqual({
      status: 404,
      code: 'ERROR_CODE_NOT_FOUND',
    });
    expect(s.directory.calls).toContain('getConversation other c1');
    expect(problemOf(await s.call('conversation', bob, { params: { id: 'x1' } })).status).toBe(404);
    expect(problemOf(await s.call('conversation', bob, { params: { id: 'nope' } })).status).toBe(404);
    expect(problemOf(await s.call('conversation', bob, { params: { id: 'a b' } })).status).toBe(404);
  });

  it('GET conversations?scope=mine - the agent open conversations (the default scope)', async () => {
    const s = seeded();
    const ids = async (who: Identity, query?: string) =>
      (
        (await s.call('conversations', who, query === undefined ? {} : { query })).json()[
          'conversations'
        ] as Record<string, unknown>[]
      ).map((c) => c['conversation_id']);
    expect(await ids(bob)).toEqual(['c1']);
    expect(await ids(bob, 'scope=mine')).toEqual(['c1']);
    expect(await ids(alice, 'scope=mine')).toEqual(['c2']);
  });

  it('GET conversations?scope=all - supervisors see every open one of their tenant; agents get 403', async () => {
    const s = seeded();
    expect(problemOf(await s.call('conversations', bob, { query: 'scope=all' })).status).toBe(403);
    const res = await s.call('conversations', carol, { query: 'scope=all&limit=2' });
    expect(
      (res.json()['conversations'] as Record<string, unknown>[]).map((c) => c['conversation_id']),
    ).toEqual(['c1', 'c3']);
    const other = await s.call('conversations', mallory, { query: 'scope=all' });
    expect(
      (other.json()['conversations'] as Record<string, unknown>[]).map((c) => c['conversation_id']),
    ).toEqual(['x1']);
  });

  it('GET conversations?scope=closed - the agent closed ones; a supervisor every closed one', async () => {
    const s = seeded();
    const ids = async (who: Identity, query: string) =>
      (
        (await s.call('conversations', who, { query })).json()['conversations'] as Record<string, unknown>[]
      ).map((c) => c['conversation_id']);
    expect(await ids(bob, 'scope=closed')).toEqual(['c0']);
    expect(await ids(alice, 'scope=closed&limit=3')).toEqual(['c0', 'c00', 'old24']);
    expect((await ids(carol, 'scope=closed')).length).toBe(27);
  });

  it('GET conversations - a bad scope or limit is 400', async () => {
    const s = seeded();
    for (const query of ['scope=everything', 'limit=0', 'limit=501', 'limit=abc', 'limit=1.5', 'limit=']) {
      expect([query, problemOf(await s.call('conversations', bob, { query }))]).toEqual([
        query,
        { status: 400, code: 'ERROR_CODE_INVALID_ARGUMENT' },
      ]);
    }
  });
});

describe('AgentEndpoints - groups and agents', () => {
  it('GET agents - transfer targets of the token tenant, without emails', async () => {
    const s = sut();
    s.directory.agents.push(
      agentRecord({
        id: 'alice',
        displayName: 'Alice',
        role: AgentRole.AGENT_ROLE_ADMIN,
        groupIds: ['general', 'billing'],
      }),
      agentRecord({ id: 'carol', role: AgentRole.AGENT_ROLE_SUPERVISOR, maxConcurrent: 0 }),
      agentRecord({ id: 'dave', role: AgentRole.AGENT_ROLE_UNSPECIFIED }),
      agentRecord({ id: 'mallory', tenantId: 'other' }),
    );
    const res = await s.call('agents', bob);
    expect(res.json()).toEqual({
      agents: [
        {
          id: 'alice',
          display_name: 'Alice',
          role: 'admin',
          group_ids: ['general', 'billing'],
          max_concurrent: 3,
        },
        { id: 'carol', display_name: 'carol', role: 'supervisor', group_ids: ['general'], max_concurrent: 0 },
        { id: 'dave', display_name: 'dave', role: 'agent', group_ids: ['general'], max_concurrent: 3 },
      ],
    });
    expect(res.body).not.toMatch(/@demo\.test/);
  });

  it('GET groups - the token tenant groups', async () => {
    const s = sut();
    s.directory.groups.push(
      {
        id: 'general',
        tenantId: 'demo',
        name: 'General',
        skills: ['en'],
        languages: ['en'],
        manualPick: false,
        maxConcurrentPerAgent: 4,
        businessHours: undefined,
        createdAtMs: 1,
        updatedAtMs: 1,
      },
      {
        id: 'x',
        tenantId: 'other',
        name: 'X',
        skills: [],
        languages: [],
        manualPick: true,
        maxConcurrentPerAgent: 0,
        businessHours: undefined,
        createdAtMs: 1,
        updatedAtMs: 1,
      },
    );
    expect((await s.call('groups', bob)).json()).toEqual({
      groups: [
        {
          id: 'general',
          name: 'General',
          manual_pick: false,
          max_concurrent_per_agent: 4,
          skills: ['en'],
          languages: ['en'],
        },
      ],
    });
  });
});

describe('AgentEndpoints - search', () => {
  const hit = (conversationId: string, seq: number, tenantId = 'demo'): UnifiedMessage => ({
    tenantId,
    conversationId,
    seq,
    clientMsgId: `m${seq}`,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: 'bob', displayName: 'Bob' },
    channel: Channel.CHANNEL_WEB_WIDGET,
    kind: MessageKind.MESSAGE_KIND_NOTE,
    text: 'refund approved',
    clientSentAtMs: 1,
    acceptedAtMs: 1234,
    metadata: {},
  });

  it('agent endpoints - search: an agent searches the conversations they wrote in, a supervisor the tenant', async () => {
    const s = sut();
    s.history.page = { messages: [hit('c1', 3), hit('x', 1, 'other')], hasMore: true };
    const res = await s.call('search', bob, { query: 'q=%20refund%20&limit=5' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      hits: [
        {
          conversation_id: 'c1',
          seq: 3,
          sender_role: 'agent',
          sender_id: 'bob',
          sender_display_name: 'Bob',
          text: 'refund approved',
          note: true,
          sent_at_ms: 1234,
        },
      ],
      has_more: true,
    });
    expect(s.history.calls).toEqual([
      { tenantId: 'demo', query: 'refund', options: { limit: 5, participantId: 'bob' } },
    ]);
    await s.call('search', carol, { query: 'q=refund&conversation_id=c1' });
    expect(s.history.calls[1]).toEqual({
      tenantId: 'demo',
      query: 'refund',
      options: { limit: 20, conversationId: 'c1' },
    });
  });

  it('agent endpoints - search: bad queries are 400 and never reach the archive; visitors are 403', async () => {
    const s = sut();
    for (const query of [
      '',
      'q=a',
      `q=${'x'.repeat(201)}`,
      'q=ok&limit=0',
      'q=ok&limit=101',
      'q=ok&conversation_id=a.b',
    ]) {
      expect(problemOf(await s.call('search', bob, { query })).status).toBe(400);
    }
    expect(problemOf(await s.call('search', visitor, { query: 'q=refund' })).status).toBe(403);
    expect(s.history.calls).toEqual([]);
  });
});
