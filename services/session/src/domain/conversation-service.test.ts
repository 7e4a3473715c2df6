import {
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  UnifiedMessage,
} from '@switchboard/proto';
import { errorCodeOf, SwitchboardError } from '@switchboard/shared';
import { SYSTEM_ACTOR, type Actor } from './conversation';
import { ConversationService } from './conversation-service';
import { MemoryEvents, MemoryHistory, MemoryLog, MemoryStateStore } from './memory-ports';

function setup() {
  const store = new MemoryStateStore();
  const log = new MemoryLog();
  const events = new MemoryEvents();
  const history = new MemoryHistory();
  const ownership = { owner: true };
  let t = 1000;
  const service = new ConversationService(
    store,
    log,
    events,
    history,
    { now: () => ++t },
    { maxLiveConversations: 100, stillOwner: () => ownership.owner },
  );
  return { store, log, events, history, ownership, service };
}

function visitorMsg(id: string, text = `hello ${id}`, conv = 'c1'): UnifiedMessage {
  return UnifiedMessage.fromPartial({
    tenantId: 't1',
    conversationId: conv,
    clientMsgId: id,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_VISITOR, id: 'v1' },
    text,
  });
}

function agentMsg(id: string, agent = 'a1'): UnifiedMessage {
  return UnifiedMessage.fromPartial({
    tenantId: 't1',
    conversationId: 'c1',
    clientMsgId: id,
    sender: { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id: agent },
    text: 'agent says hi',
  });
}

function codeOf(p: Promise<unknown>): Promise<ErrorCode | undefined> {
  return p.then(() => undefined, errorCodeOf);
}

