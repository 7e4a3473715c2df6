import { agentLogin, newVisitor, RawSocket } from '../src/raw-socket';
import { startTestStack, type TestStack } from '../src/stack';

const MAX_BACKPRESSURE_BYTES = 64 * 1024;

let stack: TestStack;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  stack = await startTestStack('p', {
    env: { gateway: { MAX_BACKPRESSURE_BYTES: String(MAX_BACKPRESSURE_BYTES) } },
  });
}, 120_000);

afterAll(async () => {
  for (const s of sockets) s.terminate();
  await stack.stop();
});

async function open(token: string, opts: Parameters<typeof RawSocket.connect>[2] = {}): Promise<RawSocket> {
  const s = await RawSocket.connect(stack.wsUrl, token, opts);
  sockets.push(s);
  return s;
}

/** The gateway's count of sockets it closed with 4009, from /metrics. */
async function slowConsumerCloses(): Promise<number> {
  const text = await (await fetch(`${stack.httpUrl}/metrics`)).text();
  const m = /^sb_gateway_slow_consumer_closes_total(?:\{[^}]*\})? (\d+)/m.exec(text);
  return m === null ? 0 : Number(m[1]);
}

const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('gateway - backpressure', () => {
  it('backpressure - a stalled reader is closed with 4009, the other side gets everything, and the reader resumes exactly once in order', async () => {
    const alice = await agentLogin(stack.httpUrl, 'alice@demo.test');
    const agent = await open(alice.token);
    const ann = await newVisitor(stack.httpUrl, 'Ann');
    const conv = ann.conversationId;
    const visitor = await open(ann.token);
    expect((await visitor.sendText(conv, 'hello', 'ann-1')).seq).toBe(1);
    await visitor.until('the visitor to get seq 1', () =>
      visitor.seqs(conv).includes(1) ? true : undefined,
    );
    await agent.until('the agent to be assigned and get seq 1', () =>
      agent.seqs(conv).includes(1) ? true : undefined,
    );
    expect(await slowConsumerCloses()).toBe(0);

    // The visitor stops reading; the agent writes ~12 KB messages until the gateway gives up on the visitor
    // (first the kernel's socket buffers fill, then the gateway's own queue passes 64 KiB).
    visitor.pause();
    const text = '字'.repeat(4000);
    let last = 1;
    while ((await slowConsumerCloses()) === 0) {
      if (last > 3000) throw new Error('the stalled visitor was never closed');
      const ids = range(last + 1, last + 20).map((seq) => `alice-${seq}`);
      for (const id of ids) agent.sendTextNoWait(conv, text, id);
      for (const id of ids) await agent.ackOf(id);
      last += ids.length;
    }
    expect(await slowConsumerCloses()).toBe(1);

    // The reading participant received every message, once, in order.
    await agent.until(`the agent to get seq ${last}`, () =>
      agent.seqs(conv).includes(last) ? true : undefined,
    );
    expect(agent.seqs(conv)).toEqual(range(1, last));

    // Reading again, the visitor finds what was queued before the close, then the close: 4009.
    visitor.resume();
    const closed = await visitor.closed;
    expect(closed.code).toBe(4009);
    expect(closed.reason).toMatch(/slow consumer/);
    const before = visitor.seqs(conv);
    expect(before.length).toBeLessThan(last);
    expect(before).toEqual(range(1, before.length));

    // It resumes from the last seq it has and gets the rest, exactly once, in order.
    const held = before.at(-1) ?? 0;
    const again = await open(ann.token, { resume: [{ conversationId: conv, lastSeq: held }] });
    await again.until(`the visitor to get seq ${last} after resuming`, () =>
      again.seqs(conv).includes(last) ? true : undefined,
    );
    await again.ping();
    expect(again.seqs(conv)).toEqual(range(held + 1, last));
    expect([...before, ...again.seqs(conv)]).toEqual(range(1, last));
    expect(stack.services.gateway.output().join('\n')).not.toMatch(/uncaught|unhandled/i);
    await Promise.all([again.close(), agent.close()]);
  });
});
