import {
  Channel,
  ConversationEventType,
  ConversationState,
  ErrorCode,
  MessageKind,
  ParticipantRole,
  type ConversationSummary,
} from '@switchboard/proto';
import { errorCodeOf, SwitchboardError } from '@switchboard/shared';
import fc from 'fast-check';
import {
  checkMayAppend,
  decide,
  isOpen,
  SYSTEM_ACTOR,
  type Actor,
  type CommandKind,
  type LifecycleCommand,
} from './conversation';

const S = ConversationState;
const E = ConversationEventType;
const T = 't1';
const C = 'c1';

const visitor: Actor = {
  role: ParticipantRole.PARTICIPANT_ROLE_VISITOR,
  id: 'v1',
  displayName: 'V',
  supervisor: false,
};
const agent = (id: string, supervisor = false): Actor => ({
  role: ParticipantRole.PARTICIPANT_ROLE_AGENT,
  id,
  displayName: id,
  supervisor,
});

function run(steps: [LifecycleCommand, Actor][]): ConversationSummary | undefined {
  let s: ConversationSummary | undefined;
  let now = 1000;
  for (const [cmd, actor] of steps) s = decide(s, T, C, cmd, actor, (now += 10)).next;
  return s;
}

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return errorCodeOf(err);
  }
}

const open: LifecycleCommand = { kind: 'open', visitorId: 'v1', channel: Channel.CHANNEL_WEB_WIDGET };
const enqueue: LifecycleCommand = { kind: 'enqueue', groupId: 'sales', priority: 0, reason: 'default' };
const assignA1: LifecycleCommand = { kind: 'assign', agentId: 'a1' };

