import { ErrorCode, type ServerFrame } from '@switchboard/proto';
import { collectMessages, nextEvent, record, rejection } from '../test/client-harness';
import { FakeGateway, type FakeGatewayOptions } from '../test/fake-gateway';
import { WhatwgWebSocket } from '../test/whatwg-web-socket';
import { type ConnectionState, SwitchboardClient, type SwitchboardClientOptions } from './client';

let gateway: FakeGateway;
const clients: SwitchboardClient[] = [];

/** Short, jitter-free backoff: the tests assert on the computed delays, never on the wall clock. */
const FAST = { initialDelayMs: 5, maxDelayMs: 40, multiplier: 2, jitter: 0, rateLimitedDelayMs: 30 };

async function startGateway(options: FakeGatewayOptions = {}): Promise<void> {
  await gateway.stop();
  gateway = await FakeGateway.start(options);
}

beforeEach(async () => {
  gateway = await FakeGateway.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await gateway.stop();
});

function newClient(token: string, options: Partial<SwitchboardClientOptions> = {}): SwitchboardClient {
  const client = new SwitchboardClient({ url: gateway.wsUrl, token, reconnect: FAST, ...options });
  clients.push(client);
  return client;
}

function seqs(client: SwitchboardClient, conversationId: string): number[] {
  const seen: number[] = [];
  client.on('message', (m) => {
    if (m.conversationId === conversationId) seen.push(m.seq);
  });
  return seen;
}

function errorFrame(
  code: ErrorCode,
  retryable: boolean,
  ids: { clientMsgId?: string; requestId?: number },
): ServerFrame {
  return {
    kind: {
      $case: 'error',
      value: {
        code,
        message: 'refused by the test',
        retryable,
        clientMsgId: ids.clientMsgId ?? '',
        requestId: ids.requestId ?? 0,
      },
    },
  };
}

