import {
  ConversationSignal,
  ErrorCode,
  Headers,
  PickRequest,
  PickResponse,
  QueueSnapshot,
  SessionCommandRequest,
  SessionCommandResponse,
} from '@switchboard/proto';
import { partitionOf, SwitchboardError, trace } from '@switchboard/shared';
import type { Subscription } from 'nats';
import { NatsSessionCommands } from '../src/adapters/nats-session-commands';
import { NatsSignalPublisher } from '../src/adapters/nats-signal-publisher';
import { SessionNoAnswerError } from '../src/domain/ports';
import { RoutingService } from '../src/domain/routing-service';
import {
  agent,
  event,
  FakeConfig,
  FakeSession,
  MemoryStore,
  RecordingPublisher,
  snapshot,
  summary,
  T,
} from '../src/testing/fixtures';
import { servePick } from '../src/transport/pick-handler';
import { silentLogger, testBed, waitFor, type TestBed } from './support';

let bed: TestBed;
const subs: Subscription[] = [];

beforeEach(async () => {
  bed = await testBed();
});

afterEach(async () => {
  for (const s of subs.splice(0)) s.unsubscribe();
  await bed.cleanup();
});

/** A session partition owner that answers every command with `answer`. */
function fakeSessionOwner(
  partitions: number,
  answer: (req: SessionCommandRequest) => SessionCommandResponse,
): SessionCommandRequest[] {
  const seen: SessionCommandRequest[] = [];
  for (let p = 0; p < partitions; p++) {
    subs.push(
      bed.nc.subscribe(bed.catalog.sessionCommand(p), {
        callback: (_err, m) => {
          const req = SessionCommandRequest.decode(m.data);
          expect(partitionOf(req.conversationId, partitions)).toBe(p);
          seen.push(req);
          m.respond(SessionCommandResponse.encode(answer(req)).finish());
        },
      }),
    );
  }
  return seen;
}

test('NatsSessionCommands - sends to the partition owner and returns the conversation', async () => {
  const seen = fakeSessionOwner(4, (req) => ({
    result: { $case: 'conversation', value: summary({ conversationId: req.conversationId, version: 7 }) },
  }));
  const commands = new NatsSessionCommands(bed.nc, bed.catalog, 4, 2000);
  const res = await commands.send({
    kind: 'enqueue',
    tenantId: T,
    conversationId: 'conv-42',
    groupId: 'sales',
    priority: 0,
    reason: 'default',
  });
  expect(res.version).toBe(7);
  expect(seen[0]?.command).toEqual({
    $case: 'enqueue',
    value: { groupId: 'sales', priority: 0, reason: 'default' },
  });
});

test('NatsSessionCommands - an error reply becomes a typed SwitchboardError', async () => {
  fakeSessionOwner(1, () => ({
    result: {
      $case: 'error',
      value: {
        code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
        message: 'no',
        retryable: false,
        clientMsgId: '',
        requestId: 0,
      },
    },
  }));
  const commands = new NatsSessionCommands(bed.nc, bed.catalog, 1, 2000);
  const err: unknown = await commands
    .send({ kind: 'close', tenantId: T, conversationId: 'c1', reason: 'idle', reopenWindowMs: 0 })
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SwitchboardError);
  expect(err).not.toBeInstanceOf(SessionNoAnswerError);
  expect((err as SwitchboardError).code).toBe(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION);
});

test('NatsSessionCommands - nobody answering is SessionNoAnswerError (outcome unknown)', async () => {
  const commands = new NatsSessionCommands(bed.nc, bed.catalog, 1, 200);
  await expect(
    commands.send({
      kind: 'requeue',
      tenantId: T,
      conversationId: 'c1',
      expectedAgentId: 'a1',
      reason: 'agent_offline',
    }),
  ).rejects.toBeInstanceOf(SessionNoAnswerError);
});

test('NatsSignalPublisher - signals and snapshots on their core subjects', async () => {
  const got: { subject: string; data: Uint8Array }[] = [];
  subs.push(bed.nc.subscribe(bed.catalog.conversationSignals(T, 'c1'), { callback: (_e, m) => got.push(m) }));
  subs.push(bed.nc.subscribe(bed.catalog.queue(T), { callback: (_e, m) => got.push(m) }));
  await bed.nc.flush();
  const publisher = new NatsSignalPublisher(bed.nc, bed.catalog, silentLogger);
  publisher.signal({
    tenantId: T,
    conversationId: 'c1',
    from: undefined,
    atMs: 1,
    kind: { $case: 'idleWarning', value: { closesAtMs: 9 } },
  });
  publisher.snapshot({ tenantId: T, groups: [], atMs: 2 });
  await waitFor(() => got.length === 2, 'both published');
  expect(ConversationSignal.decode(got[0]?.data ?? new Uint8Array()).kind).toEqual({
    $case: 'idleWarning',
    value: { closesAtMs: 9 },
  });
  expect(QueueSnapshot.decode(got[1]?.data ?? new Uint8Array()).atMs).toBe(2);
});

test('servePick - answers every pick: the conversation, or a typed error with the Sb-Error-Code header', async () => {
  const session = new FakeSession();
  const config = new FakeConfig();
  config.tenants.set(T, snapshot([agent('a1')]));
  const service = new RoutingService(
    {
      commands: session,
      store: new MemoryStore(),
      publisher: new RecordingPublisher(),
      config,
      clock: { now: () => Date.now() },
      log: silentLogger,
    },
    { presenceTtlMs: 15_000, queueStatusIntervalMs: 5000, commandSettleMs: 15_000 },
  );
  await service.applyEvent(event(summary()), 1);
  await service.tick();
  await waitFor(() => service.view.config.get(T)?.loaded === true, 'config');
  service.startDispatching();
  const pick = servePick(bed.nc, bed.catalog, service, trace.getTracer('test'), silentLogger);
  try {
    const ask = async (conversationId: string, agentId: string) => {
      const m = await bed.nc.request(
        bed.catalog.routingPick(),
        PickRequest.encode({ tenantId: T, conversationId, agentId, agentDisplayName: '' }).finish(),
        { timeout: 2000 },
      );
      return { res: PickResponse.decode(m.data), code: m.headers?.get(Headers.errorCode) ?? '' };
    };
    const ok = await ask('c1', 'a1');
    expect(ok.res.result).toMatchObject({ $case: 'conversation', value: { conversationId: 'c1' } });
    expect(session.sent).toEqual([
      expect.objectContaining({ kind: 'assign', agentId: 'a1', accepted: true }),
    ]);
    const missing = await ask('nope', 'a1');
    expect(missing.res.result).toMatchObject({
      $case: 'error',
      value: { code: ErrorCode.ERROR_CODE_NOT_FOUND },
    });
    expect(missing.code).toBe('ERROR_CODE_NOT_FOUND');
    const garbage = await bed.nc.request(bed.catalog.routingPick(), new Uint8Array([0xff, 0xff]), {
      timeout: 2000,
    });
    expect(PickResponse.decode(garbage.data).result).toMatchObject({
      $case: 'error',
      value: { code: ErrorCode.ERROR_CODE_BAD_FRAME },
    });
  } finally {
    await pick.stop();
  }
});
