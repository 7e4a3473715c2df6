import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  type ConversationEvent,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { Dispatcher, type SessionCommands } from './dispatcher';

class RecordingCommands implements SessionCommands {
  readonly calls: [string, string][] = [];
  fail: SwitchboardError | undefined;
  assign(_tenant: string, conversationId: string, agentId: string): Promise<void> {
    if (this.fail !== undefined) return Promise.reject(this.fail);
    this.calls.push([conversationId, agentId]);
    return Promise.resolve();
  }
}

function opened(conversationId: string): ConversationEvent {
  return {
    type: ConversationEventType.CONVERSATION_EVENT_TYPE_OPENED,
    tenantId: 't1',
    conversationId,
    state: ConversationState.CONVERSATION_STATE_WAITING,
    visitorId: 'v',
    agentId: '',
    lastSeq: 0,
    atMs: 1,
    channel: Channel.CHANNEL_WEB_WIDGET,
    actor: undefined,
    reason: '',
    version: 1,
  };
}

function setup() {
  let now = 10_000;
  const commands = new RecordingCommands();
  const errors: unknown[] = [];
  const d = new Dispatcher(
    commands,
    { presenceTtlMs: 5000, maxConversationsPerAgent: 2 },
    () => now,
    (e) => errors.push(e),
  );
  const online = (agentId: string): void => {
    d.applyPresence({ tenantId: 't1', agentId, online: true, sockets: 1, gatewayId: 'g', atMs: now });
  };
  return { d, commands, errors, online, advance: (ms: number) => (now += ms) };
}

describe('Dispatcher', () => {
  it('dispatch - keeps a conversation waiting while no agent is online, then assigns it', async () => {
    const { d, commands, online } = setup();
    await d.dispatch(d.applyEvent(opened('c1')));
    expect(commands.calls).toEqual([]);
    expect(d.waitingCount('t1')).toBe(1);
    online('a1');
    await d.dispatch('t1');
    expect(commands.calls).toEqual([['c1', 'a1']]);
    expect(d.waitingCount('t1')).toBe(0);
  });

  it('dispatch - spreads conversations to the least loaded agent and respects the cap', async () => {
    const { d, commands, online } = setup();
    online('a1');
    online('a2');
    for (const c of ['c1', 'c2', 'c3', 'c4', 'c5']) d.applyEvent(opened(c));
    await d.dispatch('t1');
    expect(commands.calls).toEqual([
      ['c1', 'a1'],
      ['c2', 'a2'],
      ['c3', 'a1'],
      ['c4', 'a2'],
    ]);
    expect(d.waitingCount('t1')).toBe(1);
  });

  it('pickAgent - an agent whose heartbeat expired is offline', () => {
    const { d, online, advance } = setup();
    online('a1');
    expect(d.pickAgent('t1')).toBe('a1');
    advance(6000);
    expect(d.pickAgent('t1')).toBeUndefined();
  });

  it('applyEvent - a conversation assigned elsewhere or closed leaves the queue', () => {
    const { d } = setup();
    d.applyEvent(opened('c1'));
    d.applyEvent(opened('c2'));
    d.applyEvent({
      ...opened('c1'),
      type: ConversationEventType.CONVERSATION_EVENT_TYPE_ASSIGNED,
      agentId: 'a9',
      version: 2,
    });
    d.applyEvent({ ...opened('c2'), type: ConversationEventType.CONVERSATION_EVENT_TYPE_CLOSED, version: 2 });
    expect(d.waitingCount('t1')).toBe(0);
  });

  it('dispatch - an unavailable session keeps the conversation waiting for the next try', async () => {
    const { d, commands, online, errors } = setup();
    online('a1');
    d.applyEvent(opened('c1'));
    commands.fail = new SwitchboardError(ErrorCode.ERROR_CODE_UNAVAILABLE, 'down', true);
    await d.dispatch('t1');
    expect(d.waitingCount('t1')).toBe(1);
    expect(errors).toHaveLength(1);
    commands.fail = undefined;
    await d.dispatch('t1');
    expect(commands.calls).toEqual([['c1', 'a1']]);
  });

  it('dispatch - a conversation the session says is already assigned is dropped, not retried', async () => {
    const { d, commands, online } = setup();
    online('a1');
    d.applyEvent(opened('c1'));
    commands.fail = new SwitchboardError(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION, 'assigned');
    await d.dispatch('t1');
    expect(d.waitingCount('t1')).toBe(0);
  });
});
