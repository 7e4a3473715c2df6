import {
  AgentStatus,
  ConversationEventType,
  ConversationState,
  type ConversationEvent,
  type ConversationSummary,
  type QueueSnapshot,
} from '@switchboard/proto';
import fc from 'fast-check';
import { agent, event, group, presence, snapshot, summary, T } from '../testing/fixtures';
import type { MirrorChange } from './conversation-book';
import { holds, Planner, type PlannedCommand, type RoutingCommand } from './planner';
import { RoutingView } from './routing-view';
import { capacityOf } from './settings';

const S = ConversationState;
const E = ConversationEventType;
const TTL = 15_000;
const SETTLE = 15_000;

const AGENTS = [
  agent('a0', { groupIds: ['sales'], maxConcurrent: 1 }),
  agent('a1', { groupIds: ['sales'], maxConcurrent: 2 }),
  agent('a2', { groupIds: ['vip'] }),
  agent('a3', { groupIds: ['sales', 'vip'], maxConcurrent: 0 }),
];
const GROUPS = [group('sales', { maxConcurrentPerAgent: 2 }), group('vip', { manualPick: true })];
const SETTINGS = {
  acceptTimeoutS: 30,
  idleCloseS: 120,
  idleWarningS: 30,
  defaultMaxConcurrent: 3,
  rules: [
    { id: 'buy', groupId: 'sales', keywords: ['buy'], pattern: '', priority: 0 },
    { id: 'vip', groupId: 'vip', keywords: ['vip'], pattern: '', priority: 0 },
  ],
};

/** How the simulated session answers one command. */
type Mode = 'ok' | 'unavailable' | 'noanswer-applied' | 'noanswer-lost';

type Action =
  | { t: 'open'; visitor: number; text: string }
  | { t: 'presence'; agent: number; online: boolean }
  | { t: 'status'; agent: number; away: boolean }
  | { t: 'advance'; ms: number }
  | { t: 'deliver'; n: number }
  | { t: 'tick'; modes: Mode[] }
  | { t: 'accept'; pick: number }
  | { t: 'transfer'; pick: number; toAgent: number | undefined; toGroup: string }
  | { t: 'close'; pick: number }
  | { t: 'reopen'; pick: number }
  | { t: 'label'; pick: number }
  | { t: 'pick'; pick: number; agent: number; mode: Mode }
  | { t: 'restart'; replay: number };

