import {
  AppendRequest,
  AppendResponse,
  ErrorCode,
  Headers,
  ParticipantRole,
  PartitionLease,
  SubjectCatalog,
  UnifiedMessage,
  type AppendAck,
} from '@switchboard/proto';
import { directGetOf, isNotFound, partitionOf } from '@switchboard/shared';
import { connect, type KV, type NatsConnection } from 'nats';
import { serverUrl, startTestStack, type TestStack } from '../src/stack';
import { waitFor } from '../src/wait';

/**
 * Two session instances share the partitions through leases. These tests talk to the session over NATS
 * directly (as the gateway does) so they see exactly what the session answers.
 */
let stack: TestStack;
let nc: NatsConnection;
let catalog: SubjectCatalog;
let leases: KV;
const PARTITIONS = 64;

beforeAll(async () => {
  stack = await startTestStack('fo', {
    sessionInstances: 2,
    env: { session: { LEASE_TTL_MS: '2000', LEASE_RENEW_MS: '500' } },
  });
  catalog = new SubjectCatalog(stack.namespace);
  nc = await connect({ servers: serverUrl('NATS_URL') });
  leases = await nc.jetstream().views.kv(catalog.buckets.sessionLeases);
}, 120_000);

afterAll(async () => {
  for (const s of stack.sessions) {
    try {
      process.kill(s.pid, 'SIGCONT');
    } catch {
      // already gone
    }
  }
  await nc.close();
  await stack.stop();
});

async function owners(): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let p = 0; p < PARTITIONS; p++) {
    const e = await leases.get(catalog.partitionLeaseKey(p));
    if (e === null || e.operation !== 'PUT') continue;
    const lease = PartitionLease.decode(e.value);
    if (lease.expiresAtMs > Date.now()) out.set(p, lease.owner);
  }
  return out;
}

function visitorMessage(conversationId: string, clientMsgId: string): UnifiedMessage {
  return UnifiedMessage.fromPartial({
    tenantId: 'demo',
    conversationId,
    clientMsgId,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: `v-${conversationId}`, displayName: 'V' },
    text: clientMsgId,
  });
}

/** Appends like the gateway does: retry the same message until the owner answers, or give up at 20 s. */
async function append(m: UnifiedMessage): Promise<AppendAck> {
  const subject = catalog.sessionAppend(partitionOf(m.conversationId, PARTITIONS));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const reply = await nc.request(subject, AppendRequest.encode({ message: m }).finish(), {
        timeout: 1000,
      });
      const res = AppendResponse.decode(reply.data);
      if (res.result?.$case === 'ack') return res.result.value;
      if (res.result?.$case === 'error' && !res.result.value.retryable)
        throw new Error(`append failed: ${ErrorCode[res.result.value.code]} ${res.result.value.message}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('append failed')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`no ack for ${m.clientMsgId} within 20 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Stored {
  seq: number;
  clientMsgId: string;
  writer: string;
}

async function storedMessages(conversationId: string): Promise<Stored[]> {
  const direct = directGetOf(await nc.jetstreamManager());
  const out: Stored[] = [];
  let position = 1;
  for (;;) {
    try {
      const m = await direct.getMessage(catalog.streams.conv, {
        next_by_subj: catalog.conversation('demo', conversationId),
        seq: position,
      });
      out.push({
        seq: Number(m.header.get(Headers.seq)),
        clientMsgId: UnifiedMessage.decode(m.data).clientMsgId,
        writer: m.header.get(Headers.writer),
      });
      position = m.seq + 1;
    } catch (err) {
      if (isNotFound(err)) return out;
      throw err;
    }
  }
}

test('session failover - partitions are split between two instances, each exactly once', async () => {
  const split = await waitFor('both instances to own half of the partitions', async () => {
    const o = await owners();
    const counts = new Map<string, number>();
    for (const owner of o.values()) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    return o.size === PARTITIONS && counts.get('session-0') === 32 && counts.get('session-1') === 32
      ? counts
      : undefined;
  });
  expect([...split.values()]).toEqual([32, 32]);
});

test('session failover - a paused owner is replaced, comes back fenced, and no message is lost, doubled or reordered', async () => {
  const conversations = Array.from({ length: 16 }, (_, i) => `fo-conv-${i}`);
  const sendRound = async (round: string): Promise<Map<string, AppendAck>> => {
    const acks = new Map<string, AppendAck>();
    await Promise.all(
      conversations.map(async (c) => {
        for (let i = 0; i < 4; i++) {
          const id = `${c}-${round}-${i}`;
          acks.set(id, await append(visitorMessage(c, id)));
        }
      }),
    );
    return acks;
  };
  const before = await sendRound('a');
  const paused = stack.sessions[0];
  if (paused === undefined) throw new Error('no session-0');
  process.kill(paused.pid, 'SIGSTOP');
  const started = Date.now();
  const during = await sendRound('b');
  const recoveryMs = Date.now() - started;
  const takenOver = await owners();
  expect([...takenOver.values()].every((o) => o === 'session-1')).toBe(true);
  process.kill(paused.pid, 'SIGCONT');
  // The woken instance still has its subscriptions for a moment; whatever it does, the order holds.
  const after = await sendRound('c');

  // Retries of everything, once the instances have settled, give the original seqs back.
  await waitFor('the partitions to be split again', async () => {
    const o = await owners();
    return [...o.values()].filter((x) => x === 'session-0').length === 32 ? true : undefined;
  });
  const all = new Map([...before, ...during, ...after]);
  for (const [id, ack] of all) {
    const conversationId = id.split('-').slice(0, 3).join('-');
    const again = await append(visitorMessage(conversationId, id));
    expect({ id, seq: again.seq, duplicate: again.duplicate }).toEqual({ id, seq: ack.seq, duplicate: true });
  }

  for (const c of conversations) {
    const stored = await storedMessages(c);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const ids = stored.map((m) => m.clientMsgId);
    expect(new Set(ids).size).toBe(12);
    for (const m of stored) expect(all.get(m.clientMsgId)?.seq).toBe(m.seq);
    // Each sender's messages keep their order.
    expect(ids).toEqual([...ids].sort((x, y) => x.localeCompare(y)));
  }
  // Leases of 2 s renewed every 0.5 s: the takeover must come within a few seconds.
  expect(recoveryMs).toBeLessThan(15_000);
}, 120_000);
