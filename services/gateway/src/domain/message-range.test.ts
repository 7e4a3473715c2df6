import { ErrorCode, UnifiedMessage } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { fitToBytes, MessageRangeReader, MissingMessagesError, type RangeQuery } from './message-range';
import type { HistoryArchive, HistoryPage, MessageLog, StreamRun } from './ports';

const msg = (seq: number): UnifiedMessage => ({
  ...UnifiedMessage.fromPartial({}),
  tenantId: 'demo',
  conversationId: 'c1',
  seq,
  text: `#${seq}`,
});
const range = (from: number, to: number): number[] =>
  Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
const seqs = (ms: readonly UnifiedMessage[]): number[] => ms.map((m) => m.seq);

/** The stream holds seqs streamFrom..last (older ones trimmed). */
class FakeLog implements MessageLog {
  reads = 0;
  constructor(
    public streamFrom: number,
    public last: number,
  ) {}

  readFrom(_t: string, _c: string, fromSeq: number, limit: number): Promise<StreamRun> {
    this.reads++;
    if (this.last < this.streamFrom) return Promise.resolve({ messages: [], lastSeq: 0 });
    const start = Math.max(fromSeq, this.streamFrom);
    return Promise.resolve({
      messages: range(start, Math.min(this.last, start + limit - 1)).map(msg),
      lastSeq: this.last,
    });
  }

  lastSeq(): Promise<number> {
    return Promise.resolve(this.last >= this.streamFrom ? this.last : 0);
  }
}

/** ClickHouse holds seqs 1..upTo (what persistence has written). */
class FakeHistory implements HistoryArchive {
  calls: { afterSeq: number; limit: number }[] = [];
  failing = false;
  constructor(
    public upTo: number,
    public missing: ReadonlySet<number> = new Set(),
  ) {}

  listAfter(_t: string, _c: string, afterSeq: number, limit: number): Promise<HistoryPage> {
    this.calls.push({ afterSeq, limit });
    if (this.failing)
      return Promise.reject(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'down', true));
    const all = range(afterSeq + 1, this.upTo).filter((s) => !this.missing.has(s));
    return Promise.resolve({ messages: all.slice(0, limit).map(msg), hasMore: all.length > limit });
  }
}

const query = (q: Partial<RangeQuery>): RangeQuery => ({
  tenantId: 'demo',
  conversationId: 'c1',
  fromSeq: 1,
  toSeq: Infinity,
  limit: 100,
  knownLastSeq: 0,
  ...q,
});

describe('MessageRangeReader', () => {
  it('read - a range the stream still holds never touches history', async () => {
    const history = new FakeHistory(50);
    const reader = new MessageRangeReader(new FakeLog(1, 50), history);
    const r = await reader.read(query({ fromSeq: 10, toSeq: 20 }));
    expect(seqs(r.messages)).toEqual(range(10, 20));
    expect(r.hasMore).toBe(false);
    expect(history.calls).toEqual([]);
  });

  it('read - stitches trimmed history and the stream into one ordered run, without repeats', async () => {
    const history = new FakeHistory(50);
    const reader = new MessageRangeReader(new FakeLog(31, 50), history);
    const r = await reader.read(query({ fromSeq: 25, limit: 100 }));
    expect(seqs(r.messages)).toEqual(range(25, 50));
    expect(r.hasMore).toBe(false);
    // History is only asked for what the stream no longer has.
    expect(history.calls).toEqual([{ afterSeq: 24, limit: 6 }]);
  });

  it('read - a limit that ends inside history reports has_more', async () => {
    const reader = new MessageRangeReader(new FakeLog(31, 50), new FakeHistory(50));
    const first = await reader.read(query({ fromSeq: 1, limit: 10 }));
    expect(seqs(first.messages)).toEqual(range(1, 10));
    expect(first.hasMore).toBe(true);
    const across = await reader.read(query({ fromSeq: 28, limit: 5 }));
    expect(seqs(across.messages)).toEqual(range(28, 32));
    expect(across.hasMore).toBe(true);
    const last = await reader.read(query({ fromSeq: 46, limit: 5 }));
    expect(seqs(last.messages)).toEqual(range(46, 50));
    expect(last.hasMore).toBe(false);
  });

  it('read - to_seq bounds the run and has_more only counts messages inside it', async () => {
    const reader = new MessageRangeReader(new FakeLog(31, 50), new FakeHistory(50));
    expect(await reader.read(query({ fromSeq: 29, toSeq: 33, limit: 5 }))).toMatchObject({
      hasMore: false,
    });
    const r = await reader.read(query({ fromSeq: 29, toSeq: 40, limit: 5 }));
    expect(seqs(r.messages)).toEqual(range(29, 33));
    expect(r.hasMore).toBe(true);
  });

  it('read - caught up reads nothing, and an empty new conversation asks no history', async () => {
    const history = new FakeHistory(0);
    expect(await new MessageRangeReader(new FakeLog(1, 50), history).read(query({ fromSeq: 51 }))).toEqual({
      messages: [],
      hasMore: false,
    });
    expect(await new MessageRangeReader(new FakeLog(1, 0), history).read(query({ fromSeq: 1 }))).toEqual({
      messages: [],
      hasMore: false,
    });
    expect(history.calls).toEqual([]);
  });

  it('read - a conversation the stream trimmed entirely is read from history when known to exist', async () => {
    const history = new FakeHistory(12);
    const reader = new MessageRangeReader(new FakeLog(13, 12), history);
    const r = await reader.read(query({ fromSeq: 5, knownLastSeq: 12 }));
    expect(seqs(r.messages)).toEqual(range(5, 12));
    expect(r.hasMore).toBe(false);
  });

  it('read - history unreachable is a retryable UNAVAILABLE, never a silent gap', async () => {
    const history = new FakeHistory(50);
    history.failing = true;
    const reader = new MessageRangeReader(new FakeLog(31, 50), history);
    await expect(reader.read(query({ fromSeq: 1 }))).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      retryable: true,
    });
  });

  it('read - a hole in history or history behind the stream is a typed gap error', async () => {
    const holed = new MessageRangeReader(new FakeLog(31, 50), new FakeHistory(50, new Set([27])));
    await expect(holed.read(query({ fromSeq: 25 }))).rejects.toBeInstanceOf(MissingMessagesError);
    const behind = new MessageRangeReader(new FakeLog(31, 50), new FakeHistory(20));
    await expect(behind.read(query({ fromSeq: 25 }))).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
      fromSeq: 25,
      toSeq: 30,
    });
  });

  it('read - a page the stream holds costs one stream read, one extra message telling has_more', async () => {
    const log = new FakeLog(1, 1000);
    const r = await new MessageRangeReader(log, new FakeHistory(1000)).read(
      query({ fromSeq: 1, limit: 500 }),
    );
    expect(seqs(r.messages)).toEqual(range(1, 500));
    expect(r.hasMore).toBe(true);
    expect(log.reads).toBe(1);
  });
});

describe('fitToBytes', () => {
  it('fitToBytes - keeps the prefix within the budget, and always at least one message', () => {
    const ms = range(1, 10).map(msg);
    expect(seqs(fitToBytes(ms, 35, () => 10))).toEqual([1, 2, 3]);
    expect(seqs(fitToBytes(ms, 5, () => 10))).toEqual([1]);
    expect(seqs(fitToBytes(ms, 1000, () => 10))).toEqual(range(1, 10));
  });
});