describe('SwitchboardClient reconnect', () => {
  test.each([
    [1000, 'normal closure from the gateway'],
    [1001, 'going away'],
    [1011, 'internal error'],
    [4008, 'hello timeout'],
    [4009, 'slow consumer'],
  ])(
    'reconnect - after the gateway closes with %i (%s) the client reconnects and resumes',
    async (code, reason) => {
      const { token, visitor, conversationId } = gateway.addVisitor();
      gateway.append(conversationId, visitor, 'one');
      const client = newClient(token);
      const states: ConnectionState[] = [];
      client.on('state', (state) => states.push(state));
      const reconnecting = record(client, 'reconnecting');
      const disconnects = record(client, 'disconnect');
      const history = collectMessages(client, conversationId, 1);
      await client.connect();
      await history;
      const resumed = nextEvent(client, 'resumed');

      gateway.closeAll(code, reason);

      const info = await resumed;
      expect(info.resume).toEqual([{ conversationId, lastSeq: 1 }]);
      expect(info.attempts).toBe(1);
      expect(disconnects).toEqual([expect.objectContaining({ code, reason, willReconnect: true })]);
      expect(reconnecting).toEqual([expect.objectContaining({ attempt: 1, delayMs: 5, closeCode: code })]);
      expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
      expect(gateway.hellos().map((h) => h.resume)).toEqual([[], [{ conversationId, lastSeq: 1 }]]);
      expect(client.state).toBe('open');
    },
  );

  test('reconnect - after an abnormal drop (1006, no close frame) the client reconnects', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');
    const resumed = nextEvent(client, 'resumed');

    gateway.terminateAll();

    expect(await reconnecting).toMatchObject({ attempt: 1, closeCode: 1006 });
    await resumed;
    expect(gateway.hellos()).toHaveLength(2);
  });

  test('reconnect - after RATE_LIMITED (4029) the backoff starts from rateLimitedDelayMs', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');
    const resumed = nextEvent(client, 'resumed');

    gateway.closeAll(4029, 'rate limited');

    expect(await reconnecting).toMatchObject({ attempt: 1, delayMs: 30, closeCode: 4029 });
    await resumed;
  });

  test.each([
    [4000, ErrorCode.ERROR_CODE_PROTOCOL_VIOLATION],
    [4001, ErrorCode.ERROR_CODE_UNAUTHENTICATED],
    [4004, ErrorCode.ERROR_CODE_UNKNOWN_TENANT],
  ])(
    'reconnect - a close with the final code %i stops the client and surfaces the error',
    async (code, errorCode) => {
      const { token, conversationId } = gateway.addVisitor();
      const client = newClient(token);
      await client.connect();
      const reconnecting = record(client, 'reconnecting');
      gateway.onSend = () => 'no-answer';
      const sent = gateway.waitForFrame((f) => f.kind?.$case === 'send');
      const pending = rejection(client.send(conversationId, 'in flight', { clientMsgId: 'f-1' }));
      await sent;
      const closed = nextEvent(client, 'close');

      gateway.closeAll(code, 'final');

      const info = await closed;
      expect(info).toMatchObject({ code, reason: 'final', error: { code: errorCode, closeCode: code } });
      expect(client.state).toBe('closed');
      expect(reconnecting).toEqual([]);
      expect(await pending).toMatchObject({
        source: 'close',
        retryable: true,
        clientMsgId: 'f-1',
        closeCode: code,
      });
      expect(gateway.hellos()).toHaveLength(1);
    },
  );

  test('reconnect - a Hello refused with 4001 on reconnect is final without a token refresher', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    gateway.revokeToken(token);
    const closed = nextEvent(client, 'close');

    gateway.closeAll(1001, 'restart');

    expect(await closed).toMatchObject({
      code: 4001,
      error: { code: ErrorCode.ERROR_CODE_UNAUTHENTICATED, source: 'server', closeCode: 4001 },
    });
    expect(gateway.hellos()).toHaveLength(2);
  });

  test('reconnect - refreshToken supplies a new token when the gateway refuses the old one', async () => {
    const { token, visitor } = gateway.addVisitor();
    const refreshed: number[] = [];
    const client = newClient(token, {
      refreshToken: ({ closeCode }) => {
        refreshed.push(closeCode);
        return gateway.issueToken(visitor);
      },
    });
    await client.connect();
    gateway.revokeToken(token);
    const resumed = nextEvent(client, 'resumed');

    // The token expires: the gateway closes with 4001.
    gateway.closeAll(4001, 'token expired');

    await resumed;
    expect(refreshed).toEqual([4001]);
    const [first, second] = gateway.hellos();
    expect(first?.token).toBe(token);
    expect(second?.token).not.toBe(token);
    expect(client.state).toBe('open');
  });

  test('reconnect - a refreshed token that is refused too is final', async () => {
    const { token } = gateway.addVisitor();
    let calls = 0;
    const client = newClient(token, {
      refreshToken: () => {
        calls++;
        return 'still-not-valid';
      },
    });
    await client.connect();
    gateway.revokeToken(token);
    const closed = nextEvent(client, 'close');

    gateway.closeAll(4001, 'token expired');

    expect(await closed).toMatchObject({ code: 4001, error: { code: ErrorCode.ERROR_CODE_UNAUTHENTICATED } });
    expect(calls).toBe(1);
  });

  test('reconnect - the first connect() retries once with a refreshed token', async () => {
    const { visitor } = gateway.addVisitor();
    const client = newClient('expired', { refreshToken: () => gateway.issueToken(visitor) });

    const welcome = await client.connect();

    expect(welcome.participantId).toBe(visitor.id);
    expect(gateway.hellos().map((h) => h.token)).toEqual(['expired', expect.stringMatching(/^t-/)]);
  });

  test('reconnect - failed attempts back off exponentially and the client gives up after maxAttempts', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token, { reconnect: { ...FAST, initialDelayMs: 1, maxAttempts: 3 } });
    await client.connect();
    gateway.onHello = () => ({ code: ErrorCode.ERROR_CODE_INTERNAL, closeCode: 1011 });
    const reconnecting = record(client, 'reconnecting');
    const closed = nextEvent(client, 'close');

    gateway.closeAll(1001, 'restart');
    const queued = rejection(client.send(conversationId, 'never delivered'));

    const info = await closed;
    expect(reconnecting.map((r) => [r.attempt, r.delayMs, r.closeCode])).toEqual([
      [1, 1, 1001],
      [2, 2, 1011],
      [3, 4, 1011],
    ]);
    expect(info.error?.message).toContain('gave up reconnecting after 3 attempt(s)');
    expect(await queued).toMatchObject({ source: 'close', retryable: true });
    expect(client.state).toBe('closed');
  });

  test('reconnect - connect() while reconnecting skips the backoff and resolves with the next Welcome', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token, { reconnect: { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');

    gateway.closeAll(1001, 'restart');
    expect(await reconnecting).toMatchObject({ delayMs: 60_000 });
    const welcome = await client.connect();

    expect(welcome.participantId).not.toBe('');
    expect(client.state).toBe('open');
  });

  test('reconnect - close() while waiting to reconnect stops the client', async () => {
    const { token } = gateway.addVisitor();
    const client = newClient(token, { reconnect: { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');
    gateway.closeAll(1001, 'restart');
    await reconnecting;
    const closed = nextEvent(client, 'close');

    await client.close();

    expect(await closed).toEqual({ code: 1000, reason: 'client closed' });
    expect(client.state).toBe('closed');
    expect(gateway.hellos()).toHaveLength(1);
  });

  test('reconnect - a missing Pong drops the socket and the client reconnects', async () => {
    await startGateway({ pingIntervalMs: 20 });
    const { token } = gateway.addVisitor();
    const client = newClient(token, { requestTimeoutMs: 500 });
    await client.connect();
    const disconnect = nextEvent(client, 'disconnect');
    const resumed = nextEvent(client, 'resumed');
    // Pings go unanswered from now on: the path looks dead.
    gateway.dropPings = true;

    expect(await disconnect).toMatchObject({ code: 1006, willReconnect: true, error: { source: 'timeout' } });
    gateway.dropPings = false;
    await resumed;
  });
});

describe('SwitchboardClient resume and ordering', () => {
  test('resume - the first Hello carries the resume points given to the constructor, as after a page reload', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    for (const text of ['one', 'two', 'three']) gateway.append(conversationId, visitor, text);
    const client = newClient(token, { resume: [{ conversationId, lastSeq: 2 }] });
    const delivered = seqs(client, conversationId);
    const third = collectMessages(client, conversationId, 3);

    await client.connect();
    await third;

    expect(gateway.hellos()[0]?.resume).toEqual([{ conversationId, lastSeq: 2 }]);
    expect(delivered).toEqual([3]);
    expect(client.resumePoints()).toEqual([{ conversationId, lastSeq: 3 }]);
  });

  // The real gateway's Welcome record may lag the messages (its last_seq moves with lifecycle events only);
  // the read states carry the newest seq either way.
  test.each([
    ['the record is current', false],
    ['the record lags the messages', true],
  ])(
    'resume - with backfillLimit only the newest messages are delivered and the older ones are no gap (%s)',
    async (_what, recordLagsMessages) => {
      await startGateway({ recordLagsMessages });
      const { token, visitor, conversationId } = gateway.addVisitor();
      for (let i = 1; i <= 10; i++) gateway.append(conversationId, visitor, `m${i}`);
      const client = newClient(token, { backfillLimit: 3 });
      const delivered = seqs(client, conversationId);
      const gaps = record(client, 'gap');
      const last = collectMessages(client, conversationId, 10);

      await client.connect();
      await last;

      expect(gateway.hellos()[0]?.backfillLimit).toBe(3);
      expect(delivered).toEqual([8, 9, 10]);
      expect(gaps).toEqual([]);
      expect(gateway.fetches()).toEqual([]);
    },
  );

  test('exactly once - overlapping replays after a reconnect are delivered once and in order', async () => {
    await startGateway({ resumeOverlap: 3 });
    const { token, visitor, conversationId } = gateway.addVisitor();
    for (let i = 1; i <= 5; i++) gateway.append(conversationId, visitor, `m${i}`);
    const client = newClient(token);
    const delivered = seqs(client, conversationId);
    const firstFive = collectMessages(client, conversationId, 5);
    await client.connect();
    await firstFive;
    const resumed = nextEvent(client, 'resumed');

    gateway.closeAll(1001, 'restart');
    await resumed;
    const sixth = collectMessages(client, conversationId, 7);
    gateway.append(conversationId, visitor, 'm6');
    gateway.replay(visitor.id, conversationId, [2, 3, 4, 5, 6, 6]);
    gateway.append(conversationId, visitor, 'm7');
    await sixth;

    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(gateway.fetches()).toEqual([]);
  });

  test('gap repair - a skipped seq is fetched, then it and the held later ones are delivered in order', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    const delivered = seqs(client, conversationId);
    const gaps = record(client, 'gap');
    await client.connect();
    const fourth = collectMessages(client, conversationId, 4);

    gateway.deliveryFilter = (m) => m.seq !== 2;
    for (let i = 1; i <= 4; i++) gateway.append(conversationId, visitor, `m${i}`);
    await fourth;

    expect(delivered).toEqual([1, 2, 3, 4]);
    expect(gaps).toEqual([{ conversationId, from: 2, to: 2 }]);
    expect(gateway.fetches()).toEqual([expect.objectContaining({ conversationId, fromSeq: 2, toSeq: 2 })]);
  });

  test('gap repair - a failed fetch is retried', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    const delivered = seqs(client, conversationId);
    await client.connect();
    const third = collectMessages(client, conversationId, 3);
    gateway.onFetch = (fetch) => {
      gateway.onFetch = undefined;
      return errorFrame(ErrorCode.ERROR_CODE_UNAVAILABLE, true, { requestId: fetch.requestId });
    };

    gateway.deliveryFilter = (m) => m.seq !== 2;
    for (let i = 1; i <= 3; i++) gateway.append(conversationId, visitor, `m${i}`);
    await third;

    expect(delivered).toEqual([1, 2, 3]);
    expect(gateway.fetches()).toHaveLength(2);
    expect(gateway.hellos()).toHaveLength(1);
  });

  test('gap repair - a gap that cannot be fetched makes the client reconnect, and the resume fills it', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token, { gapFetchAttempts: 2 });
    const delivered = seqs(client, conversationId);
    await client.connect();
    const third = collectMessages(client, conversationId, 3);
    const disconnect = nextEvent(client, 'disconnect');
    gateway.onFetch = (fetch) =>
      errorFrame(ErrorCode.ERROR_CODE_UNAVAILABLE, true, { requestId: fetch.requestId });

    // Only the first socket misses seq 2.
    gateway.deliveryFilter = (m, _participant, connectionId) => !(m.seq === 2 && connectionId === 1);
    for (let i = 1; i <= 3; i++) gateway.append(conversationId, visitor, `m${i}`);
    await third;

    expect(await disconnect).toMatchObject({ code: 1000, willReconnect: true });
    expect(delivered).toEqual([1, 2, 3]);
    expect(gateway.fetches()).toHaveLength(2);
    expect(gateway.hellos()[1]?.resume).toEqual([{ conversationId, lastSeq: 1 }]);
  });

  test('gap repair - with a full hold buffer the rest is fetched up to the newest', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    const client = newClient(token, { maxHeldMessages: 2 });
    const delivered = seqs(client, conversationId);
    await client.connect();
    const last = collectMessages(client, conversationId, 9);

    gateway.deliveryFilter = (m) => m.seq !== 2;
    for (let i = 1; i <= 9; i++) gateway.append(conversationId, visitor, `m${i}`);
    await last;

    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // 3 and 4 were held, 5..9 dropped; so: the gap, then everything after the held ones up to the newest.
    expect(gateway.fetches().map((f) => [f.fromSeq, f.toSeq])).toEqual([
      [2, 2],
      [5, 0],
    ]);
  });

  test('gap repair - at most two gaps are fetched at once; the others wait their turn', async () => {
    const { token, agent } = gateway.addAgent('Alice');
    const conversations = ['Ann', 'Bob', 'Cy'].map((name) => {
      const { visitor, conversationId } = gateway.addVisitor(name);
      gateway.assign(conversationId, agent.id);
      return { visitor, conversationId };
    });
    const client = newClient(token);
    await client.connect();
    const pending = gateway.fetches().length;
    gateway.onFetch = () => 'no-answer';
    const lastOfEach = conversations.map(({ conversationId }) => collectMessages(client, conversationId, 3));
    const lastFirst = collectMessages(client, conversations[2]?.conversationId ?? '', 1);

    gateway.deliveryFilter = (m) => m.seq !== 2;
    for (const { visitor, conversationId } of conversations) {
      for (const text of ['one', 'two', 'three']) gateway.append(conversationId, visitor, text);
    }
    await lastFirst;
    // Two round trips: any fetch sent for the third gap would have reached the gateway before the second Ping.
    await client.ping();
    await client.ping();
    const inFlight = gateway.fetches().slice(pending);
    expect(inFlight.map((f) => f.conversationId)).toEqual(
      conversations.slice(0, 2).map((c) => c.conversationId),
    );

    gateway.onFetch = undefined;
    for (const fetch of inFlight) gateway.answerFetch(agent, fetch);
    const delivered = await Promise.all(lastOfEach);

    for (const [i, { conversationId }] of conversations.entries()) {
      expect(delivered[i]?.filter((m) => m.conversationId === conversationId).map((m) => m.seq)).toEqual([
        1, 2, 3,
      ]);
    }
    expect(
      gateway
        .fetches()
        .slice(pending)
        .map((f) => f.conversationId),
    ).toEqual(conversations.map((c) => c.conversationId));
  });

  test('exactly once - two tabs of one visitor converge on the same sequence despite different losses', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const { agent } = gateway.addAgent('Alice');
    gateway.assign(conversationId, agent.id);
    const tabA = newClient(token);
    const tabB = newClient(token);
    const seenA = seqs(tabA, conversationId);
    const seenB = seqs(tabB, conversationId);
    await tabA.connect();
    await tabB.connect();
    const doneA = collectMessages(tabA, conversationId, 8);
    const doneB = collectMessages(tabB, conversationId, 8);

    // Tab A (socket 1) misses 3 and 4; tab B (socket 2) misses 6, and the tabs send too.
    gateway.deliveryFilter = (m, _p, connectionId) =>
      !((connectionId === 1 && (m.seq === 3 || m.seq === 4)) || (connectionId === 2 && m.seq === 6));
    gateway.append(conversationId, agent, 'hello');
    await tabA.send(conversationId, 'from tab A');
    gateway.append(conversationId, agent, 'three');
    gateway.append(conversationId, agent, 'four');
    await tabB.send(conversationId, 'from tab B');
    gateway.append(conversationId, agent, 'six');
    gateway.append(conversationId, agent, 'seven');
    gateway.append(conversationId, agent, 'eight');
    await Promise.all([doneA, doneB]);

    const expected = [1, 2, 3, 4, 5, 6, 7, 8];
    expect(seenA).toEqual(expected);
    expect(seenB).toEqual(expected);
    expect(tabA.lastSeq(conversationId)).toBe(8);
    expect(tabB.lastSeq(conversationId)).toBe(8);
  });
});

