import { ConfigEntity, ConfigOp } from '@switchboard/proto';
import { InMemoryChangeLog, InMemoryNotifications } from '../testing/fakes';
import { advanceHorizon, ConfigWatch } from './config-watch';
import type { ConfigChange } from './ports';

const NOW = 1_000_000;
const GRACE = 10_000;

function change(revision: number, tenantId = 'demo', atMs = NOW): ConfigChange {
  return {
    revision,
    tenantId,
    entity: ConfigEntity.CONFIG_ENTITY_TENANT,
    entityId: tenantId,
    op: ConfigOp.CONFIG_OP_UPSERT,
    atMs,
    value: {
      $case: 'tenant',
      value: { id: tenantId, name: `rev ${revision}`, createdAtMs: atMs, updatedAtMs: atMs },
    },
  };
}

/** Polls `cond` until it holds or the deadline passes; yields to the event loop between checks. */
async function until(cond: () => boolean, what: string, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

interface Harness {
  log: InMemoryChangeLog;
  notifications: InMemoryNotifications;
  sent: number[];
  abort: AbortController;
  done: Promise<void>;
}

function startWatch(
  request: { tenantId?: string; fromRevision?: number },
  setup: (log: InMemoryChangeLog) => void = () => undefined,
  opts: { batchSize?: number; clock?: () => number } = {},
): Harness {
  const log = new InMemoryChangeLog();
  setup(log);
  const notifications = new InMemoryNotifications();
  const watch = new ConfigWatch({
    reader: log,
    signal: notifications,
    pollMs: 3_600_000, // only notifications drive progress in these tests
    gapGraceMs: GRACE,
    clock: opts.clock ?? (() => NOW),
    ...(opts.batchSize === undefined ? {} : { batchSize: opts.batchSize }),
  });
  const sent: number[] = [];
  const abort = new AbortController();
  const done = watch.stream(
    { tenantId: request.tenantId, fromRevision: request.fromRevision ?? 0 },
    (c) => {
      sent.push(c.revision);
      return Promise.resolve();
    },
    abort.signal,
  );
  return { log, notifications, sent, abort, done };
}

async function stop(h: Harness): Promise<void> {
  h.abort.abort();
  await h.done;
  expect(h.notifications.listenerCount).toBe(0);
}

describe('config watch horizon', () => {
  const marks = (...revs: [number, number][]) => revs.map(([revision, atMs]) => ({ revision, atMs }));

  it('config watch horizon - advances over contiguous revisions', () => {
    expect(advanceHorizon(0, marks([1, NOW], [2, NOW], [3, NOW]), NOW, GRACE)).toBe(3);
  });

  it('config watch horizon - stops before a fresh hole', () => {
    expect(advanceHorizon(0, marks([1, NOW], [3, NOW], [4, NOW]), NOW, GRACE)).toBe(1);
    expect(advanceHorizon(5, marks([7, NOW]), NOW, GRACE)).toBe(5);
  });

  it('config watch horizon - skips a hole once the change after it is older than the grace period', () => {
    expect(advanceHorizon(0, marks([1, 0], [3, NOW - GRACE], [4, NOW]), NOW, GRACE)).toBe(4);
  });
});

describe('config watch', () => {
  it('config watch - replays from revision 0 in revision order, then streams live changes', async () => {
    const h = startWatch({}, (log) => {
      for (const r of [3, 1, 2]) log.put(change(r));
      for (let i = 0; i < 3; i++) log.reserve();
    });
    await until(() => h.sent.length === 3, 'replay');
    expect(h.sent).toEqual([1, 2, 3]);
    await h.log.append(change(0));
    h.notifications.notify();
    await until(() => h.sent.length === 4, 'live change');
    expect(h.sent).toEqual([1, 2, 3, 4]);
    await stop(h);
  });

  it('config watch - replays only revisions after from_revision', async () => {
    const h = startWatch({ fromRevision: 2 }, (log) => {
      for (let r = 1; r <= 4; r++) log.put(change(r));
    });
    await until(() => h.sent.length === 2, 'replay');
    expect(h.sent).toEqual([3, 4]);
    await stop(h);
  });

  it('config watch - streams one tenant only when tenant_id is set', async () => {
    const h = startWatch({ tenantId: 'demo' }, (log) => {
      log.put(change(1, 'demo'));
      log.put(change(2, 'other'));
      log.put(change(3, 'demo'));
    });
    await until(() => h.sent.length === 2, 'replay');
    expect(h.sent).toEqual([1, 3]);
    h.log.put(change(4, 'other'));
    h.log.put(change(5, 'demo'));
    h.notifications.notify();
    await until(() => h.sent.length === 3, 'live change');
    expect(h.sent).toEqual([1, 3, 5]);
    await stop(h);
  });

  it('config watch - holds back a revision until the one before it is written', async () => {
    const h = startWatch({}, (log) => {
      log.put(change(1));
      log.put(change(3)); // revision 2 is taken by a writer that has not inserted it yet
    });
    await until(() => h.sent.length === 1 && h.log.queries >= 1, 'first pass');
    h.notifications.notify();
    await until(() => h.log.queries >= 2, 'a pass that sees 3 without 2');
    expect(h.sent).toEqual([1]);
    h.log.put(change(2));
    h.notifications.notify();
    await until(() => h.sent.length === 3, 'gap filled');
    expect(h.sent).toEqual([1, 2, 3]);
    await stop(h);
  });

  it('config watch - skips a hole left by a writer that died', async () => {
    const h = startWatch({}, (log) => {
      log.put(change(1, 'demo', 0));
      log.put(change(3, 'demo', NOW - GRACE - 1));
    });
    await until(() => h.sent.length === 2, 'replay past the hole');
    expect(h.sent).toEqual([1, 3]);
    await stop(h);
  });

  it('config watch - pages through a log longer than one batch', async () => {
    const h = startWatch(
      { tenantId: 'demo' },
      (log) => {
        for (let r = 1; r <= 11; r++) log.put(change(r, r % 3 === 0 ? 'other' : 'demo'));
      },
      { batchSize: 2 },
    );
    const expected = [1, 2, 4, 5, 7, 8, 10, 11];
    await until(() => h.sent.length === expected.length, 'paged replay');
    expect(h.sent).toEqual(expected);
    await stop(h);
  });

  it('config watch - a notification during a pass is not lost', async () => {
    const log = new InMemoryChangeLog();
    log.put(change(1));
    const notifications = new InMemoryNotifications();
    const watch = new ConfigWatch({
      reader: log,
      signal: notifications,
      pollMs: 3_600_000,
      gapGraceMs: GRACE,
    });
    const sent: number[] = [];
    const abort = new AbortController();
    const done = watch.stream(
      { tenantId: undefined, fromRevision: 0 },
      (c) => {
        sent.push(c.revision);
        // A change lands and is announced while revision 1 is being sent.
        if (c.revision === 1) {
          log.put(change(2));
          notifications.notify();
        }
        return Promise.resolve();
      },
      abort.signal,
    );
    await until(() => sent.length === 2, 'second change');
    expect(sent).toEqual([1, 2]);
    abort.abort();
    await done;
  });

  it('config watch - ends when aborted and unsubscribes', async () => {
    const h = startWatch({}, (log) => {
      log.put(change(1));
    });
    await until(() => h.sent.length === 1, 'replay');
    await stop(h);
  });
});
