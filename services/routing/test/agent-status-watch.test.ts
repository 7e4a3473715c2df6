import { AgentStatus, AgentStatusRecord } from '@switchboard/proto';
import { AgentStatusWatch } from '../src/adapters/kv-agent-status';
import { silentLogger, testBed, waitFor, type TestBed } from './support';

let bed: TestBed;
let watch: AgentStatusWatch | undefined;

beforeEach(async () => {
  bed = await testBed();
});

afterEach(async () => {
  await watch?.stop();
  watch = undefined;
  await bed.cleanup();
});

function record(agentId: string, status: AgentStatus): Uint8Array {
  return AgentStatusRecord.encode({ tenantId: 't1', agentId, status, atMs: 1 }).finish();
}

test('AgentStatusWatch - delivers the current values first, then every change and delete', async () => {
  await bed.statusKv.put(bed.catalog.agentStatusKey('t1', 'a1'), record('a1', AgentStatus.AGENT_STATUS_AWAY));
  await bed.statusKv.put(
    bed.catalog.agentStatusKey('t1', 'a2'),
    record('a2', AgentStatus.AGENT_STATUS_ONLINE),
  );
  const seen = new Map<string, AgentStatus | 'deleted'>();
  watch = new AgentStatusWatch(
    bed.statusKv,
    (tenantId, agentId, r) => {
      seen.set(`${tenantId}.${agentId}`, r?.status ?? 'deleted');
    },
    silentLogger,
  );
  watch.start();
  await watch.initialized;
  expect(seen).toEqual(
    new Map([
      ['t1.a1', AgentStatus.AGENT_STATUS_AWAY],
      ['t1.a2', AgentStatus.AGENT_STATUS_ONLINE],
    ]),
  );
  await bed.statusKv.put(
    bed.catalog.agentStatusKey('t1', 'a1'),
    record('a1', AgentStatus.AGENT_STATUS_ONLINE),
  );
  await bed.statusKv.delete(bed.catalog.agentStatusKey('t1', 'a2'));
  await waitFor(
    () => seen.get('t1.a1') === AgentStatus.AGENT_STATUS_ONLINE && seen.get('t1.a2') === 'deleted',
    'updates',
  );
});

test('AgentStatusWatch - an empty bucket is initialized at once', async () => {
  watch = new AgentStatusWatch(bed.statusKv, () => undefined, silentLogger);
  watch.start();
  await watch.initialized;
});