describe('SwitchboardClient outbox', () => {
  test('outbox - a send made while disconnected is sent after the reconnect', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token, { reconnect: { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    await client.connect();
    const reconnecting = nextEvent(client, 'reconnecting');
    gateway.closeAll(1001, 'restart');
    await reconnecting;

    const ack = client.send(conversationId, 'typed while offline', { clientMsgId: 'off-1' });
    expect(client.pendingSends()).toEqual([expect.objectContaining({ clientMsgId: 'off-1', attempts: 0 })]);
    void client.connect();

    expect(await ack).toMatchObject({ clientMsgId: 'off-1', seq: 1, duplicate: false });
    expect(gateway.sends().map((s) => s.clientMsgId)).toEqual(['off-1']);
  });

  test('outbox - a send whose ack was lost is resent with the same client_msg_id after a drop and acked as duplicate', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    const resends = record(client, 'resend');
    gateway.onSend = () => 'store-no-ack';
    const stored = gateway.waitForFrame((f) => f.kind?.$case === 'send');

    const ack = client.send(conversationId, 'did it arrive?');
    const first = await stored;
    gateway.onSend = undefined;
    gateway.closeAll(1011, 'crash');

    const result = await ack;
    expect(result).toMatchObject({ seq: 1, duplicate: true });
    const ids = gateway.sends().map((s) => s.clientMsgId);
    expect(ids).toHaveLength(2);
    expect(new Set(ids)).toEqual(new Set([first.kind?.$case === 'send' ? first.kind.value.clientMsgId : '']));
    expect(resends).toEqual([expect.objectContaining({ attempt: 2 })]);
    expect(gateway.messages(conversationId)).toHaveLength(1);
  });

  test('outbox - unacknowledged sends are resent in their original order', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    gateway.onSend = () => 'no-answer';
    const thirdSent = gateway.waitForFrame(
      (f) => f.kind?.$case === 'send' && f.kind.value.clientMsgId === 'o-3',
    );
    const acks = ['o-1', 'o-2', 'o-3'].map((id) => client.send(conversationId, id, { clientMsgId: id }));
    await thirdSent;
    gateway.onSend = undefined;

    gateway.closeAll(1001, 'restart');
    const results = await Promise.all(acks);

    expect(results.map((a) => [a.clientMsgId, a.seq])).toEqual([
      ['o-1', 1],
      ['o-2', 2],
      ['o-3', 3],
    ]);
    expect(gateway.sends().map((s) => s.clientMsgId)).toEqual(['o-1', 'o-2', 'o-3', 'o-1', 'o-2', 'o-3']);
  });

  test('outbox - a send rejects with a typed timeout after outboxMaxAgeMs while the gateway stays away', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token, { outboxMaxAgeMs: 100 });
    await client.connect();
    gateway.onHello = () => ({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, closeCode: 1011 });
    const reconnecting = nextEvent(client, 'reconnecting');
    gateway.closeAll(1001, 'restart');
    await reconnecting;

    const err = await rejection(client.send(conversationId, 'lost cause', { clientMsgId: 'old-1' }));

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'timeout',
      retryable: true,
      clientMsgId: 'old-1',
    });
    expect(client.pendingSends()).toEqual([]);
    expect(client.state).toBe('reconnecting');
  });

  test('outbox - a non-retryable error rejects at once without a resend', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();
    gateway.closeConversation(conversationId);
    const resends = record(client, 'resend');

    const err = await rejection(client.send(conversationId, 'too late'));

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_CONVERSATION_CLOSED,
      source: 'server',
      retryable: false,
    });
    expect(resends).toEqual([]);
    expect(gateway.sends()).toHaveLength(1);
  });
});

