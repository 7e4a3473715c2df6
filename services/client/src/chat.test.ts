import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable, Writable } from 'node:stream';
import { ConversationState, MessageKind } from '@switchboard/proto';
import { AGENT_EMAIL, AGENT_PASSWORD, FakeGateway, TENANT, WIDGET_KEY } from '../test/fake-gateway';
import { parseTransferTarget, runChat, shortId } from './chat';
import type { ChatOptions } from './cli-args';

let gateway: FakeGateway;

beforeEach(async () => {
  gateway = await FakeGateway.start();
});

afterEach(async () => {
  await gateway.stop();
});

/** A Writable that keeps what was written and lets a test wait for a piece of text. */
function sink() {
  let text = '';
  const waiters: { needle: string; resolve: () => void }[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      text += chunk.toString();
      for (const waiter of waiters.filter((w) => text.includes(w.needle))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      callback();
    },
  });
  return {
    stream,
    text: () => text,
    waitFor: (needle: string) =>
      new Promise<void>((resolve) => {
        if (text.includes(needle)) resolve();
        else waiters.push({ needle, resolve });
      }),
  };
}

function chat(options: ChatOptions, input: NodeJS.ReadableStream) {
  const out = sink();
  const err = sink();
  const exit = runChat(options, { input, output: out.stream, errorOutput: err.stream, interactive: false });
  return { out, err, exit };
}

function visitor(extra: Partial<ChatOptions> = {}): ChatOptions {
  return {
    role: 'visitor',
    baseUrl: gateway.baseUrl,
    requestTimeoutMs: 5000,
    widgetKey: WIDGET_KEY,
    ...extra,
  } as ChatOptions;
}

function agent(password = AGENT_PASSWORD): ChatOptions {
  return {
    role: 'agent',
    baseUrl: gateway.baseUrl,
    requestTimeoutMs: 5000,
    tenantId: TENANT,
    email: AGENT_EMAIL,
    password,
  };
}

