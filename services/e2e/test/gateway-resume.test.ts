import { credentials, Metadata } from '@grpc/grpc-js';
import {
  ErrorCode,
  HistoryServiceClient,
  SubjectCatalog,
  type ErrorDetail,
  type ListMessagesResponse,
  type Messages,
  type ReadState,
} from '@switchboard/proto';
import { connect, type NatsConnection } from 'nats';
import { agentLogin, newVisitor, RawSocket } from '../src/raw-socket';
import { serverUrl, startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

let stack: TestStack;
let nc: NatsConnection;
let catalog: SubjectCatalog;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  stack = await startTestStack('r');
  catalog = new SubjectCatalog(stack.namespace);
  nc = await connect({ servers: serverUrl('NATS_URL') });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await nc.close();
  await stack.stop();
});

async function open(token: string, opts: Parameters<typeof RawSocket.connect>[2] = {}): Promise<RawSocket> {
  const s = await RawSocket.connect(stack.wsUrl, token, opts);
  sockets.push(s);
  return s;
}

function isMessages(a: Messages | ErrorDetail): a is Messages {
  return 'messages' in a;
}

function readStateOf(s: RawSocket, conversationId: string): ReadState | undefined {
  return s.welcome.readStates.find((r) => r.conversationId === conversationId);
}

function listMessages(conversationId: string): Promise<ListMessagesResponse> {
  const history = new HistoryServiceClient(stack.historyGrpcAddr, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    history.listMessages(
      { tenantId: 'demo', conversationId, afterSeq: 0, limit: 100 },
      new Metadata(),
      (err, res) => {
        history.close();
        if (err) reject(err);
        else resolve(res);
      },
    );
  });
}