describe('SwitchboardClient fetchMessages', () => {
  test('fetchMessages - returns the range asked for and says when there is more', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    for (let i = 1; i <= 5; i++) gateway.append(conversationId, visitor, `m${i}`);
    const client = newClient(token);
    await client.connect();

    const middle = await client.fetchMessages(conversationId, 2, 4);
    const page = await client.fetchMessages(conversationId, 1, 0, 2);

    expect(middle.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(middle.hasMore).toBe(false);
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(page.hasMore).toBe(true);
  });

  test('fetchMessages - an error frame rejects the fetch whose request_id it carries, not the others', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const other = gateway.addVisitor();
    const client = newClient(token);
    await client.connect();

    const [refused, allowed] = await Promise.allSettled([
      client.fetchMessages(other.conversationId, 1),
      client.fetchMessages(conversationId, 1),
    ]);

    const [firstFetch] = gateway.fetches();
    expect(refused).toMatchObject({
      status: 'rejected',
      reason: { code: ErrorCode.ERROR_CODE_FORBIDDEN, source: 'server', requestId: firstFetch?.requestId },
    });
    expect(allowed).toMatchObject({ status: 'fulfilled', value: { messages: [], hasMore: false } });
    expect(client.state).toBe('open');
  });

  test('fetchMessages - times out with a retryable error when no answer comes', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token, { requestTimeoutMs: 50 });
    await client.connect();
    gateway.onFetch = () => 'no-answer';

    const err = await rejection(client.fetchMessages(conversationId, 1));

    expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'timeout', retryable: true });
    expect(err.requestId).toBe(gateway.fetches()[0]?.requestId);
  });

  test('fetchMessages - bad arguments and a closed client reject locally', async () => {
    const { token, conversationId } = gateway.addVisitor();
    const client = newClient(token);

    const closed = await rejection(client.fetchMessages(conversationId, 1));
    await client.connect();
    const bad = await Promise.all([
      rejection(client.fetchMessages('', 1)),
      rejection(client.fetchMessages(conversationId, 0)),
      rejection(client.fetchMessages(conversationId, 5, 4)),
      rejection(client.fetchMessages(conversationId, 1, 0, 501)),
    ]);

    expect(closed).toMatchObject({ code: ErrorCode.ERROR_CODE_UNAVAILABLE, source: 'local' });
    for (const err of bad)
      expect(err).toMatchObject({ code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT, source: 'local' });
    expect(gateway.fetches()).toEqual([]);
  });
});