describe('ConversationService', () => {
  it('append - assigns contiguous seq 1, 2, 3 in arrival order', async () => {
    const { service, log } = setup();
    const acks = await Promise.all([
      service.append(visitorMsg('m1')),
      service.append(visitorMsg('m2')),
      service.append(visitorMsg('m3')),
    ]);
    expect(acks.map((a) => a.seq)).toEqual([1, 2, 3]);
    expect(log.messages.map((m) => [m.clientMsgId, m.seq])).toEqual([
      ['m1', 1],
      ['m2', 2],
      ['m3', 3],
    ]);
  });

  it('append - the first visitor message opens the conversation and publishes OPENED', async () => {
    const { service, events, store } = setup();
    const ack = await service.append(visitorMsg('m1'));
    expect(ack.state).toBe(ConversationState.CONVERSATION_STATE_WAITING);
    expect(events.published.map((e) => e.type)).toEqual([
      ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
    ]);
    expect(store.entries.get('t1.c1')?.summary.visitorId).toBe('v1');
  });

  it('append - a retry with the same client_msg_id returns the original seq and stores nothing', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    await service.append(visitorMsg('m2'));
    const again = await service.append(visitorMsg('m1'));
    expect(again).toMatchObject({ seq: 1, duplicate: true });
    expect(log.messages).toHaveLength(2);
  });

  it('append - after a restart, a retry is recognised by the log and keeps its seq', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    await service.append(visitorMsg('m2'));
    service.forgetAll();
    const again = await service.append(visitorMsg('m1'));
    expect(again).toMatchObject({ seq: 1, duplicate: true });
    const next = await service.append(visitorMsg('m3'));
    expect(next.seq).toBe(3);
    expect(log.messages).toHaveLength(3);
  });

  it('append - a retry long after the de-duplication window, after a restart, still keeps its seq', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    await service.append(visitorMsg('m2'));
    service.forgetAll();
    log.forgetDedupWindow();
    expect(await service.append(visitorMsg('m1'))).toMatchObject({ seq: 1, duplicate: true });
    expect(await service.append(visitorMsg('m2'))).toMatchObject({ seq: 2, duplicate: true });
    expect(log.messages).toHaveLength(2);
  });

  it('append - a retry of a message trimmed from the log is found in history', async () => {
    const { service, log, history } = setup();
    for (const id of ['m1', 'm2', 'm3', 'm4']) await service.append(visitorMsg(id));
    service.forgetAll();
    log.forgetDedupWindow();
    log.trimmedBelow = 3;
    history.seqs.set('t1.c1.m1', 1);
    expect(await service.append(visitorMsg('m1'))).toMatchObject({ seq: 1, duplicate: true });
    // Still in the log: no history lookup needed.
    const lookups = history.lookups;
    expect(await service.append(visitorMsg('m3'))).toMatchObject({ seq: 3, duplicate: true });
    expect(history.lookups).toBe(lookups);
    // New: history says it has never seen it.
    expect(await service.append(visitorMsg('m5'))).toMatchObject({ seq: 5, duplicate: false });
    expect(log.messages).toHaveLength(5);
  });

  it('append - refuses (retryably) when history cannot rule out a duplicate of a trimmed message', async () => {
    const { service, log, history } = setup();
    for (const id of ['m1', 'm2', 'm3']) await service.append(visitorMsg(id));
    service.forgetAll();
    log.forgetDedupWindow();
    log.trimmedBelow = 2;
    history.failing = true;
    expect(await codeOf(service.append(visitorMsg('m1')))).toBe(ErrorCode.ERROR_CODE_UNAVAILABLE);
    expect(log.messages).toHaveLength(3);
    history.failing = false;
    history.seqs.set('t1.c1.m1', 1);
    expect(await service.append(visitorMsg('m1'))).toMatchObject({ seq: 1, duplicate: true });
  });

  it('append - a stale owner that lost the race does not retry: the new owner writes', async () => {
    const { service, log, ownership } = setup();
    await service.append(visitorMsg('m1'));
    log.appendForeign({ ...visitorMsg('x'), seq: 2 });
    ownership.owner = false;
    expect(await codeOf(service.append(visitorMsg('m2')))).toBe(ErrorCode.ERROR_CODE_UNAVAILABLE);
    expect(log.messages.map((m) => m.clientMsgId)).toEqual(['m1', 'x']);
  });

  it('forgetWhere - drops only matching conversations', async () => {
    const { service } = setup();
    await service.append(visitorMsg('m1', 'a', 'c1'));
    await service.append(visitorMsg('m2', 'b', 'c2'));
    service.forgetWhere((c) => c === 'c1');
    expect(service.liveCount).toBe(1);
  });

  it('append - continues the sequence from the log after a restart', async () => {
    const { service } = setup();
    await service.append(visitorMsg('m1'));
    service.forgetAll();
    expect((await service.append(visitorMsg('m2'))).seq).toBe(2);
  });

  it('append - reloads and retries when another writer moved the log on', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    log.appendForeign({ ...visitorMsg('x'), seq: 2 });
    expect((await service.append(visitorMsg('m2'))).seq).toBe(3);
  });

  it('append - a failed append does not consume a seq', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    log.failNext = new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'down', true);
    expect(await codeOf(service.append(visitorMsg('m2')))).toBe(ErrorCode.ERROR_CODE_UNAVAILABLE);
    expect((await service.append(visitorMsg('m2'))).seq).toBe(2);
  });

  it('append - rejects bad input with INVALID_ARGUMENT', async () => {
    const { service, log } = setup();
    expect(await codeOf(service.append(visitorMsg('m1', '   ')))).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(await codeOf(service.append(visitorMsg('m1', 'x'.repeat(4001))))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect(await codeOf(service.append(visitorMsg('bad id!')))).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    expect(await codeOf(service.append(visitorMsg('m1', 'hi', 'c.1')))).toBe(
      ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
    );
    expect(log.messages).toHaveLength(0);
  });

  it('append - an agent cannot open a conversation or write before assignment', async () => {
    const { service } = setup();
    expect(await codeOf(service.append(agentMsg('a')))).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    await service.append(visitorMsg('m1'));
    expect(await codeOf(service.append(agentMsg('a')))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
  });

  it('command - queue, offer, accept by answering, close; versioned events; closed refuses messages', async () => {
    const { service, events } = setup();
    await service.append(visitorMsg('m1'));
    await service.command('t1', 'c1', SYSTEM_ACTOR, {
      kind: 'enqueue',
      groupId: 'g1',
      priority: 0,
      reason: 'default',
    });
    const assigned = await service.command('t1', 'c1', SYSTEM_ACTOR, { kind: 'assign', agentId: 'a1' });
    expect(assigned).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_ASSIGNED,
      agentId: 'a1',
      groupId: 'g1',
      lastSeq: 1,
      version: 3,
    });
    // The offered agent's first message accepts the conversation, then is appended.
    expect((await service.append(agentMsg('r1'))).seq).toBe(2);
    expect(await codeOf(service.append(agentMsg('r2', 'a2')))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    const closed = await service.command('t1', 'c1', agentActor('a1'), { kind: 'close', reason: 'resolved' });
    expect(closed.version).toBe(5);
    expect(events.published.map((e) => [e.type, e.version, e.fromState])).toEqual([
      [
        ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
        1,
        ConversationState.CONVERSATION_STATE_UNSPECIFIED,
      ],
      [ConversationEventType.CONVERSATION_EVENT_TYPE_QUEUED, 2, ConversationState.CONVERSATION_STATE_WAITING],
      [
        ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
        3,
        ConversationState.CONVERSATION_STATE_QUEUED,
      ],
      [
        ConversationEventType.CONVERSATION_EVENT_TYPE_ACCEPTED,
        4,
        ConversationState.CONVERSATION_STATE_ASSIGNED,
      ],
      [
        ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED,
        5,
        ConversationState.CONVERSATION_STATE_CHATTING,
      ],
    ]);
    expect(events.published[0]?.firstMessagePreview).toBe('hello m1');
    expect(events.published[4]?.conversation).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_CLOSED,
      version: 5,
    });
    expect(await codeOf(service.append(visitorMsg('m9')))).toBe(ErrorCode.ERROR_CODE_CONVERSATION_CLOSED);
  });

  it('append - a visitor message within the reopen window reopens the conversation in its group', async () => {
    const { service, events } = setup();
    await service.append(visitorMsg('m1'));
    await service.command('t1', 'c1', SYSTEM_ACTOR, {
      kind: 'enqueue',
      groupId: 'g1',
      priority: 0,
      reason: '',
    });
    await service.command('t1', 'c1', SYSTEM_ACTOR, { kind: 'assign', agentId: 'a1', accepted: true });
    await service.command('t1', 'c1', SYSTEM_ACTOR, {
      kind: 'close',
      reason: 'idle',
      reopenWindowMs: 60_000,
    });
    const ack = await service.append(visitorMsg('m2'));
    expect(ack.seq).toBe(2);
    expect(ack.state).toBe(ConversationState.CONVERSATION_STATE_QUEUED);
    const reopened = events.published.at(-1);
    expect(reopened?.type).toBe(ConversationEventType.CONVERSATION_EVENT_TYPE_REOPENED);
    expect(reopened?.conversation).toMatchObject({ groupId: 'g1', previousAgentId: 'a1', reopenCount: 1 });
  });

  it('command - a transfer stores its note as a private note in the thread, once', async () => {
    const { service, log } = setup();
    await service.append(visitorMsg('m1'));
    await service.command('t1', 'c1', SYSTEM_ACTOR, {
      kind: 'enqueue',
      groupId: 'g1',
      priority: 0,
      reason: '',
    });
    await service.command('t1', 'c1', SYSTEM_ACTOR, { kind: 'assign', agentId: 'a1', accepted: true });
    const t = await service.command('t1', 'c1', agentActor('a1'), {
      kind: 'transfer',
      toAgentId: 'a2',
      toGroupId: '',
      note: 'VIP, wants a refund',
    });
    expect(t).toMatchObject({
      state: ConversationState.CONVERSATION_STATE_TRANSFERRING,
      transferToAgentId: 'a2',
      lastSeq: 2,
    });
    const note = log.messages.find((m) => m.seq === 2);
    expect(note).toMatchObject({ kind: MessageKind.MESSAGE_KIND_NOTE, text: 'VIP, wants a refund' });
    // A second transfer is illegal now and adds nothing.
    expect(
      await codeOf(
        service.command('t1', 'c1', agentActor('a1'), {
          kind: 'transfer',
          toAgentId: 'a3',
          toGroupId: '',
          note: 'x',
        }),
      ),
    ).toBe(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION);
    expect(log.messages).toHaveLength(2);
  });

  it('command - illegal transitions and unknown conversations are typed errors', async () => {
    const { service } = setup();
    expect(await codeOf(service.command('t1', 'nope', SYSTEM_ACTOR, { kind: 'close', reason: '' }))).toBe(
      ErrorCode.ERROR_CODE_NOT_FOUND,
    );
    await service.append(visitorMsg('m1'));
    expect(await codeOf(service.command('t1', 'c1', SYSTEM_ACTOR, { kind: 'assign', agentId: 'a2' }))).toBe(
      ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    );
    expect(
      await codeOf(
        service.command('t1', 'c1', agentActor('a1'), {
          kind: 'enqueue',
          groupId: 'g',
          priority: 0,
          reason: '',
        }),
      ),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
  });

  it('command - a stale state revision is detected and the command re-applied on fresh state', async () => {
    const { service, store } = setup();
    await service.append(visitorMsg('m1'));
    const entry = store.entries.get('t1.c1');
    if (entry === undefined) throw new Error('no state');
    // Another writer bumps the revision without changing the state.
    store.entries.set('t1.c1', { ...entry, revision: entry.revision + 100 });
    const s = await service.command('t1', 'c1', SYSTEM_ACTOR, {
      kind: 'enqueue',
      groupId: 'g1',
      priority: 0,
      reason: '',
    });
    expect(s.groupId).toBe('g1');
    expect(store.entries.get('t1.c1')?.summary.state).toBe(ConversationState.CONVERSATION_STATE_QUEUED);
  });
});

function agentActor(id: string, supervisor = false): Actor {
  return { role: ParticipantRole.PARTICIPANT_ROLE_AGENT, id, displayName: id, supervisor };
}