describe('conversation state machine', () => {
  it('decide - walks new → waiting → queued → assigned → chatting → closed with one event each', () => {
    let s: ConversationSummary | undefined;
    const events: ConversationEventType[] = [];
    const step = (cmd: LifecycleCommand, actor: Actor, now: number): void => {
      const d = decide(s, T, C, cmd, actor, now);
      events.push(d.event);
      s = d.next;
    };
    step(open, visitor, 1);
    step(enqueue, SYSTEM_ACTOR, 2);
    step(assignA1, SYSTEM_ACTOR, 3);
    expect(s).toMatchObject({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: 3 });
    step({ kind: 'accept' }, agent('a1'), 4);
    step({ kind: 'close', reason: 'done', reopenWindowMs: 100 }, agent('a1'), 5);
    expect(s).toMatchObject({
      state: S.CONVERSATION_STATE_CLOSED,
      agentId: 'a1',
      groupId: 'sales',
      acceptedAtMs: 4,
      closedAtMs: 5,
      reopenUntilMs: 105,
      version: 5,
    });
    expect(events).toEqual([
      E.CONVERSATION_EVENT_TYPE_OPENED,
      E.CONVERSATION_EVENT_TYPE_QUEUED,
      E.CONVERSATION_EVENT_TYPE_ASSIGNED,
      E.CONVERSATION_EVENT_TYPE_ACCEPTED,
      E.CONVERSATION_EVENT_TYPE_CLOSED,
    ]);
  });

  it('decide - an accept timeout requeues, remembering who declined', () => {
    const s = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [assignA1, SYSTEM_ACTOR],
      [{ kind: 'requeue', expectedAgentId: 'a1', reason: 'accept_timeout' }, SYSTEM_ACTOR],
    ]);
    expect(s).toMatchObject({
      state: S.CONVERSATION_STATE_QUEUED,
      agentId: '',
      previousAgentId: 'a1',
      declinedAgentIds: ['a1'],
    });
  });

  it('decide - a stale requeue (offer went to someone else meanwhile) is refused', () => {
    const s = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a2' }, SYSTEM_ACTOR],
    ]);
    expect(
      codeOf(() =>
        decide(
          s,
          T,
          C,
          { kind: 'requeue', expectedAgentId: 'a1', reason: 'accept_timeout' },
          SYSTEM_ACTOR,
          1,
        ),
      ),
    ).toBe(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION);
  });

  it('decide - transfer to an agent, then the offer to them records who handed it over', () => {
    const s = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a1', accepted: true }, SYSTEM_ACTOR],
      [{ kind: 'transfer', toAgentId: 'a2', toGroupId: '', note: '' }, agent('a1')],
    ]);
    expect(s).toMatchObject({
      state: S.CONVERSATION_STATE_TRANSFERRING,
      agentId: 'a1',
      transferToAgentId: 'a2',
    });
    const offered = decide(s, T, C, { kind: 'assign', agentId: 'a2' }, SYSTEM_ACTOR, 9).next;
    expect(offered).toMatchObject({
      state: S.CONVERSATION_STATE_ASSIGNED,
      agentId: 'a2',
      previousAgentId: 'a1',
      transferToAgentId: '',
    });
  });

  it('decide - transfer to a group moves the conversation to that group', () => {
    const s = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a1', accepted: true }, SYSTEM_ACTOR],
      [{ kind: 'transfer', toAgentId: '', toGroupId: 'support', note: '' }, agent('a1')],
      [{ kind: 'requeue', expectedAgentId: '', reason: 'transfer_unavailable' }, SYSTEM_ACTOR],
    ]);
    expect(s).toMatchObject({
      state: S.CONVERSATION_STATE_QUEUED,
      groupId: 'support',
      agentId: '',
      previousAgentId: 'a1',
    });
  });

  it('decide - only the current agent or a supervisor transfers; only supervisors take over', () => {
    const chatting = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a1', accepted: true }, SYSTEM_ACTOR],
    ]);
    const transfer: LifecycleCommand = { kind: 'transfer', toAgentId: 'a3', toGroupId: '', note: '' };
    expect(codeOf(() => decide(chatting, T, C, transfer, agent('a2'), 1))).toBe(
      ErrorCode.ERROR_CODE_FORBIDDEN,
    );
    expect(codeOf(() => decide(chatting, T, C, transfer, agent('boss', true), 1))).toBeUndefined();
    expect(codeOf(() => decide(chatting, T, C, { kind: 'take_over' }, agent('a2'), 1))).toBe(
      ErrorCode.ERROR_CODE_FORBIDDEN,
    );
    const taken = decide(chatting, T, C, { kind: 'take_over' }, agent('boss', true), 1).next;
    expect(taken).toMatchObject({
      state: S.CONVERSATION_STATE_CHATTING,
      agentId: 'boss',
      previousAgentId: 'a1',
    });
  });

  it('decide - bad command fields are INVALID_ARGUMENT, whatever the state', () => {
    const chatting = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a1', accepted: true }, SYSTEM_ACTOR],
    ]);
    const bad: LifecycleCommand[] = [
      { kind: 'transfer', toAgentId: 'a2', toGroupId: 'g', note: '' },
      { kind: 'transfer', toAgentId: '', toGroupId: '', note: '' },
      { kind: 'transfer', toAgentId: 'a.b', toGroupId: '', note: '' },
      { kind: 'enqueue', groupId: '', priority: 0, reason: '' },
      { kind: 'set_labels', labels: ['<b>'] },
      { kind: 'set_labels', labels: Array.from({ length: 21 }, (_, i) => `l${i}`) },
      { kind: 'rate', score: 6, comment: '' },
      { kind: 'rate', score: 0, comment: '' },
      { kind: 'close', reason: 'x'.repeat(201) },
    ];
    for (const cmd of bad)
      expect(codeOf(() => decide(chatting, T, C, cmd, agent('a1'), 1))).toBe(
        ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
      );
  });

  it('decide - a closed conversation is rated once, by its visitor, for its last agent', () => {
    const closed = run([
      [open, visitor],
      [enqueue, SYSTEM_ACTOR],
      [{ kind: 'assign', agentId: 'a1', accepted: true }, SYSTEM_ACTOR],
      [{ kind: 'close', reason: '' }, visitor],
    ]);
    const rate: LifecycleCommand = { kind: 'rate', score: 4, comment: 'quick' };
    expect(codeOf(() => decide(closed, T, C, rate, agent('a1'), 1))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    const rated = decide(closed, T, C, rate, visitor, 7).next;
    expect(rated.csat).toEqual({ score: 4, comment: 'quick', atMs: 7, agentId: 'a1' });
    expect(codeOf(() => decide(rated, T, C, rate, visitor, 8))).toBe(ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION);
  });

  it('checkMayAppend - who may write what, and what a message implies', () => {
    const base = { visitorId: 'v1', agentId: 'a1', reopenUntilMs: 0 };
    const TEXT = MessageKind.MESSAGE_KIND_TEXT;
    const NOTE = MessageKind.MESSAGE_KIND_NOTE;
    const A = ParticipantRole.PARTICIPANT_ROLE_AGENT;
    const V = ParticipantRole.PARTICIPANT_ROLE_VISITOR;
    expect(checkMayAppend({ ...base, state: S.CONVERSATION_STATE_ASSIGNED }, A, 'a1', TEXT, 0)).toBe(
      'accept',
    );
    expect(checkMayAppend({ ...base, state: S.CONVERSATION_STATE_CHATTING }, A, 'a1', TEXT, 0)).toBe('none');
    expect(
      codeOf(() =>
        checkMayAppend({ ...base, state: S.CONVERSATION_STATE_QUEUED, agentId: '' }, A, 'a1', TEXT, 0),
      ),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    // Any agent may leave a note; visitors may not.
    expect(checkMayAppend({ ...base, state: S.CONVERSATION_STATE_QUEUED }, A, 'a9', NOTE, 0)).toBe('none');
    expect(
      codeOf(() => checkMayAppend({ ...base, state: S.CONVERSATION_STATE_CHATTING }, V, 'v1', NOTE, 0)),
    ).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(
      codeOf(() =>
        checkMayAppend(
          { ...base, state: S.CONVERSATION_STATE_CHATTING },
          A,
          'a1',
          MessageKind.MESSAGE_KIND_REDACTED,
          0,
        ),
      ),
    ).toBe(ErrorCode.ERROR_CODE_INVALID_ARGUMENT);
    // Closed: the visitor reopens within the window, not after it.
    const closed = { ...base, state: S.CONVERSATION_STATE_CLOSED, reopenUntilMs: 100 };
    expect(checkMayAppend(closed, V, 'v1', TEXT, 99)).toBe('reopen');
    expect(codeOf(() => checkMayAppend(closed, V, 'v1', TEXT, 100))).toBe(
      ErrorCode.ERROR_CODE_CONVERSATION_CLOSED,
    );
    expect(codeOf(() => checkMayAppend(closed, A, 'a1', TEXT, 0))).toBe(
      ErrorCode.ERROR_CODE_CONVERSATION_CLOSED,
    );
  });
});

