import type { KV, KvEntry, QueuedIterator } from 'nats';

/**
 * The current entries of a KV bucket (optionally of keys matching `key`), deletes excluded: a watch that
 * stops once it delivered the initial values.
 */
export async function kvSnapshot(kv: KV, key?: string): Promise<Map<string, KvEntry>> {
  // initializedFn may run before watch() resolves (an empty bucket), or later from the iterator.
  const state: { initialized: boolean; iter: QueuedIterator<KvEntry> | undefined } = {
    initialized: false,
    iter: undefined,
  };
  const iter = await kv.watch({
    ...(key === undefined ? {} : { key }),
    initializedFn: () => {
      state.initialized = true;
      state.iter?.stop();
    },
  });
  state.iter = iter;
  if (state.initialized) iter.stop();
  const latest = new Map<string, KvEntry>();
  for await (const e of iter) {
    if (e.operation === 'PUT') latest.set(e.key, e);
    else latest.delete(e.key);
  }
  return latest;
}