describe('SwitchboardClient read states', () => {
  test('unread - Welcome seeds unread counts, messages from others raise them, markRead and own sends reset them', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const { agent } = gateway.addAgent('Alice');
    gateway.assign(conversationId, agent.id);
    gateway.append(conversationId, agent, 'hi, still there?');
    gateway.append(conversationId, agent, 'hello?');
    const client = newClient(token);
    const unread = record(client, 'unread');
    const history = collectMessages(client, conversationId, 2);

    await client.connect();
    await history;
    expect(client.readState(conversationId)).toEqual({
      conversationId,
      readSeq: 0,
      unreadCount: 2,
      lastSeq: 2,
    });
    expect(unread[0]).toEqual({ conversationId, readSeq: 0, unreadCount: 2, lastSeq: 2 });

    const third = collectMessages(client, conversationId, 3);
    gateway.append(conversationId, agent, 'third');
    await third;
    expect(client.unreadCount(conversationId)).toBe(3);

    const marked = gateway.waitForFrame((f) => f.kind?.$case === 'markRead');
    client.markRead(conversationId, 2);
    expect(client.unreadCount(conversationId)).toBe(1);
    await marked;
    expect(gateway.readSeq(client.welcome?.participantId ?? '', conversationId)).toBe(2);

    const ack = await client.send(conversationId, 'yes, here');
    expect(client.readState(conversationId)).toMatchObject({ readSeq: ack.seq, unreadCount: 0 });

    const fifth = collectMessages(client, conversationId, 5);
    gateway.append(conversationId, agent, 'great');
    await fifth;
    expect(unread.at(-1)).toEqual({ conversationId, readSeq: 4, unreadCount: 1, lastSeq: 5 });
  });

  test('unread - markRead while disconnected is applied at once and sent after the reconnect', async () => {
    const { token, conversationId } = gateway.addVisitor('Ann');
    const { agent } = gateway.addAgent('Alice');
    gateway.assign(conversationId, agent.id);
    gateway.append(conversationId, agent, 'one');
    const client = newClient(token, { reconnect: { ...FAST, initialDelayMs: 60_000, maxDelayMs: 60_000 } });
    const history = collectMessages(client, conversationId, 1);
    await client.connect();
    await history;
    const reconnecting = nextEvent(client, 'reconnecting');
    gateway.closeAll(1001, 'restart');
    await reconnecting;

    client.markRead(conversationId, 1);
    expect(client.unreadCount(conversationId)).toBe(0);
    const marked = gateway.waitForFrame((f) => f.kind?.$case === 'markRead');
    await client.connect();

    expect((await marked).kind).toEqual({ $case: 'markRead', value: { conversationId, seq: 1 } });
    expect(client.unreadCount(conversationId)).toBe(0);
  });

  test('unread - markRead validates its arguments', () => {
    const client = newClient('t');

    expect(() => {
      client.markRead('c', 0);
    }).toThrow('markRead needs a conversationId and an integer seq >= 1');
  });
});