const mode = fc.constantFrom<Mode>('ok', 'ok', 'ok', 'unavailable', 'noanswer-applied', 'noanswer-lost');
const agentIx = fc.integer({ min: 0, max: AGENTS.length - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('open' as const),
      visitor: fc.integer({ min: 0, max: 4 }),
      text: fc.constantFrom('buy now', 'vip please', 'hello'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ t: fc.constant('presence' as const), agent: agentIx, online: fc.boolean() }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('status' as const), agent: agentIx, away: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('advance' as const),
      ms: fc.constantFrom(100, 1000, 10_000, 31_000, 100_000),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({ t: fc.constant('deliver' as const), n: fc.integer({ min: 1, max: 6 }) }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('tick' as const),
      modes: fc.array(mode, { minLength: 1, maxLength: 4 }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('accept' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('transfer' as const),
      pick: fc.nat(),
      toAgent: fc.option(agentIx, { nil: undefined }),
      toGroup: fc.constantFrom('sales', 'general'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('close' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('reopen' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('label' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('pick' as const), pick: fc.nat(), agent: agentIx, mode }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('restart' as const), replay: fc.integer({ min: 0, max: 6 }) }),
  },
);

/** Session's state machine for what this model exercises (docs/lifecycle.md §2), and its event stream. */
class SimSession {
  readonly convs = new Map<string, ConversationSummary>();
  readonly events: ConversationEvent[] = [];
  private n = 0;

  constructor(private readonly now: () => number) {}

  open(visitor: number, text: string): void {
    const id = `c${++this.n}`;
    const s = summary({
      conversationId: id,
      visitorId: `v${visitor}`,
      state: S.CONVERSATION_STATE_WAITING,
      groupId: '',
      version: 0,
      openedAtMs: this.now(),
      queuedAtMs: 0,
    });
    this.write(s, {}, E.CONVERSATION_EVENT_TYPE_OPENED, text);
  }

  /** Applies a routing command; false when the state machine refuses it. */
  command(cmd: RoutingCommand): boolean {
    const c = this.convs.get(cmd.conversationId);
    if (c === undefined) return false;
    const now = this.now();
    switch (cmd.kind) {
      case 'enqueue':
        if (c.state !== S.CONVERSATION_STATE_WAITING && c.state !== S.CONVERSATION_STATE_BOT) return false;
        this.write(
          c,
          {
            state: S.CONVERSATION_STATE_QUEUED,
            groupId: cmd.groupId,
            priority: cmd.priority,
            queuedAtMs: now,
            declinedAgentIds: [],
          },
          E.CONVERSATION_EVENT_TYPE_QUEUED,
        );
        return true;
      case 'assign':
        if (cmd.accepted) {
          if (c.state !== S.CONVERSATION_STATE_QUEUED) return false;
          this.write(
            c,
            {
              state: S.CONVERSATION_STATE_CHATTING,
              agentId: cmd.agentId,
              assignedAtMs: now,
              acceptedAtMs: now,
            },
            E.CONVERSATION_EVENT_TYPE_ACCEPTED,
          );
          return true;
        }
        if (c.state === S.CONVERSATION_STATE_QUEUED) {
          this.write(
            c,
            { state: S.CONVERSATION_STATE_ASSIGNED, agentId: cmd.agentId, assignedAtMs: now },
            E.CONVERSATION_EVENT_TYPE_ASSIGNED,
          );
          return true;
        }
        if (c.state === S.CONVERSATION_STATE_TRANSFERRING) {
          this.write(
            c,
            {
              state: S.CONVERSATION_STATE_ASSIGNED,
              agentId: cmd.agentId,
              assignedAtMs: now,
              previousAgentId: c.agentId,
              transferToAgentId: '',
            },
            E.CONVERSATION_EVENT_TYPE_ASSIGNED,
          );
          return true;
        }
        return false;
      case 'requeue':
        if (c.state === S.CONVERSATION_STATE_ASSIGNED && c.agentId === cmd.expectedAgentId) {
          this.write(
            c,
            {
              state: S.CONVERSATION_STATE_QUEUED,
              agentId: '',
              previousAgentId: c.agentId,
              declinedAgentIds: [...c.declinedAgentIds, c.agentId],
              queuedAtMs: now,
            },
            E.CONVERSATION_EVENT_TYPE_REQUEUED,
          );
          return true;
        }
        if (c.state === S.CONVERSATION_STATE_TRANSFERRING) {
          this.write(
            c,
            {
              state: S.CONVERSATION_STATE_QUEUED,
              agentId: '',
              previousAgentId: c.agentId,
              transferToAgentId: '',
              queuedAtMs: now,
            },
            E.CONVERSATION_EVENT_TYPE_REQUEUED,
          );
          return true;
        }
        return false;
      case 'close':
        return this.close(c);
    }
  }

  accept(c: ConversationSummary): void {
    if (c.state !== S.CONVERSATION_STATE_ASSIGNED) return;
    this.write(
      c,
      { state: S.CONVERSATION_STATE_CHATTING, acceptedAtMs: this.now() },
      E.CONVERSATION_EVENT_TYPE_ACCEPTED,
    );
  }

  transfer(c: ConversationSummary, toAgent: string | undefined, toGroup: string): void {
    if (c.state !== S.CONVERSATION_STATE_CHATTING || toAgent === c.agentId) return;
    const change = toAgent !== undefined ? { transferToAgentId: toAgent } : { groupId: toGroup };
    this.write(
      c,
      { state: S.CONVERSATION_STATE_TRANSFERRING, ...change },
      E.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED,
    );
  }

  close(c: ConversationSummary): boolean {
    if (c.state === S.CONVERSATION_STATE_CLOSED) return false;
    this.write(
      c,
      { state: S.CONVERSATION_STATE_CLOSED, closedAtMs: this.now() },
      E.CONVERSATION_EVENT_TYPE_CLOSED,
    );
    return true;
  }

  reopen(c: ConversationSummary): void {
    if (c.state !== S.CONVERSATION_STATE_CLOSED || c.groupId === '') return;
    this.write(
      c,
      {
        state: S.CONVERSATION_STATE_QUEUED,
        agentId: '',
        previousAgentId: c.agentId,
        queuedAtMs: this.now(),
        declinedAgentIds: [],
      },
      E.CONVERSATION_EVENT_TYPE_REOPENED,
    );
  }

  label(c: ConversationSummary): void {
    this.write(c, { labels: [...c.labels, 'x'] }, E.CONVERSATION_EVENT_TYPE_LABELED);
  }

  load(agentId: string): number {
    return [...this.convs.values()].filter((c) => holds(c) && c.agentId === agentId).length;
  }

  private write(
    c: ConversationSummary,
    change: Partial<ConversationSummary>,
    type: ConversationEventType,
    preview = '',
  ): void {
    const next = { ...c, ...change, version: c.version + 1, updatedAtMs: this.now() };
    this.convs.set(next.conversationId, next);
    this.events.push(event(next, { type, firstMessagePreview: preview, atMs: this.now() }));
  }
}

/** Routing (view + planner) fed by the simulated session, checking the four properties as it goes. */
class Model {
  now = 1_700_000_000_000;
  readonly session = new SimSession(() => this.now);
  view!: RoutingView;
  planner!: Planner;
  delivered = 0;
  readonly mirror = new Map<string, ConversationEvent>();
  /** Conversation → agent of an offer made and not known to be undone. */
  private readonly openOffers = new Map<string, string>();
  private readonly onlineAgents = new Set<string>();
  /** Last delivered event state per conversation. */
  private readonly seen = new Map<string, ConversationState>();

  constructor() {
    this.boot();
  }

  boot(replayFrom?: number): void {
    this.view = new RoutingView(TTL);
    this.planner = new Planner(this.view, {
      presenceWarmupUntilMs: this.now + TTL,
      commandSettleMs: SETTLE,
      queueStatusIntervalMs: 5000,
    });
    this.view.applyTenantSnapshot(T, snapshot(AGENTS, GROUPS, SETTINGS));
    for (const r of this.mirror.values()) this.view.conversations.load(r, this.now);
    if (replayFrom !== undefined) {
      // Events after the ack floor come again; then everything not delivered yet, before any dispatch.
      for (let i = replayFrom; i < this.delivered; i++)
        this.apply(this.session.events[i] as ConversationEvent, i);
      this.deliver(Number.MAX_SAFE_INTEGER);
    }
  }

  run(a: Action): void {
    switch (a.t) {
      case 'open':
        this.session.open(a.visitor, a.text);
        break;
      case 'presence': {
        const id = `a${a.agent}`;
        if (a.online) this.onlineAgents.add(id);
        else this.onlineAgents.delete(id);
        this.view.applyPresence(presence(id, a.online), this.now);
        break;
      }
      case 'status':
        this.view.applyStatus(T, `a${a.agent}`, {
          tenantId: T,
          agentId: `a${a.agent}`,
          status: a.away ? AgentStatus.AGENT_STATUS_AWAY : AgentStatus.AGENT_STATUS_ONLINE,
          atMs: this.now,
        });
        break;
      case 'advance':
        // Events reach routing well within the settle time; heartbeats keep online agents online.
        this.deliver(Number.MAX_SAFE_INTEGER);
        for (let left = a.ms; left > 0; left -= Math.min(left, 5000)) {
          this.now += Math.min(left, 5000);
          for (const id of this.onlineAgents) this.view.applyPresence(presence(id), this.now);
        }
        break;
      case 'deliver':
        this.deliver(a.n);
        break;
      case 'tick':
        this.tick(a.modes);
        break;
      case 'accept':
        this.withConversation(a.pick, S.CONVERSATION_STATE_ASSIGNED, (c) => {
          this.session.accept(c);
        });
        break;
      case 'transfer':
        this.withConversation(a.pick, S.CONVERSATION_STATE_CHATTING, (c) => {
          this.session.transfer(c, a.toAgent === undefined ? undefined : `a${a.toAgent}`, a.toGroup);
        });
        break;
      case 'close':
        this.withConversation(a.pick, undefined, (c) => this.session.close(c));
        break;
      case 'reopen':
        this.withConversation(a.pick, S.CONVERSATION_STATE_CLOSED, (c) => {
          this.session.reopen(c);
        });
        break;
      case 'label':
        this.withConversation(a.pick, undefined, (c) => {
          if (c.state !== S.CONVERSATION_STATE_CLOSED) this.session.label(c);
        });
        break;
      case 'pick':
        this.pick(a.pick, `a${a.agent}`, a.mode);
        break;
      case 'restart':
        this.openOffers.clear();
        this.boot(Math.max(0, this.delivered - a.replay));
        for (const id of this.onlineAgents) this.view.applyPresence(presence(id), this.now);
        break;
    }
    this.checkViewHoldsOpenConversations();
  }

  private tick(modes: Mode[]): void {
    const plan = this.planner.plan(this.now);
    plan.commands.forEach((p, i) => {
      this.execute(p, modes[i % modes.length] ?? 'ok');
    });
    for (const s of plan.snapshots) this.checkSnapshot(s);
  }

  private pick(ix: number, agentId: string, m: Mode): void {
    const queued = [...this.view.conversations.ofTenant(T)].filter(
      (c) => c.summary.state === S.CONVERSATION_STATE_QUEUED,
    );
    const c = queued[ix % Math.max(1, queued.length)];
    if (c === undefined) return;
    let planned: PlannedCommand;
    try {
      planned = this.planner.pick(T, c.summary.conversationId, agentId, this.now);
    } catch {
      return;
    }
    this.execute(planned, m);
  }

  private execute(p: PlannedCommand, m: Mode): void {
    const cmd = p.command;
    if (cmd.kind === 'assign') {
      // (b) no conversation is offered to a second agent while an offer to another may stand.
      const prior = this.openOffers.get(cmd.conversationId);
      if (prior !== undefined && prior !== cmd.agentId) {
        throw new Error(`${cmd.conversationId} offered to ${cmd.agentId} while offered to ${prior}`);
      }
    }
    const reaches = m === 'ok' || m === 'noanswer-applied';
    let applied = false;
    if (reaches) {
      const before = cmd.kind === 'assign' ? this.session.load(cmd.agentId) : 0;
      const conv = this.session.convs.get(cmd.conversationId);
      applied = this.session.command(cmd);
      if (applied && cmd.kind === 'assign') {
        // (a) no agent is offered beyond capacity.
        const cfgAgent = AGENTS.find((x) => x.id === cmd.agentId);
        const cap = capacityOf(
          cfgAgent,
          GROUPS.find((g) => g.id === conv?.groupId),
          { defaultMaxConcurrent: SETTINGS.defaultMaxConcurrent },
        );
        if (before >= cap)
          throw new Error(`${cmd.agentId} offered ${cmd.conversationId} at load ${before}/${cap}`);
        this.openOffers.set(cmd.conversationId, cmd.agentId);
      }
    }
    const version = this.session.convs.get(cmd.conversationId)?.version ?? 0;
    if (m === 'ok')
      this.planner.settle(p, applied ? { kind: 'applied', version } : { kind: 'refused' }, this.now);
    else if (m === 'unavailable') this.planner.settle(p, { kind: 'failed' }, this.now);
    else this.planner.settle(p, { kind: 'unknown' }, this.now);
  }

  private deliver(n: number): void {
    const until = Math.min(this.session.events.length, this.delivered + n);
    while (this.delivered < until) {
      const e = this.session.events[this.delivered] as ConversationEvent;
      this.apply(e, this.delivered);
      this.delivered++;
    }
  }

  private apply(e: ConversationEvent, seq: number): void {
    const r = this.view.applyEvent(e, seq + 1, this.now);
    this.writeMirror(r.view.mirror);
    this.seen.set(e.conversationId, e.state);
    if (
      e.type === E.CONVERSATION_EVENT_TYPE_REQUEUED ||
      e.type === E.CONVERSATION_EVENT_TYPE_REOPENED ||
      e.type === E.CONVERSATION_EVENT_TYPE_TRANSFER_REQUESTED ||
      e.type === E.CONVERSATION_EVENT_TYPE_CLOSED
    ) {
      this.openOffers.delete(e.conversationId);
    }
  }

  private writeMirror(change: MirrorChange | undefined): void {
    if (change === undefined) return;
    if (change.kind === 'put') this.mirror.set(change.record.conversationId, change.record);
    else this.mirror.delete(change.conversationId);
  }

  private withConversation(
    ix: number,
    state: ConversationState | undefined,
    f: (c: ConversationSummary) => void,
  ): void {
    const all = [...this.session.convs.values()].filter((c) => state === undefined || c.state === state);
    const c = all[ix % Math.max(1, all.length)];
    if (c !== undefined) f(c);
  }

  /** (d) a conversation never disappears from the view while open. */
  private checkViewHoldsOpenConversations(): void {
    for (const [id, state] of this.seen) {
      const inView = this.view.conversations.get(T, id) !== undefined;
      if (state !== S.CONVERSATION_STATE_CLOSED && !inView)
        throw new Error(`${id} (${state}) vanished from the view`);
      if (state === S.CONVERSATION_STATE_CLOSED && inView)
        throw new Error(`${id} is closed but still in the view`);
    }
  }

  /** (c) queue positions are 1..n without gaps or duplicates, and every queued conversation is in one queue. */
  private checkSnapshot(s: QueueSnapshot): void {
    const listed = new Set<string>();
    for (const g of s.groups) {
      expect(g.entries.map((e) => e.position)).toEqual(g.entries.map((_, i) => i + 1));
      for (const e of g.entries) {
        if (listed.has(e.conversationId)) throw new Error(`${e.conversationId} is in two queues`);
        listed.add(e.conversationId);
      }
    }
    const queued = [...this.view.conversations.ofTenant(T)]
      .filter((c) => c.summary.state === S.CONVERSATION_STATE_QUEUED)
      .map((c) => c.summary.conversationId);
    expect([...listed].sort()).toEqual(queued.sort());
  }

  /** After a restart from the mirror plus the replay, routing sees what it saw before. */
  sameViewAfterRestart(): void {
    this.deliver(Number.MAX_SAFE_INTEGER);
    const before = [...this.view.conversations.ofTenant(T)].map((c) => c.summary).sort(byId);
    this.boot(this.delivered);
    const after = [...this.view.conversations.ofTenant(T)].map((c) => c.summary).sort(byId);
    expect(after).toEqual(before);
    // And it matches session's open conversations.
    const truth = [...this.session.convs.values()]
      .filter((c) => c.state !== S.CONVERSATION_STATE_CLOSED)
      .sort(byId);
    expect(after).toEqual(truth);
  }
}

function byId(a: ConversationSummary, b: ConversationSummary): number {
  return a.conversationId.localeCompare(b.conversationId);
}

describe('Planner - properties over random event, presence and tick sequences', () => {
  it('planner - (a) capacity, (b) one offer at a time, (c) gap-free positions, (d) open conversations stay in view', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 120, size: 'max' }), (actions) => {
        const m = new Model();
        for (const a of actions) m.run(a);
        m.sameViewAfterRestart();
      }),
      { numRuns: 300 },
    );
  });

  it('planner - busy scenario: many visitors, everyone online, frequent ticks', () => {
    const busy = fc.oneof(
      { weight: 5, arbitrary: action.filter((a) => a.t === 'open') },
      { weight: 8, arbitrary: action.filter((a) => a.t === 'tick') },
      {
        weight: 3,
        arbitrary: action.filter((a) => a.t === 'accept' || a.t === 'close' || a.t === 'transfer'),
      },
      { weight: 3, arbitrary: action.filter((a) => a.t === 'deliver' || a.t === 'advance') },
    );
    fc.assert(
      fc.property(fc.array(busy, { minLength: 10, maxLength: 150, size: 'max' }), (actions) => {
        const m = new Model();
        for (let i = 0; i < AGENTS.length; i++) m.run({ t: 'presence', agent: i, online: true });
        m.run({ t: 'advance', ms: TTL });
        for (const a of actions) m.run(a);
        m.sameViewAfterRestart();
      }),
      { numRuns: 200 },
    );
  });
});