describe('gateway - resume, backfill, fetch and read marks over the real stack', () => {
  let alice: { token: string; agentId: string };
  let ann: { token: string; visitorId: string; conversationId: string };
  let conv: string;

  it('resume - a visitor reconnecting with Hello.resume gets exactly the messages it missed, in order', async () => {
    alice = await agentLogin(stack.httpUrl, 'alice@demo.test');
    const agent = await open(alice.token);
    ann = await newVisitor(stack.httpUrl, 'Ann');
    conv = ann.conversationId;

    const visitor = await open(ann.token);
    expect((await visitor.sendText(conv, 'hello', 'ann-1')).seq).toBe(1);
    expect((await visitor.sendText(conv, 'anyone?', 'ann-2')).seq).toBe(2);
    await visitor.until('the visitor to see its own 2 messages', () =>
      visitor.seqs(conv).length >= 2 ? true : undefined,
    );
    await agent.until('the agent to be assigned and get seq 1, 2', () =>
      agent.seqs(conv).length >= 2 ? true : undefined,
    );
    await visitor.close();

    // While the visitor is away, the agent writes three messages.
    for (const [i, text] of ['Hi Ann', 'I am Alice', 'How can I help?'].entries()) {
      expect((await agent.sendText(conv, text, `alice-${i}`)).seq).toBe(3 + i);
    }

    const back = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: 2 }] });
    await back.until('seq 5 after the resume', () => (back.seqs(conv).includes(5) ? true : undefined));
    expect(back.delivered(conv).map((m) => [m.seq, m.text])).toEqual([
      [3, 'Hi Ann'],
      [4, 'I am Alice'],
      [5, 'How can I help?'],
    ]);
    // Offline meanwhile: her own sends marked 1..2 read, the agent's three are unread.
    expect(readStateOf(back, conv)).toEqual({ conversationId: conv, readSeq: 2, unreadCount: 3, lastSeq: 5 });

    // Live messages continue after the resumed ones, with no repeat.
    expect((await agent.sendText(conv, 'Still there?', 'alice-3')).seq).toBe(6);
    await back.until('live seq 6', () => (back.seqs(conv).includes(6) ? true : undefined));
    await back.ping();
    expect(back.seqs(conv)).toEqual([3, 4, 5, 6]);
    await back.close();
    await agent.close();
  });

  it('resume - backfill_limit delivers only the newest messages; a resume point wins over it', async () => {
    const newest = await open(ann.token, { backfillLimit: 2 });
    await newest.until('seq 6', () => (newest.seqs(conv).includes(6) ? true : undefined));
    await newest.ping();
    expect(newest.seqs(conv)).toEqual([5, 6]);

    const resumed = await open(ann.token, {
      backfillLimit: 1,
      resume: [{ conversationId: conv, lastSeq: 3 }],
    });
    await resumed.until('seq 6', () => (resumed.seqs(conv).includes(6) ? true : undefined));
    expect(resumed.seqs(conv)).toEqual([4, 5, 6]);

    const all = await open(ann.token);
    await all.until('seq 6', () => (all.seqs(conv).includes(6) ? true : undefined));
    expect(all.seqs(conv)).toEqual([1, 2, 3, 4, 5, 6]);
    await Promise.all([newest.close(), resumed.close(), all.close()]);
  });

  it('fetch - FetchMessages answers a range with its request_id; bad input and others’ conversations get typed errors', async () => {
    const other = await newVisitor(stack.httpUrl, 'Bea');
    const visitor = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: 6 }] });

    const middle = await visitor.fetch(1, conv, 2, 4);
    expect(isMessages(middle) && middle.messages.map((m) => m.seq)).toEqual([2, 3, 4]);
    expect(middle).toMatchObject({ requestId: 1, conversationId: conv, hasMore: false });

    const page = await visitor.fetch(2, conv, 1, 0, 2);
    expect(isMessages(page) && page.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(page).toMatchObject({ requestId: 2, hasMore: true });

    const tail = await visitor.fetch(3, conv, 5, 0, 100);
    expect(isMessages(tail) && tail.messages.map((m) => m.seq)).toEqual([5, 6]);
    expect(tail).toMatchObject({ hasMore: false });

    expect(await visitor.fetch(4, other.conversationId, 1)).toMatchObject({
      requestId: 4,
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
    });
    expect(await visitor.fetch(5, conv, 0)).toMatchObject({
      requestId: 5,
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    });
    expect(await visitor.fetch(6, conv, 5, 3)).toMatchObject({
      requestId: 6,
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    });
    expect(await visitor.fetch(7, conv, 1, 0, 501)).toMatchObject({
      requestId: 7,
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    });
    // The socket stays open and served, and the resume point meant nothing was replayed.
    await visitor.ping();
    expect(visitor.isClosed).toBe(false);
    expect(visitor.seqs(conv)).toEqual([]);

    // An agent reads its assigned conversation, not one that is not its own.
    const agent = await open(alice.token, { resume: [{ conversationId: conv, lastSeq: 6 }] });
    const mine = await agent.fetch(8, conv, 6);
    expect(isMessages(mine) && mine.messages.map((m) => m.text)).toEqual(['Still there?']);
    expect(await agent.fetch(9, other.conversationId, 1)).toMatchObject({
      requestId: 9,
      code: ErrorCode.ERROR_CODE_FORBIDDEN,
    });
    await Promise.all([visitor.close(), agent.close()]);
  });

  it('read marks - an agent who was offline sees the unread count of what arrived meanwhile', async () => {
    const visitor = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: 6 }] });
    expect((await visitor.sendText(conv, 'yes, still here', 'ann-3')).seq).toBe(7);
    expect((await visitor.sendText(conv, 'my order is late', 'ann-4')).seq).toBe(8);
    await visitor.close();

    const agent = await open(alice.token, { resume: [{ conversationId: conv, lastSeq: 6 }] });
    // Alice's own sends (up to seq 6) marked everything before them read.
    expect(readStateOf(agent, conv)).toEqual({
      conversationId: conv,
      readSeq: 6,
      unreadCount: 2,
      lastSeq: 8,
    });
    await agent.until('seq 7 and 8', () => (agent.seqs(conv).length >= 2 ? true : undefined));
    expect(agent.seqs(conv)).toEqual([7, 8]);
    await agent.close();
  });

  it('read marks - MarkRead is persisted in NATS KV, only moves forward, and survives reconnects', async () => {
    const agent = await open(alice.token, { resume: [{ conversationId: conv, lastSeq: 8 }] });
    agent.markRead(conv, 8);
    agent.markRead(conv, 7); // never moves back
    agent.markRead(conv, 0); // invalid: typed error, socket stays open
    await agent.until('the error for seq 0', () =>
      agent.errors().find((e) => e.code === ErrorCode.ERROR_CODE_INVALID_ARGUMENT),
    );
    await agent.ping();
    expect(agent.isClosed).toBe(false);

    const kv = await nc.jetstream().views.kv(catalog.buckets.readMarks);
    const key = catalog.readMarkKey('demo', conv, alice.agentId);
    await waitFor('the read mark in KV', async () => {
      const e = await kv.get(key);
      return e !== null && new TextDecoder().decode(e.value) === '8' ? true : undefined;
    });
    await agent.close();

    const again = await open(alice.token, { resume: [{ conversationId: conv, lastSeq: 8 }] });
    expect(readStateOf(again, conv)).toEqual({
      conversationId: conv,
      readSeq: 8,
      unreadCount: 0,
      lastSeq: 8,
    });
    await again.close();
  });

  it('history - messages trimmed from the stream are read from ClickHouse and stitched with the stream', async () => {
    const bea = await newVisitor(stack.httpUrl, 'Bea');
    const visitor = await open(bea.token);
    for (let i = 1; i <= 6; i++) {
      expect((await visitor.sendText(bea.conversationId, `line ${i}`, `bea-${i}`)).seq).toBe(i);
    }
    await waitFor('6 messages in ClickHouse', async () =>
      (await listMessages(bea.conversationId)).messages.length === 6 ? true : undefined,
    );
    // What max_age retention would do: drop the conversation's oldest messages from SB_CONV.
    const jsm = await nc.jetstreamManager();
    await jsm.streams.purge(catalog.streams.conv, {
      filter: catalog.conversation('demo', bea.conversationId),
      keep: 2,
    });

    const all = await visitor.fetch(1, bea.conversationId, 1);
    expect(isMessages(all) && all.messages.map((m) => [m.seq, m.text])).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => [n, `line ${n}`]),
    );
    const across = await visitor.fetch(2, bea.conversationId, 3, 5);
    expect(isMessages(across) && across.messages.map((m) => m.seq)).toEqual([3, 4, 5]);

    // A new socket's backfill stitches history and stream the same way.
    const fresh = await open(bea.token);
    await fresh.until('seq 6', () => (fresh.seqs(bea.conversationId).includes(6) ? true : undefined));
    expect(fresh.seqs(bea.conversationId)).toEqual([1, 2, 3, 4, 5, 6]);
    await Promise.all([visitor.close(), fresh.close()]);
  });

  it('read marks - a graceful gateway shutdown writes the marks it was still holding to KV; a new gateway reads them', async () => {
    const agent = await open(alice.token, { resume: [{ conversationId: conv, lastSeq: 8 }] });
    expect((await agent.sendText(conv, 'Let me check', 'alice-4')).seq).toBe(9);
    const visitor = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: 8 }] });
    expect(readStateOf(visitor, conv)).toEqual({
      conversationId: conv,
      readSeq: 8,
      unreadCount: 1,
      lastSeq: 9,
    });
    await visitor.until('seq 9', () => (visitor.seqs(conv).includes(9) ? true : undefined));
    visitor.markRead(conv, 9);
    await visitor.ping();
    // SIGTERM right away, well within the 500 ms write interval: the gateway closes its sockets (1001)
    // and writes the pending marks before it exits.
    await stack.services.gateway.stop();
    expect((await visitor.closed).code).toBe(1001);
    const kv = await nc.jetstream().views.kv(catalog.buckets.readMarks);
    const stored = async (participantId: string): Promise<string | undefined> => {
      const e = await kv.get(catalog.readMarkKey('demo', conv, participantId));
      return e === null ? undefined : new TextDecoder().decode(e.value);
    };
    expect(await stored(ann.visitorId)).toBe('9');
    expect(await stored(alice.agentId)).toBe('9');

    // A new gateway process reads them back for the Welcome.
    await stack.restart('gateway');
    const back = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: 9 }] });
    expect(readStateOf(back, conv)).toEqual({ conversationId: conv, readSeq: 9, unreadCount: 0, lastSeq: 9 });
    await back.close();
  });
});