describe('SwitchboardClient with an injected WebSocket', () => {
  test('WebSocket option - a WHATWG-only WebSocket works end to end, with binaryType set to arraybuffer', async () => {
    const { token, visitor, conversationId } = gateway.addVisitor();
    gateway.append(conversationId, visitor, 'before');
    const client = newClient(token, { WebSocket: WhatwgWebSocket });
    const delivered = seqs(client, conversationId);
    const first = collectMessages(client, conversationId, 1);
    const before = WhatwgWebSocket.instances.length;

    await client.connect();
    await first;
    const ack = await client.send(conversationId, 'from a browser');
    const resumed = nextEvent(client, 'resumed');
    gateway.closeAll(1001, 'restart');
    await resumed;
    await client.close();

    expect(ack.seq).toBe(2);
    expect(delivered).toEqual([1, 2]);
    const sockets = WhatwgWebSocket.instances.slice(before);
    expect(sockets).toHaveLength(2);
    expect(sockets.map((s) => s.binaryType)).toEqual(['arraybuffer', 'arraybuffer']);
  });

  test('WebSocket option - an error event without details still gives a transport error', async () => {
    const client = newClient('t', { WebSocket: WhatwgWebSocket, url: 'ws://127.0.0.1:1/v1/ws' });

    const err = await rejection(client.connect());

    expect(err).toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      source: 'transport',
      retryable: true,
    });
    expect(err.message).toBe('cannot reach gateway at ws://127.0.0.1:1/v1/ws: the WebSocket failed');
  });
});