/** From which states each command may succeed (docs/lifecycle.md §2). */
const ALLOWED_FROM: Record<CommandKind, readonly ConversationState[]> = {
  open: [S.CONVERSATION_STATE_UNSPECIFIED],
  start_bot: [S.CONVERSATION_STATE_WAITING],
  enqueue: [S.CONVERSATION_STATE_WAITING, S.CONVERSATION_STATE_BOT],
  assign: [S.CONVERSATION_STATE_QUEUED, S.CONVERSATION_STATE_TRANSFERRING],
  accept: [S.CONVERSATION_STATE_ASSIGNED],
  requeue: [S.CONVERSATION_STATE_ASSIGNED, S.CONVERSATION_STATE_TRANSFERRING],
  transfer: [S.CONVERSATION_STATE_CHATTING],
  take_over: [
    S.CONVERSATION_STATE_QUEUED,
    S.CONVERSATION_STATE_ASSIGNED,
    S.CONVERSATION_STATE_CHATTING,
    S.CONVERSATION_STATE_TRANSFERRING,
  ],
  close: [
    S.CONVERSATION_STATE_WAITING,
    S.CONVERSATION_STATE_BOT,
    S.CONVERSATION_STATE_QUEUED,
    S.CONVERSATION_STATE_ASSIGNED,
    S.CONVERSATION_STATE_CHATTING,
    S.CONVERSATION_STATE_TRANSFERRING,
  ],
  reopen: [S.CONVERSATION_STATE_CLOSED],
  set_labels: [
    S.CONVERSATION_STATE_WAITING,
    S.CONVERSATION_STATE_BOT,
    S.CONVERSATION_STATE_QUEUED,
    S.CONVERSATION_STATE_ASSIGNED,
    S.CONVERSATION_STATE_CHATTING,
    S.CONVERSATION_STATE_TRANSFERRING,
    S.CONVERSATION_STATE_CLOSED,
  ],
  rate: [S.CONVERSATION_STATE_CLOSED],
};

