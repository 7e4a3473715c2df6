import { AdminApi } from '../src/admin';
import { RawSocket, newVisitor } from '../src/raw-socket';
import { loginToken, rest, type RestAnswer, type RestMethod } from '../src/rest';
import { startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

/**
 * The admin pages' REST endpoints (`/v1/admin/...`) and the console's history search, against the real
 * stack: admin over gRPC with FerretDB behind it, persistence with ClickHouse.
 */

let stack: TestStack;
let alice: string; // admin
let bob: string; // agent
let carol: string; // supervisor

beforeAll(async () => {
  stack = await startTestStack('adm');
  // One at a time: password hashing is deliberately slow, and three at once can miss admin's deadline.
  alice = await loginToken(stack.httpUrl, 'alice@demo.test');
  bob = await loginToken(stack.httpUrl, 'bob@demo.test');
  carol = await loginToken(stack.httpUrl, 'carol@demo.test');
}, 120_000);

afterAll(async () => {
  await stack.stop();
});

function api(
  method: RestMethod,
  path: string,
  token: string | undefined,
  body?: unknown,
): Promise<RestAnswer> {
  return rest(stack.httpUrl, method, path, {
    ...(token === undefined ? {} : { token }),
    ...(body === undefined ? {} : { body }),
  });
}

const problemOf = (r: RestAnswer) => ({ status: r.status, code: r.body['code'] });

describe('admin REST', () => {
  it('admin REST - only admins: 401 without a token, 403 for an agent or a supervisor', async () => {
    for (const path of ['/v1/admin/agents', '/v1/admin/groups', '/v1/admin/settings']) {
      expect((await api('GET', path, undefined)).status).toBe(401);
      expect(problemOf(await api('GET', path, bob))).toEqual({ status: 403, code: 'ERROR_CODE_FORBIDDEN' });
      expect((await api('GET', path, carol)).status).toBe(403);
    }
    expect((await api('PUT', '/v1/admin/settings', bob, { accept_timeout_s: 5 })).status).toBe(403);
    expect((await api('POST', '/v1/admin/groups', carol, { name: 'X' })).status).toBe(403);
  });

  it('admin REST - agents: list with emails, create (password required), update keeps the password', async () => {
    const list = await api('GET', '/v1/admin/agents', alice);
    expect(list.status).toBe(200);
    const agents = list.body['agents'] as { email: string; role: string }[];
    expect(agents.map((a) => [a.email, a.role])).toEqual(
      expect.arrayContaining([
        ['alice@demo.test', 'admin'],
        ['bob@demo.test', 'agent'],
        ['carol@demo.test', 'supervisor'],
      ]),
    );
    expect(list.text).not.toMatch(/password|hash/i);

    const dan = {
      email: 'dan@demo.test',
      display_name: 'Dan',
      role: 'agent',
      max_concurrent: 3,
      group_ids: ['sales'],
      skills: ['billing'],
      languages: ['en', 'zh-CN'],
    };
    expect(problemOf(await api('POST', '/v1/admin/agents', alice, dan))).toEqual({
      status: 400,
      code: 'ERROR_CODE_INVALID_ARGUMENT',
    });
    const created = await api('POST', '/v1/admin/agents', alice, { ...dan, password: 'dan-secret-pw-1' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ ...dan, id: expect.any(String) as string });
    const updated = await api('POST', '/v1/admin/agents', alice, {
      ...dan,
      id: created.body['id'],
      display_name: 'Daniel',
      max_concurrent: 4,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ display_name: 'Daniel', max_concurrent: 4 });
    // The password was kept: Dan can still log in with it.
    const login = await rest(stack.httpUrl, 'POST', '/v1/agent/login', {
      body: { tenant_id: 'demo', email: 'dan@demo.test', password: 'dan-secret-pw-1' },
    });
    expect(login.status).toBe(200);
    expect(login.body['display_name']).toBe('Daniel');

    // Bad input: typed 400s naming the field, from the gateway and from the admin service.
    expect((await api('POST', '/v1/admin/agents', alice, { ...dan, role: 'owner' })).text).toMatch(/role/);
    const unknownGroup = await api('POST', '/v1/admin/agents', alice, { ...dan, group_ids: ['nope'] });
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.text).toMatch(/nope/);
  });

  it('admin REST - groups: create with business hours, update, delete', async () => {
    const created = await api('POST', '/v1/admin/groups', alice, {
      name: 'VIP Customers',
      manual_pick: true,
      max_concurrent_per_agent: 2,
      skills: ['vip'],
      languages: ['en'],
      business_hours: {
        time_zone: 'Asia/Shanghai',
        windows: [{ weekday: 1, start_minute: 540, end_minute: 1080 }],
      },
    });
    expect(created.status).toBe(201);
    const id = created.body['id'] as string;
    expect(id).toBe('vip-customers');
    expect(created.body['business_hours']).toEqual({
      time_zone: 'Asia/Shanghai',
      windows: [{ weekday: 1, start_minute: 540, end_minute: 1080 }],
    });
    const renamed = await api('POST', '/v1/admin/groups', alice, { id, name: 'VIP', manual_pick: false });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id, name: 'VIP', manual_pick: false });
    const groups = (await api('GET', '/v1/admin/groups', alice)).body['groups'] as { id: string }[];
    expect(groups.map((g) => g.id)).toEqual(expect.arrayContaining(['general', 'sales', 'support', id]));

    expect((await api('POST', '/v1/admin/groups', alice, { id: 'missing', name: 'X' })).status).toBe(404);
    const badZone = await api('POST', '/v1/admin/groups', alice, {
      name: 'Night',
      business_hours: { time_zone: 'Mars/Olympus', windows: [] },
    });
    expect(problemOf(badZone)).toEqual({ status: 400, code: 'ERROR_CODE_INVALID_ARGUMENT' });

    expect((await api('DELETE', `/v1/admin/groups/${id}`, alice)).status).toBe(204);
    const after = (await api('GET', '/v1/admin/groups', alice)).body['groups'] as { id: string }[];
    expect(after.map((g) => g.id)).not.toContain(id);
  });

  it('admin REST - settings: widget keys, partial update keeps the rest, widget settings reach the widget', async () => {
    const before = await api('GET', '/v1/admin/settings', alice);
    expect(before.status).toBe(200);
    expect(before.body['widget_keys']).toEqual(['demo-widget-key']);
    const widget = before.body['widget'] as Record<string, unknown>;
    expect(widget['title']).toBe('Switchboard Demo');

    const put = await api('PUT', '/v1/admin/settings', alice, {
      widget: { ...widget, title: 'Acme Help', color: '#16a34a', position: 'left' },
      business_hours: {
        time_zone: 'Europe/Berlin',
        windows: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start_minute: 480, end_minute: 1200 })),
      },
    });
    expect(put.status).toBe(200);
    expect(put.body['widget']).toMatchObject({ title: 'Acme Help', color: '#16a34a', position: 'left' });
    expect((put.body['business_hours'] as { windows: unknown[] }).windows).toHaveLength(5);
    // Fields not sent are kept.
    expect(put.body['default_group_id']).toBe(before.body['default_group_id']);
    expect(put.body['accept_timeout_s']).toBe(before.body['accept_timeout_s']);

    const widgetSettings = await rest(stack.httpUrl, 'GET', '/v1/widget/settings?key=demo-widget-key');
    expect(widgetSettings.body).toMatchObject({ title: 'Acme Help', color: '#16a34a', position: 'left' });

    const badColour = await api('PUT', '/v1/admin/settings', alice, {
      widget: { ...widget, color: 'red;x' },
    });
    expect(badColour.status).toBe(400);
    expect(badColour.text).toMatch(/widget\.color/);
    const overlap = await api('PUT', '/v1/admin/settings', alice, {
      business_hours: {
        time_zone: 'UTC',
        windows: [
          { weekday: 1, start_minute: 0, end_minute: 600 },
          { weekday: 1, start_minute: 500, end_minute: 700 },
        ],
      },
    });
    expect(problemOf(overlap)).toEqual({ status: 400, code: 'ERROR_CODE_INVALID_ARGUMENT' });
    // Open all week again for the other tests.
    expect(
      (await api('PUT', '/v1/admin/settings', alice, { business_hours: { time_zone: '', windows: [] } }))
        .status,
    ).toBe(200);
  });
});

