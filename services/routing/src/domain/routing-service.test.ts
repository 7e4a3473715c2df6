import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  type UnifiedMessage,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import {
  agent,
  event,
  FakeConfig,
  FakeSession,
  ManualClock,
  MemoryStore,
  presence,
  RecordingPublisher,
  silentLogger,
  snapshot,
  summary,
  T,
} from '../testing/fixtures';
import { SessionNoAnswerError } from './ports';
import { outcomeOf, RoutingService } from './routing-service';

const S = ConversationState;

function setup() {
  const clock = new ManualClock();
  const session = new FakeSession();
  const store = new MemoryStore();
  const publisher = new RecordingPublisher();
  const config = new FakeConfig();
  config.tenants.set(T, snapshot([agent('a1')]));
  const service = new RoutingService(
    { commands: session, store, publisher, config, clock, log: silentLogger },
    { presenceTtlMs: 15_000, queueStatusIntervalMs: 5000, commandSettleMs: 15_000, configRetryMinMs: 1000 },
  );
  return { clock, session, store, publisher, config, service };
}

/** Lets promise callbacks (config loads) run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RoutingService', () => {
  it('restore - loads the mirror and the scores before any event', async () => {
    const h = setup();
    h.store.stored = {
      conversations: [event(summary({ version: 4 }))],
      agentStats: [{ ...h.service.view.stats.agent(T, 'a1'), csatCount: 2, csatSum: 9 }],
      groupStats: [{ tenantId: T, groupId: 'general', avgHandleMs: 1000, samples: 1 }],
      sticky: [{ tenantId: T, visitorId: 'v1', sticky: { agentId: 'a1', atMs: 1 } }],
    };
    expect(await h.service.restore()).toEqual({ conversations: 1 });
    expect(h.service.view.conversations.get(T, 'c1')?.summary.version).toBe(4);
    expect(h.service.view.stats.agent(T, 'a1').csatSum).toBe(9);
    expect(h.service.view.stats.avgHandleMs(T, 'general')).toBe(1000);
    expect(h.service.view.stats.stickyAgent(T, 'v1')?.agentId).toBe('a1');
    expect(h.service.view.config.unloaded()).toEqual([T]);
  });

  it('applyEvent - mirrors open conversations, deletes closed ones, writes event scores at once', async () => {
    const h = setup();
    await h.service.applyEvent(
      event(summary({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: 5 })),
      1,
    );
    expect(h.store.conversations.get(`${T}.c1`)?.version).toBe(1);
    expect(h.store.stats).toEqual([
      { record: expect.objectContaining({ kind: 'agent' }) as unknown, urgent: true },
    ]);
    await h.service.applyEvent(event(summary({ version: 2, state: S.CONVERSATION_STATE_CLOSED })), 2);
    expect(h.store.conversations.size).toBe(0);
  });

  it('applyMessage - response-time scores are written coalesced (not urgent)', async () => {
    const h = setup();
    await h.service.applyEvent(event(summary({ state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' })), 1);
    const msg = (role: ParticipantRole, id: string, at: number): UnifiedMessage => ({
      tenantId: T,
      conversationId: 'c1',
      seq: 1,
      clientMsgId: String(at),
      sender: { role, id, displayName: '' },
      channel: Channel.CHANNEL_WEB_WIDGET,
      kind: MessageKind.MESSAGE_KIND_TEXT,
      text: '',
      clientSentAtMs: at,
      acceptedAtMs: at,
      metadata: {},
    });
    h.store.stats.length = 0;
    h.service.applyMessage(msg(ParticipantRole.PARTICIPANT_ROLE_VISITOR, 'v1', 1000));
    h.service.applyMessage(msg(ParticipantRole.PARTICIPANT_ROLE_AGENT, 'a1', 3000));
    expect(h.store.stats).toEqual([
      { record: expect.objectContaining({ kind: 'agent' }) as unknown, urgent: false },
    ]);
  });

  it('tick - before dispatching only configuration is loaded; afterwards commands go out and settle', async () => {
    const h = setup();
    h.service.applyPresence(presence('a1'));
    await h.service.applyEvent(event(summary()), 1);
    await h.service.tick();
    expect(h.config.calls).toEqual([T]);
    expect(h.session.sent).toEqual([]);
    await settle();
    h.service.startDispatching();
    await h.service.tick();
    expect(h.session.sent).toEqual([expect.objectContaining({ kind: 'assign', agentId: 'a1' })]);
    expect(h.publisher.signals.length).toBeGreaterThan(0);
    expect(h.publisher.snapshots).toHaveLength(1);
    expect(h.service.planner.pendingCount).toBe(1); // applied at 101; waiting for the event
  });

  it('tick - a tenant whose configuration failed to load is retried with backoff', async () => {
    const h = setup();
    h.config.fail = true;
    await h.service.applyEvent(event(summary()), 1);
    await h.service.tick();
    await settle();
    await h.service.tick();
    expect(h.config.calls).toEqual([T]);
    h.clock.advance(1000);
    h.config.fail = false;
    await h.service.tick();
    await settle();
    expect(h.config.calls).toEqual([T, T]);
    expect(h.service.view.config.get(T)?.loaded).toBe(true);
  });

  it('tick - a refused command is dropped as already handled, not retried at the next tick', async () => {
    const h = setup();
    h.service.applyPresence(presence('a1'));
    await h.service.applyEvent(event(summary()), 1);
    await h.service.tick();
    await settle();
    h.service.startDispatching();
    h.session.refuseAll();
    await h.service.tick();
    await h.service.tick();
    expect(h.session.sent).toHaveLength(1);
  });

  it('pick - sends assign {accepted: true} and answers with the conversation', async () => {
    const h = setup();
    await h.service.applyEvent(event(summary()), 1);
    await h.service.tick();
    await settle();
    h.service.startDispatching();
    const req = { tenantId: T, conversationId: 'c1', agentId: 'a1', agentDisplayName: 'Alice' };
    const res = await h.service.pick(req);
    expect(res.conversationId).toBe('c1');
    expect(h.session.sent).toEqual([
      {
        kind: 'assign',
        tenantId: T,
        conversationId: 'c1',
        agentId: 'a1',
        agentDisplayName: 'Alice',
        accepted: true,
      },
    ]);
  });

  it('pick - typed errors: missing fields, still catching up, refused by session', async () => {
    const h = setup();
    await expect(
      h.service.pick({ tenantId: T, conversationId: '', agentId: 'a1', agentDisplayName: '' }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    });
    await expect(
      h.service.pick({ tenantId: T, conversationId: 'c1', agentId: 'a1', agentDisplayName: '' }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_UNAVAILABLE,
    });
    await h.service.applyEvent(event(summary()), 1);
    await h.service.tick();
    await settle();
    h.service.startDispatching();
    h.session.refuseAll();
    await expect(
      h.service.pick({ tenantId: T, conversationId: 'c1', agentId: 'a1', agentDisplayName: '' }),
    ).rejects.toMatchObject({
      code: ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    });
  });

  it('outcomeOf - unavailable is retried, no answer is unknown, anything else was handled', () => {
    expect(outcomeOf(new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'x', true))).toEqual({
      kind: 'failed',
    });
    expect(outcomeOf(new SessionNoAnswerError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'x', true))).toEqual({
      kind: 'unknown',
    });
    expect(outcomeOf(new Error('boom'))).toEqual({ kind: 'unknown' });
    expect(outcomeOf(new SwitchboardError(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION, 'x'))).toEqual({
      kind: 'refused',
    });
    expect(outcomeOf(new SwitchboardError(ErrorCode.ERROR_CODE_NOT_FOUND, 'x'))).toEqual({ kind: 'refused' });
  });

  it('applyEvent - the RATED event after a close counts once per stream seq', async () => {
    const h = setup();
    const rated = event(
      summary({
        state: S.CONVERSATION_STATE_CLOSED,
        csat: { score: 5, comment: '', atMs: 1, agentId: 'a1' },
      }),
      { type: ConversationEventType.CONVERSATION_EVENT_TYPE_RATED },
    );
    await h.service.applyEvent(rated, 9);
    await h.service.applyEvent(rated, 9);
    expect(h.service.view.stats.agent(T, 'a1')).toMatchObject({
      csatCount: 1,
      csatSum: 5,
      csatThroughEventSeq: 9,
    });
  });
});