const agentIds = ['a1', 'a2', 'a3'];
const actorArb: fc.Arbitrary<Actor> = fc.oneof(
  fc.constant(SYSTEM_ACTOR),
  fc.constant(visitor),
  fc.constant<Actor>({ ...visitor, id: 'v2' }),
  fc.constantFrom(...agentIds).map((id) => agent(id)),
  fc.constant(agent('boss', true)),
);
const commandArb: fc.Arbitrary<LifecycleCommand> = fc.oneof(
  fc.constant(open),
  fc.constant<LifecycleCommand>({ kind: 'start_bot' }),
  fc.record({
    kind: fc.constant('enqueue' as const),
    groupId: fc.constantFrom('general', 'sales', ''),
    priority: fc.integer({ min: 0, max: 3 }),
    reason: fc.constant('test'),
  }),
  fc.record({
    kind: fc.constant('assign' as const),
    agentId: fc.constantFrom(...agentIds),
    accepted: fc.boolean(),
  }),
  fc.constant<LifecycleCommand>({ kind: 'accept' }),
  fc.record({
    kind: fc.constant('requeue' as const),
    expectedAgentId: fc.constantFrom('', ...agentIds),
    reason: fc.constant('accept_timeout'),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    toAgentId: fc.constantFrom('', ...agentIds),
    toGroupId: fc.constantFrom('', 'support'),
    note: fc.constant('note'),
  }),
  fc.constant<LifecycleCommand>({ kind: 'take_over' }),
  fc.record({
    kind: fc.constant('close' as const),
    reason: fc.constant('done'),
    reopenWindowMs: fc.constantFrom(0, 50, 10_000),
  }),
  fc.constant<LifecycleCommand>({ kind: 'reopen' }),
  fc.record({ kind: fc.constant('set_labels' as const), labels: fc.subarray(['vip', 'refund', 'bug']) }),
  fc.record({
    kind: fc.constant('rate' as const),
    score: fc.integer({ min: 0, max: 6 }),
    comment: fc.constant(''),
  }),
);

/** What must hold of every stored record, whatever happened before. */
function checkInvariants(s: ConversationSummary): void {
  const withAgent = [
    S.CONVERSATION_STATE_ASSIGNED,
    S.CONVERSATION_STATE_CHATTING,
    S.CONVERSATION_STATE_TRANSFERRING,
  ];
  if (withAgent.includes(s.state)) expect(s.agentId).not.toBe('');
  if (s.state === S.CONVERSATION_STATE_WAITING || s.state === S.CONVERSATION_STATE_QUEUED)
    expect(s.agentId).toBe('');
  if (s.state === S.CONVERSATION_STATE_QUEUED) expect(s.groupId).not.toBe('');
  if (s.state === S.CONVERSATION_STATE_ASSIGNED) expect(s.assignedAtMs).toBeGreaterThan(0);
  if (s.state === S.CONVERSATION_STATE_CHATTING) expect(s.acceptedAtMs).toBeGreaterThan(0);
  if (s.state !== S.CONVERSATION_STATE_TRANSFERRING) expect(s.transferToAgentId).toBe('');
  if (s.transferToAgentId !== '') expect(s.transferToAgentId).not.toBe(s.agentId);
  if (s.state === S.CONVERSATION_STATE_CLOSED) expect(s.closedAtMs).toBeGreaterThan(0);
  else expect(s.reopenUntilMs).toBe(0);
  if (s.csat !== undefined) {
    expect(s.state).toBe(S.CONVERSATION_STATE_CLOSED);
    expect(s.csat.score).toBeGreaterThanOrEqual(1);
    expect(s.csat.score).toBeLessThanOrEqual(5);
  }
  expect(s.visitorId).toBe('v1');
  expect(new Set(s.labels).size).toBe(s.labels.length);
  expect(new Set(s.declinedAgentIds).size).toBe(s.declinedAgentIds.length);
  expect(s.state).not.toBe(S.CONVERSATION_STATE_UNSPECIFIED);
}

describe('conversation state machine (property)', () => {
  it('decide - no sequence of commands, from anyone, reaches an illegal state or skips the table', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(commandArb, actorArb, fc.integer({ min: 1, max: 200 })), { maxLength: 60 }),
        (steps) => {
          let s: ConversationSummary | undefined;
          let now = 1_000;
          let version = 0;
          for (const [cmd, actor, dt] of steps) {
            now += dt;
            const before = s;
            let next: ConversationSummary | undefined;
            try {
              next = decide(s, T, C, cmd, actor, now).next;
            } catch (err) {
              // Refusals are typed, and change nothing.
              expect(err).toBeInstanceOf(SwitchboardError);
              expect([
                ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
                ErrorCode.ERROR_CODE_FORBIDDEN,
                ErrorCode.ERROR_CODE_INVALID_ARGUMENT,
                ErrorCode.ERROR_CODE_CONVERSATION_CLOSED,
              ]).toContain(errorCodeOf(err));
              expect(s).toBe(before);
              continue;
            }
            // Success only from a state the table allows, one version at a time.
            expect(ALLOWED_FROM[cmd.kind]).toContain(before?.state ?? S.CONVERSATION_STATE_UNSPECIFIED);
            expect(next.version).toBe(++version);
            expect(next.updatedAtMs).toBe(now);
            checkInvariants(next);
            if (before !== undefined && isOpen(before.state) && next.state === S.CONVERSATION_STATE_CLOSED) {
              expect(cmd.kind).toBe('close');
            }
            s = next;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