describe('runChat', () => {
  test('runChat - a visitor sends piped lines in order and exits 0 once all are acknowledged', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');

    const { out, err, exit } = chat(visitor({ token }), Readable.from(['hello\n', '\n', 'how are you?\n']));

    expect(await exit).toBe(0);
    expect(err.text()).toBe('');
    expect(gateway.messages(conversationId).map((m) => m.text)).toEqual(['hello', 'how are you?']);
    const short = shortId(conversationId);
    expect(out.text().split('\n')).toEqual([
      expect.stringMatching(/^\* connected to tenant demo as Ann \(visitor v-/),
      `* [${short}] waiting for an agent`,
      `[${short} #1] Ann: hello`,
      `[${short} #2] Ann: how are you?`,
      '',
    ]);
  });

  test('runChat - a visitor prints the history and assignment and close status lines', async () => {
    const { token, visitor: ann, conversationId } = gateway.addVisitor('Ann');
    const { agent: alice } = gateway.addAgent('Alice');
    gateway.append(conversationId, ann, 'earlier');
    const input = new PassThrough();
    const short = shortId(conversationId);

    const { out, exit } = chat(visitor({ token }), input);
    await out.waitFor(`[${short} #1] Ann: earlier`);
    gateway.assign(conversationId, alice.id);
    gateway.append(conversationId, alice, 'Hi Ann');
    gateway.closeConversation(conversationId, 'resolved');
    await out.waitFor('closed: resolved');
    input.end();

    expect(await exit).toBe(0);
    expect(out.text()).toContain(`* [${short}] an agent joined (${alice.id})\n[${short} #2] Alice: Hi Ann\n`);
    expect(out.text()).toContain(`* [${short}] closed: resolved\n`);
  });

  test('runChat - an agent sends to the most recently assigned conversation and /use switches', async () => {
    const { agent: alice } = gateway.addAgent('Alice');
    const older = gateway.addVisitor('Ann');
    const newer = gateway.addVisitor('Bob');
    gateway.assign(older.conversationId, alice.id, 1000);
    gateway.assign(newer.conversationId, alice.id, 2000);

    const { out, exit } = chat(
      agent(),
      Readable.from([
        'to the newest\n',
        `/use ${older.conversationId.slice(0, 12)}\n`,
        '//slash for Ann\n',
        '/list\n',
      ]),
    );

    expect(await exit).toBe(0);
    expect(gateway.messages(newer.conversationId).map((m) => m.text)).toEqual(['to the newest']);
    expect(gateway.messages(older.conversationId).map((m) => m.text)).toEqual(['/slash for Ann']);
    expect(out.text()).toContain(`* 2 open conversation(s); sending to [${shortId(newer.conversationId)}]`);
    expect(out.text()).toContain(`* now sending to [${shortId(older.conversationId)}]`);
    expect(out.text()).toContain(`* ${older.conversationId}  chatting with agent ${alice.id}  last #`);
    expect(out.text()).toContain(`  ${newer.conversationId}  chatting with agent ${alice.id}  last #`);
  });

  test('runChat - an agent follows a new assignment', async () => {
    const { agent: alice } = gateway.addAgent('Alice');
    const ann = gateway.addVisitor('Ann');
    const input = new PassThrough();

    const { out, err, exit } = chat(agent(), input);
    await out.waitFor('waiting for one');
    gateway.assign(ann.conversationId, alice.id);
    await out.waitFor('assigned to you; now sending there');
    input.end('welcome!\n');

    expect(await exit).toBe(0);
    expect(err.text()).toBe('');
    expect(gateway.messages(ann.conversationId).map((m) => m.text)).toEqual(['welcome!']);
  });

  test('runChat - a send the gateway refuses is reported and the exit code is 1', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const input = new PassThrough();

    const { out, err, exit } = chat(visitor({ token }), input);
    await out.waitFor('waiting for an agent');
    gateway.closeConversation(conversationId);
    await out.waitFor('closed: resolved');
    input.end('too late\n');

    expect(await exit).toBe(1);
    expect(err.text()).toContain('ERROR_CODE_CONVERSATION_CLOSED');
  });

  test('runChat - prints a helpful message and exits 1 when the gateway is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const baseUrl = `http://127.0.0.1:${port}`;

    const { err, exit } = chat(visitor({ baseUrl }), Readable.from([]));

    expect(await exit).toBe(1);
    expect(err.text()).toContain(`cannot reach gateway at ${baseUrl}`);
    expect(err.text()).toContain('is `npm start` running?');
  });

  test('runChat - exits 1 with the error code when the agent login fails', async () => {
    gateway.addAgent('Alice');

    const { err, exit } = chat(agent('wrong'), Readable.from([]));

    expect(await exit).toBe(1);
    expect(err.text()).toBe(
      'switchboard: login failed: ERROR_CODE_UNAUTHENTICATED: Unauthenticated: bad credentials\n',
    );
  });

  test('runChat - prints a reconnecting line when the gateway restarts and keeps chatting', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const input = new PassThrough();

    const { out, err, exit } = chat(visitor({ token }), input);
    await out.waitFor('waiting for an agent');
    gateway.closeAll(1001, 'going away');
    await out.waitFor('* reconnected');
    input.end('after the restart\n');

    expect(await exit).toBe(0);
    expect(err.text()).toBe('');
    expect(out.text()).toMatch(
      /\* connection lost \(1001 going away\); reconnecting in \d+\.\d s \(attempt 1\)…\n/,
    );
    expect(out.text().match(/connected to tenant/g)).toHaveLength(1);
    expect(gateway.messages(conversationId).map((m) => m.text)).toEqual(['after the restart']);
  });

  test('runChat - exits 1 when the gateway ends the session for good', async () => {
    const { token } = gateway.addVisitor('Ann');
    const input = new PassThrough();

    const { out, err, exit } = chat(visitor({ token }), input);
    await out.waitFor('connected');
    gateway.closeAll(4004, 'tenant gone');

    expect(await exit).toBe(1);
    expect(err.text()).toContain(
      'connection closed by the gateway: 4004 tenant gone (ERROR_CODE_UNKNOWN_TENANT',
    );
    expect(out.text()).not.toContain('reconnecting');
  });

  test('runChat - an agent accepts an offer, writes a note and a reply, then transfers, in line order', async () => {
    const { agent: alice } = gateway.addAgent('Alice');
    const ann = gateway.addVisitor('Ann');
    gateway.offer(ann.conversationId, alice.id);
    const short = shortId(ann.conversationId);

    const { out, err, exit } = chat(
      agent(),
      Readable.from([
        '/accept\n',
        '/note checking the order\n',
        'hello Ann\n',
        '/transfer group:billing refund\n',
      ]),
    );

    expect(await exit).toBe(0);
    expect(err.text()).toBe('');
    expect(gateway.summary(ann.conversationId)).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_TRANSFERRING,
      groupId: 'billing',
    });
    expect(gateway.messages(ann.conversationId).map((m) => [m.kind, m.text])).toEqual([
      [MessageKind.MESSAGE_KIND_NOTE, 'checking the order'],
      [MessageKind.MESSAGE_KIND_TEXT, 'hello Ann'],
      [MessageKind.MESSAGE_KIND_NOTE, 'refund'],
    ]);
    expect(out.text()).toContain(`* [${short}] accepted\n`);
    expect(out.text()).toContain(`[${short} #1] Alice (note): checking the order\n`);
    expect(out.text()).toContain(`* [${short}] transfer to group:billing requested\n`);
  });

  test('runChat - a refused command is reported and the exit code is 1; a bad /transfer prints its usage', async () => {
    const { agent: alice } = gateway.addAgent('Alice');
    const ann = gateway.addVisitor('Ann');
    gateway.assign(ann.conversationId, alice.id);

    const { err, exit } = chat(agent(), Readable.from(['/transfer somewhere\n', '/accept\n']));

    expect(await exit).toBe(1);
    expect(err.text()).toContain('usage: /transfer agent:ID|group:ID [NOTE]');
    expect(err.text()).toContain(
      `/accept [${shortId(ann.conversationId)}] failed: ERROR_CODE_ILLEGAL_TRANSITION`,
    );
  });

  test('parseTransferTarget - agent:ID or group:ID, nothing else', () => {
    expect(parseTransferTarget('agent:a-1')).toEqual({ toAgentId: 'a-1' });
    expect(parseTransferTarget('group:billing')).toEqual({ toGroupId: 'billing' });
    expect(parseTransferTarget('team:x')).toBeUndefined();
    expect(parseTransferTarget('group:')).toBeUndefined();
    expect(parseTransferTarget(undefined)).toBeUndefined();
  });
});