describe('config changes', () => {
  it('widget settings changed in admin directly reach the gateway at once (the change announcement clears its cache)', async () => {
    const read = async () =>
      (await rest(stack.httpUrl, 'GET', '/v1/widget/settings?key=demo-widget-key')).body['title'];
    const before = await read(); // now cached by the gateway for 30 s
    const admin = new AdminApi(stack.adminGrpcAddr);
    const current = await admin.tenantSettings();
    if (current?.widget === undefined) throw new Error('the demo tenant has no widget settings');
    const title = `Renamed ${String(before)}`;
    await admin.updateTenantSettings({ ...current, widget: { ...current.widget, title } });
    admin.close();
    await waitFor(
      'the new title from the gateway',
      async () => ((await read()) === title ? true : undefined),
      5000,
    );
  });
});

describe('history search REST', () => {
  it('search REST - finds stored messages case-insensitively; agents only in their own conversations', async () => {
    const visitor = await newVisitor(stack.httpUrl, 'Searcher');
    const socket = await RawSocket.connect(stack.wsUrl, visitor.token);
    try {
      await socket.sendText(visitor.conversationId, 'Where is my PARCEL number 7781?', 's1');
      await socket.sendText(visitor.conversationId, 'hello again', 's2');
      const search = (token: string, q: string) =>
        api('GET', `/v1/agent/search?q=${encodeURIComponent(q)}`, token);
      // Persistence writes to ClickHouse in batches: wait until the message is searchable.
      const found = await waitFor('the message to be searchable', async () => {
        const r = await search(carol, 'parcel number');
        return (r.body['hits'] as unknown[] | undefined)?.length === 1 ? r : undefined;
      });
      expect(found.body['hits']).toEqual([
        expect.objectContaining({
          conversation_id: visitor.conversationId,
          seq: 1,
          sender_role: 'visitor',
          text: 'Where is my PARCEL number 7781?',
          note: false,
        }),
      ]);
      // Bob never wrote in this conversation: not his to search.
      expect((await search(bob, 'parcel number')).body['hits']).toEqual([]);
      expect((await search(carol, 'x')).status).toBe(400);
    } finally {
      await socket.close();
    }
  });
});
