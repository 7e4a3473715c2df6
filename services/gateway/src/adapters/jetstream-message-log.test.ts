import { Headers, SubjectCatalog, UnifiedMessage } from '@switchboard/proto';
import type { DirectQuery } from '@switchboard/shared';
import { JetStreamMessageLog, type DirectMessage, type DirectReader } from './jetstream-message-log';

const catalog = new SubjectCatalog('t1');

interface Stored {
  readonly position: number;
  readonly subject: string;
  readonly seq: number;
}

/** An in-memory SB_CONV answering direct get like nats-server: positions from `firstPosition` (trimmed head). */
class FakeStream implements DirectReader {
  readonly messages: Stored[] = [];
  probes = 0;
  private nextPosition: number;

  constructor(firstPosition = 1) {
    this.nextPosition = firstPosition;
  }

  append(conversationId: string, seq: number): void {
    this.messages.push({
      position: this.nextPosition++,
      subject: catalog.conversation('demo', conversationId),
      seq,
    });
  }

  /** Drops everything before `position`, like max_age retention. */
  trimBefore(position: number): void {
    while ((this.messages[0]?.position ?? Infinity) < position) this.messages.shift();
  }

  getMessage(stream: string, query: DirectQuery): Promise<DirectMessage> {
    this.probes++;
    expect(stream).toBe(catalog.streams.conv);
    let found: Stored | undefined;
    if ('last_by_subj' in query) {
      found = this.messages.filter((m) => m.subject === query.last_by_subj).at(-1);
    } else if ('next_by_subj' in query) {
      found = this.messages.find((m) => m.subject === query.next_by_subj && m.position >= query.seq);
    } else {
      found = this.messages.find((m) => m.position === query.seq);
    }
    if (found === undefined) return Promise.reject(new Error('no message found'));
    const s = found;
    const message: UnifiedMessage = {
      ...UnifiedMessage.fromPartial({}),
      tenantId: 'demo',
      conversationId: s.subject.split('.').at(-1) ?? '',
      seq: s.seq,
      text: `#${s.seq}`,
    };
    return Promise.resolve({
      seq: s.position,
      header: { get: (k: string) => (k === Headers.seq ? String(s.seq) : '') },
      data: UnifiedMessage.encode(message).finish(),
    });
  }
}

/** Three conversations written in an interleaved order; `a` gets `count` messages. */
function interleaved(count: number, firstPosition = 1): FakeStream {
  const stream = new FakeStream(firstPosition);
  let b = 0;
  let c = 0;
  for (let seq = 1; seq <= count; seq++) {
    stream.append('a', seq);
    for (let i = 0; i < seq % 4; i++) stream.append('b', ++b);
    if (seq % 3 === 0) stream.append('c', ++c);
  }
  return stream;
}

const seqs = (ms: readonly UnifiedMessage[]): number[] => ms.map((m) => m.seq);
const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

describe('JetStreamMessageLog', () => {
  it('readFrom - finds every start seq among interleaved subjects and reads forward in order', async () => {
    const stream = interleaved(120);
    const log = new JetStreamMessageLog(stream, catalog);
    for (let from = 1; from <= 121; from++) {
      const run = await log.readFrom('demo', 'a', from, 5);
      expect(run.lastSeq).toBe(120);
      expect(seqs(run.messages)).toEqual(range(from, Math.min(120, from + 4)));
    }
  });

  it('readFrom - the binary search costs a logarithmic number of direct gets', async () => {
    const stream = interleaved(2000);
    const log = new JetStreamMessageLog(stream, catalog);
    const positions = stream.messages.length;
    for (const from of [2, 3, 17, 500, 1001, 1999]) {
      stream.probes = 0;
      const run = await log.readFrom('demo', 'a', from, 1);
      expect(seqs(run.messages)).toEqual([from]);
      // last_by_subj + the subject's first message + the search itself.
      expect(stream.probes).toBeLessThanOrEqual(2 + Math.ceil(Math.log2(positions)) + 1);
    }
  });

  it('readFrom - with a trimmed head, older seqs start at the first one the stream still has', async () => {
    const stream = interleaved(60, 1000);
    const firstA = stream.messages.filter((m) => m.subject.endsWith('.a'))[20];
    stream.trimBefore(firstA?.position ?? 0);
    const log = new JetStreamMessageLog(stream, catalog);
    expect(seqs((await log.readFrom('demo', 'a', 1, 3)).messages)).toEqual([21, 22, 23]);
    expect(seqs((await log.readFrom('demo', 'a', 21, 3)).messages)).toEqual([21, 22, 23]);
    expect(seqs((await log.readFrom('demo', 'a', 40, 100)).messages)).toEqual(range(40, 60));
  });

  it('readFrom - an unknown conversation or a seq past the end reads nothing', async () => {
    const log = new JetStreamMessageLog(interleaved(10), catalog);
    expect(await log.readFrom('demo', 'nobody', 1, 10)).toEqual({ messages: [], lastSeq: 0 });
    expect(await log.readFrom('demo', 'a', 11, 10)).toEqual({ messages: [], lastSeq: 10 });
    expect(await log.lastSeq('demo', 'a')).toBe(10);
    expect(await log.lastSeq('demo', 'nobody')).toBe(0);
  });

  it('readFrom - a stream failure other than "not found" is a retryable UNAVAILABLE', async () => {
    const broken: DirectReader = { getMessage: () => Promise.reject(new Error('TIMEOUT')) };
    await expect(new JetStreamMessageLog(broken, catalog).readFrom('demo', 'a', 1, 1)).rejects.toMatchObject({
      retryable: true,
    });
  });
});
