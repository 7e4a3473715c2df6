import { CountingMetrics, deferred, MemoryStore, RecordingHandle, row, silentLogger } from '../testing/fakes';
import { MessageBatcher, type BatchPolicy } from './batcher';
import { BatcherStoppedError } from './errors';

const policy: BatchPolicy = {
  maxRows: 3,
  maxMs: 200,
  retryInitialMs: 100,
  retryMaxMs: 5000,
  progressEveryMs: 10_000,
};

function setup(overrides: Partial<BatchPolicy> = {}) {
  const store = new MemoryStore();
  const metrics = new CountingMetrics();
  const batcher = new MessageBatcher({
    sink: store,
    policy: { ...policy, ...overrides },
    logger: silentLogger,
    metrics,
  });
  const handles: RecordingHandle[] = [];
  const add = (seq: number): RecordingHandle => {
    const handle = new RecordingHandle();
    handles.push(handle);
    batcher.add({ row: row(seq), handle });
    return handle;
  };
  return { store, metrics, batcher, handles, add };
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

test('MessageBatcher - inserts as soon as maxRows rows are buffered, without waiting for the timer', async () => {
  const { store, handles, add, metrics } = setup();
  add(1);
  add(2);
  await jest.advanceTimersByTimeAsync(0);
  expect(store.batches).toHaveLength(0);
  add(3);
  await jest.advanceTimersByTimeAsync(0);
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([[1, 2, 3]]);
  expect(handles.map((h) => h.acks)).toEqual([1, 1, 1]);
  expect(metrics).toMatchObject({ rows: 3, batches: 1, failures: 0 });
});

test('MessageBatcher - inserts a partial batch maxMs after its first row', async () => {
  const { store, add } = setup();
  add(1);
  await jest.advanceTimersByTimeAsync(150);
  add(2);
  await jest.advanceTimersByTimeAsync(49);
  expect(store.batches).toHaveLength(0);
  await jest.advanceTimersByTimeAsync(1);
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([[1, 2]]);
  // The next batch gets its own timer, started by its own first row.
  add(3);
  await jest.advanceTimersByTimeAsync(199);
  expect(store.batches).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([[1, 2], [3]]);
});

test('MessageBatcher - acks a delivery only after its batch insert resolved', async () => {
  const { store, add } = setup();
  const gate = deferred();
  store.gate = gate.promise;
  const handles = [add(1), add(2), add(3)];
  await jest.advanceTimersByTimeAsync(1000);
  expect(store.insertCalls).toBe(1);
  expect(handles.map((h) => h.acks)).toEqual([0, 0, 0]);
  gate.resolve();
  await jest.advanceTimersByTimeAsync(0);
  expect(handles.map((h) => h.acks)).toEqual([1, 1, 1]);
});

test('MessageBatcher - keeps a failed batch unacked and retries it with capped exponential backoff', async () => {
  const { store, add, metrics } = setup({ retryInitialMs: 100, retryMaxMs: 400 });
  store.failNext = 4;
  const handles = [add(1), add(2), add(3)];
  await jest.advanceTimersByTimeAsync(0);
  expect(store.insertCalls).toBe(1);
  // Backoff 100, 200, 400, 400 (capped).
  await jest.advanceTimersByTimeAsync(99);
  expect(store.insertCalls).toBe(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(store.insertCalls).toBe(2);
  await jest.advanceTimersByTimeAsync(200);
  expect(store.insertCalls).toBe(3);
  await jest.advanceTimersByTimeAsync(400);
  expect(store.insertCalls).toBe(4);
  expect(handles.every((h) => h.acks === 0 && h.naks === 0)).toBe(true);
  await jest.advanceTimersByTimeAsync(399);
  expect(store.insertCalls).toBe(4);
  await jest.advanceTimersByTimeAsync(1);
  expect(store.insertCalls).toBe(5);
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([[1, 2, 3]]);
  expect(handles.map((h) => h.acks)).toEqual([1, 1, 1]);
  expect(metrics).toMatchObject({ failures: 4, batches: 1, rows: 3 });
});

test('MessageBatcher - has no room for more rows once the batch behind a stuck insert is full', async () => {
  const { store, batcher, add } = setup();
  store.failNext = Number.POSITIVE_INFINITY;
  add(1);
  add(2);
  add(3);
  await jest.advanceTimersByTimeAsync(0);
  expect(batcher.room()).toBe(3);
  add(4);
  add(5);
  expect(batcher.room()).toBe(1);
  add(6);
  expect(batcher.room()).toBe(0);
  let roomAgain = false;
  void batcher.whenRoom().then(() => {
    roomAgain = true;
  });
  await jest.advanceTimersByTimeAsync(30_000);
  expect(roomAgain).toBe(false);
  expect(store.batches).toHaveLength(0);
  // ClickHouse is back: the stuck batch goes in, the next one is taken, and room opens up.
  store.failNext = 0;
  await jest.advanceTimersByTimeAsync(5000);
  expect(roomAgain).toBe(true);
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([
    [1, 2, 3],
    [4, 5, 6],
  ]);
});

test('MessageBatcher - marks deliveries in progress while their batch stays stuck', async () => {
  const { store, add } = setup({ progressEveryMs: 10_000 });
  store.failNext = Number.POSITIVE_INFINITY;
  const handles = [add(1), add(2), add(3)];
  await jest.advanceTimersByTimeAsync(9000);
  expect(handles[0]?.progress).toBe(0);
  await jest.advanceTimersByTimeAsync(6000);
  expect(handles.map((h) => h.progress)).toEqual([1, 1, 1]);
  expect(handles.every((h) => h.acks === 0)).toBe(true);
});

test('MessageBatcher - stop inserts what is buffered and acks it', async () => {
  const { store, batcher, add } = setup();
  const handles = [add(1), add(2)];
  await batcher.stop();
  expect(store.batches.map((b) => b.map((r) => r.seq))).toEqual([[1, 2]]);
  expect(handles.map((h) => h.acks)).toEqual([1, 1]);
  expect(() => add(3)).toThrow(BatcherStoppedError);
});

test('MessageBatcher - stop gives a batch that still fails back unacked (nak) instead of retrying forever', async () => {
  const { store, batcher, add } = setup();
  store.failNext = Number.POSITIVE_INFINITY;
  const handles = [add(1), add(2), add(3)];
  await jest.advanceTimersByTimeAsync(50);
  const stopped = batcher.stop();
  await jest.advanceTimersByTimeAsync(0);
  await stopped;
  expect(handles.map((h) => [h.acks, h.naks])).toEqual([
    [0, 1],
    [0, 1],
    [0, 1],
  ]);
  expect(store.batches).toHaveLength(0);
});
