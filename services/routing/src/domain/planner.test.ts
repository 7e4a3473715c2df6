import {
  AgentStatus,
  Availability,
  ConversationState,
  ErrorCode,
  type Agent,
  type ConversationSummary,
  type Group,
  type TenantSettings,
} from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { agent, event, group, ManualClock, presence, snapshot, summary, T } from '../testing/fixtures';
import { Planner, type Plan, type PlannerOptions, type RoutingCommand } from './planner';
import { RoutingView } from './routing-view';

const S = ConversationState;
const TTL = 15_000;

function setup(
  agents: Agent[],
  groups: Group[] = [],
  s: Partial<TenantSettings> = {},
  opts: Partial<PlannerOptions> = {},
) {
  const clock = new ManualClock();
  const view = new RoutingView(TTL);
  const planner = new Planner(view, {
    presenceWarmupUntilMs: clock.ms,
    commandSettleMs: 15_000,
    queueStatusIntervalMs: 5000,
    ...opts,
  });
  view.applyTenantSnapshot(T, snapshot(agents, groups, s));
  let seq = 0;
  const put = (over: Partial<ConversationSummary>, preview = ''): void => {
    view.applyEvent(
      event(summary({ updatedAtMs: clock.ms, ...over }), { firstMessagePreview: preview }),
      ++seq,
      clock.ms,
    );
  };
  const online = (...ids: string[]): void => {
    for (const id of ids) view.applyPresence(presence(id), clock.ms);
  };
  const plan = (): Plan => planner.plan(clock.ms);
  const commands = (p: Plan): RoutingCommand[] => p.commands.map((c) => c.command);
  const assigns = (p: Plan): [string, string][] =>
    commands(p).flatMap((c) =>
      c.kind === 'assign' ? [[c.conversationId, c.agentId] as [string, string]] : [],
    );
  return { clock, view, planner, put, online, plan, commands, assigns };
}

describe('Planner - routing new conversations', () => {
  it('plan - a waiting conversation is enqueued in the group its first message chooses, priority 0', () => {
    const h = setup([agent('a1')], [group('billing')], {
      rules: [{ id: 'r1', groupId: 'billing', keywords: ['refund'], pattern: '', priority: 9 }],
    });
    h.put({ conversationId: 'c1', state: S.CONVERSATION_STATE_WAITING, groupId: '' }, 'I want a Refund');
    h.put({ conversationId: 'c2', state: S.CONVERSATION_STATE_WAITING, groupId: '' }, 'hello');
    expect(h.commands(h.plan())).toEqual([
      {
        kind: 'enqueue',
        tenantId: T,
        conversationId: 'c1',
        groupId: 'billing',
        priority: 0,
        reason: 'rule:r1',
      },
      {
        kind: 'enqueue',
        tenantId: T,
        conversationId: 'c2',
        groupId: 'general',
        priority: 0,
        reason: 'default',
      },
    ]);
  });

  it('plan - nothing happens for a tenant whose configuration is not loaded', () => {
    const h = setup([agent('a1')]);
    h.view.applyEvent(
      event(summary({ tenantId: 'other', state: S.CONVERSATION_STATE_WAITING })),
      1,
      h.clock.ms,
    );
    h.view.applyPresence(presence('a1', true, 'g', 'other'), h.clock.ms);
    expect(h.plan().commands).toEqual([]);
  });
});

describe('Planner - offers', () => {
  it('plan - offers a queued conversation to an online agent of its group only', () => {
    const h = setup(
      [
        agent('a1', { groupIds: ['sales'] }),
        agent('a2', { groupIds: ['support'] }),
        agent('a3', { groupIds: ['sales'] }),
      ],
      [group('sales'), group('support')],
    );
    h.online('a2', 'a3');
    h.put({ groupId: 'sales' });
    expect(h.commands(h.plan())).toEqual([
      {
        kind: 'assign',
        tenantId: T,
        conversationId: 'c1',
        agentId: 'a3',
        agentDisplayName: 'A3',
        accepted: false,
      },
    ]);
  });

  it('plan - an unknown group is served by every agent of the tenant', () => {
    const h = setup([agent('a1')]);
    h.online('a1');
    h.put({ groupId: 'general' });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a1']]);
  });

  it('plan - never offers beyond capacity, counting the offers of the same tick', () => {
    const h = setup([agent('a1', { maxConcurrent: 2 }), agent('a2', { maxConcurrent: 1 })]);
    h.online('a1', 'a2');
    h.put({ conversationId: 'busy', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    for (const c of ['c1', 'c2', 'c3']) h.put({ conversationId: c, queuedAtMs: Number(c.slice(1)) });
    const offers = h.assigns(h.plan());
    expect(offers).toHaveLength(2);
    expect(new Set(offers.map(([, a]) => a))).toEqual(new Set(['a1', 'a2']));
    expect(offers.map(([c]) => c)).toEqual(['c1', 'c2']);
    expect(h.assigns(h.plan())).toEqual([]); // still on their way: nothing more
  });

  it('plan - serves higher priority first, then the oldest', () => {
    const h = setup([agent('a1', { maxConcurrent: 1 })]);
    h.online('a1');
    h.put({ conversationId: 'old', queuedAtMs: 1 });
    h.put({ conversationId: 'vip', queuedAtMs: 5, priority: 2 });
    expect(h.assigns(h.plan())).toEqual([['vip', 'a1']]);
  });

  it('plan - skips declined agents', () => {
    const h = setup([agent('a1'), agent('a2')]);
    h.online('a1', 'a2');
    h.put({ declinedAgentIds: ['a1'] });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a2']]);
  });

  it('plan - the best score wins; a tie goes to whoever waited longest since an assignment', () => {
    const h = setup([agent('a1'), agent('a2'), agent('a3')]);
    h.online('a1', 'a2', 'a3');
    // a1 answers slowly; a2 and a3 equal, a3 assigned long ago.
    h.view.stats.loadAgent({ ...h.view.stats.agent(T, 'a1'), avgResponseMs: 60_000, responseSamples: 5 });
    h.view.stats.loadAgent({ ...h.view.stats.agent(T, 'a2'), lastAssignedAtMs: h.clock.ms - 25 * 3_600_000 });
    h.view.stats.loadAgent({ ...h.view.stats.agent(T, 'a3'), lastAssignedAtMs: h.clock.ms - 30 * 3_600_000 });
    h.put({ conversationId: 'c1', queuedAtMs: 1 });
    h.put({ conversationId: 'c2', queuedAtMs: 2 });
    // c1 → a3 (tie, longest idle); then a3 counts as just assigned, so c2 → a2.
    expect(h.assigns(h.plan())).toEqual([
      ['c1', 'a3'],
      ['c2', 'a2'],
    ]);
  });

  it('plan - a sticky visitor goes to their last agent first, whatever the group', () => {
    const h = setup(
      [agent('a1', { groupIds: ['sales'] }), agent('a2', { groupIds: ['support'] })],
      [group('sales'), group('support')],
    );
    h.online('a1', 'a2');
    h.view.stats.loadSticky(T, 'v1', { agentId: 'a2', atMs: 1 });
    h.put({ groupId: 'sales', visitorId: 'v1' });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a2']]);
  });

  it('plan - sticky does not apply when that agent declined, is full or offline', () => {
    const h = setup([agent('a1'), agent('a2', { maxConcurrent: 1 })]);
    h.online('a1', 'a2');
    h.view.stats.loadSticky(T, 'v1', { agentId: 'a2', atMs: 1 });
    h.put({ conversationId: 'c1', visitorId: 'v1', declinedAgentIds: ['a2'] });
    h.put({ conversationId: 'x', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a2' });
    h.put({ conversationId: 'c2', visitorId: 'v1', queuedAtMs: 2000 });
    expect(h.assigns(h.plan())).toEqual([
      ['c1', 'a1'],
      ['c2', 'a1'],
    ]);
  });

  it('plan - manual-pick groups are never offered', () => {
    const h = setup([agent('a1', { groupIds: ['vip'] })], [group('vip', { manualPick: true })]);
    h.online('a1');
    h.view.stats.loadSticky(T, 'v1', { agentId: 'a1', atMs: 1 });
    h.put({ groupId: 'vip' });
    expect(h.plan().commands).toEqual([]);
  });

  it('plan - away agents and agents whose heartbeat expired get nothing', () => {
    const h = setup([agent('a1'), agent('a2')]);
    h.online('a1', 'a2');
    h.view.applyStatus(T, 'a1', {
      tenantId: T,
      agentId: 'a1',
      status: AgentStatus.AGENT_STATUS_AWAY,
      atMs: 0,
    });
    h.clock.advance(TTL + 1);
    h.online('a1');
    h.put({});
    expect(h.plan().commands).toEqual([]);
  });
});

describe('Planner - commands in flight', () => {
  it('settle - applied: blocked until the view reaches the answered version', () => {
    const h = setup([agent('a1'), agent('a2')]);
    h.online('a1', 'a2');
    h.put({ version: 3 });
    const [offer] = h.plan().commands;
    if (offer === undefined) throw new Error('no offer');
    h.planner.settle(offer, { kind: 'applied', version: 5 }, h.clock.ms);
    h.put({ version: 4, labels: ['x'] }); // a label change landed before the offer: still queued at 4
    expect(h.plan().commands).toEqual([]);
    h.put({ version: 5, state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: h.clock.ms });
    expect(h.plan().commands).toEqual([]);
    expect(h.planner.pendingCount).toBe(0);
  });

  it('plan - an event landing while the offer is in flight does not release it', () => {
    const h = setup([agent('a1'), agent('a2')]);
    h.online('a1', 'a2');
    h.put({ version: 3 });
    expect(h.plan().commands).toHaveLength(1);
    h.put({ version: 4, labels: ['x'] });
    expect(h.plan().commands).toEqual([]);
  });

  it('settle - refused: not retried until the conversation changes', () => {
    const h = setup([agent('a1')]);
    h.online('a1');
    h.put({ version: 3 });
    const [offer] = h.plan().commands;
    if (offer === undefined) throw new Error('no offer');
    h.planner.settle(offer, { kind: 'refused' }, h.clock.ms);
    expect(h.plan().commands).toEqual([]);
    h.put({ version: 4 });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a1']]);
  });

  it('settle - failed: retried at the next tick; unknown: waits for the settle time', () => {
    const h = setup([agent('a1')]);
    h.online('a1');
    h.put({});
    const [first] = h.plan().commands;
    if (first === undefined) throw new Error('no offer');
    h.planner.settle(first, { kind: 'failed' }, h.clock.ms);
    const [second] = h.plan().commands;
    if (second === undefined) throw new Error('no retry');
    h.planner.settle(second, { kind: 'unknown' }, h.clock.ms);
    expect(h.plan().commands).toEqual([]);
    h.clock.advance(15_000);
    h.online('a1');
    expect(h.assigns(h.plan())).toEqual([['c1', 'a1']]);
  });

  it('loadOf - an offer on its way counts against the agent until the view shows it', () => {
    const h = setup([agent('a1', { maxConcurrent: 1 })]);
    h.online('a1');
    h.put({ conversationId: 'c1', version: 1 });
    h.put({ conversationId: 'c2', version: 1, queuedAtMs: 2000 });
    const [offer] = h.plan().commands;
    if (offer === undefined) throw new Error('no offer');
    expect(h.planner.loadOf(T, 'a1', h.clock.ms)).toBe(1);
    h.planner.settle(offer, { kind: 'applied', version: 2 }, h.clock.ms);
    h.put({
      conversationId: 'c1',
      version: 2,
      state: S.CONVERSATION_STATE_ASSIGNED,
      agentId: 'a1',
      assignedAtMs: h.clock.ms,
    });
    expect(h.planner.loadOf(T, 'a1', h.clock.ms)).toBe(1);
    expect(h.plan().commands).toEqual([]); // c2 waits: a1 is full
  });
});

describe('Planner - taking offers back', () => {
  it('plan - an offer not accepted in accept_timeout_s is requeued with the agent expected', () => {
    const h = setup([agent('a1')], [], { acceptTimeoutS: 10 });
    h.online('a1');
    h.put({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: h.clock.ms });
    h.clock.advance(9_999);
    h.online('a1');
    expect(h.plan().commands).toEqual([]);
    h.clock.advance(1);
    expect(h.commands(h.plan())).toEqual([
      { kind: 'requeue', tenantId: T, conversationId: 'c1', expectedAgentId: 'a1', reason: 'accept_timeout' },
    ]);
  });

  it('plan - an offer to an agent gone offline is requeued; a chat stays theirs', () => {
    const h = setup([agent('a1')]);
    h.put({
      conversationId: 'c1',
      state: S.CONVERSATION_STATE_ASSIGNED,
      agentId: 'a1',
      assignedAtMs: h.clock.ms,
    });
    h.put({ conversationId: 'c2', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    expect(h.commands(h.plan())).toEqual([
      { kind: 'requeue', tenantId: T, conversationId: 'c1', expectedAgentId: 'a1', reason: 'agent_offline' },
    ]);
  });

  it('plan - right after a start nobody counts as gone offline until presence had a TTL to arrive', () => {
    const h = setup([agent('a1')], [], {}, { presenceWarmupUntilMs: new ManualClock().ms + TTL });
    h.put({ state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: h.clock.ms });
    expect(h.plan().commands).toEqual([]);
    h.clock.advance(TTL);
    expect(h.commands(h.plan())[0]).toMatchObject({ kind: 'requeue', reason: 'agent_offline' });
  });
});

describe('Planner - transfers', () => {
  const transferring = { state: S.CONVERSATION_STATE_TRANSFERRING, agentId: 'a1' };

  it('plan - a transfer to an agent online with room is offered to them', () => {
    const h = setup([agent('a1'), agent('a2')]);
    h.online('a1', 'a2');
    h.put({ ...transferring, transferToAgentId: 'a2' });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a2']]);
  });

  it('plan - a transfer to an agent offline or full is requeued (transfer_unavailable)', () => {
    const h = setup([agent('a1'), agent('a2', { maxConcurrent: 1 })]);
    h.online('a1');
    h.put({ ...transferring, transferToAgentId: 'a2' });
    expect(h.commands(h.plan())).toEqual([
      {
        kind: 'requeue',
        tenantId: T,
        conversationId: 'c1',
        expectedAgentId: 'a1',
        reason: 'transfer_unavailable',
      },
    ]);
    const h2 = setup([agent('a1'), agent('a2', { maxConcurrent: 1 })]);
    h2.online('a1', 'a2');
    h2.put({ conversationId: 'x', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a2' });
    h2.put({ ...transferring, transferToAgentId: 'a2' });
    expect(h2.commands(h2.plan())[0]).toMatchObject({ kind: 'requeue', reason: 'transfer_unavailable' });
  });

  it('plan - a transfer to a group is offered within it, never back to the agent handing over', () => {
    const h = setup(
      [agent('a1', { groupIds: ['sales'] }), agent('a2', { groupIds: ['sales'] }), agent('a3')],
      [group('sales')],
    );
    h.online('a1', 'a2', 'a3');
    h.put({ ...transferring, groupId: 'sales' });
    expect(h.assigns(h.plan())).toEqual([['c1', 'a2']]);
  });

  it('plan - a transfer to a group with nobody online goes back to that queue; with everyone busy it waits', () => {
    const h = setup([agent('a1'), agent('a2', { groupIds: ['sales'], maxConcurrent: 1 })], [group('sales')]);
    h.online('a1');
    h.put({ ...transferring, groupId: 'sales' });
    expect(h.commands(h.plan())[0]).toMatchObject({ kind: 'requeue', reason: 'transfer_unavailable' });

    const h2 = setup([agent('a1'), agent('a2', { groupIds: ['sales'], maxConcurrent: 1 })], [group('sales')]);
    h2.online('a1', 'a2');
    h2.put({ conversationId: 'x', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a2' });
    h2.put({ ...transferring, groupId: 'sales' });
    expect(h2.plan().commands).toEqual([]);
  });
});

describe('Planner - idle conversations', () => {
  it('plan - warns idle_warning_s before and closes after idle_close_s, with the reopen window', () => {
    const h = setup([agent('a1')], [], { idleCloseS: 100, idleWarningS: 20, reopenWindowS: 60 });
    h.online('a1');
    const start = h.clock.ms;
    h.put({ state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    h.clock.advance(79_999);
    h.online('a1');
    expect(h.plan().signals).toEqual([]);
    h.clock.advance(1);
    const warned = h.plan().signals;
    expect(warned).toEqual([
      expect.objectContaining({
        conversationId: 'c1',
        kind: { $case: 'idleWarning', value: { closesAtMs: start + 100_000 } },
      }),
    ]);
    expect(h.plan().signals).toEqual([]); // once
    h.clock.advance(20_000);
    h.online('a1');
    expect(h.commands(h.plan())).toEqual([
      { kind: 'close', tenantId: T, conversationId: 'c1', reason: 'idle', reopenWindowMs: 60_000 },
    ]);
  });

  it('plan - a message restarts the idle clock; disabled idle close never closes; reopen disabled → 0 window', () => {
    const h = setup([agent('a1')], [], { idleCloseS: 100, reopenDisabled: true });
    h.put({ state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    h.clock.advance(90_000);
    h.view.conversations.touch(T, 'c1', h.clock.ms);
    h.clock.advance(90_000);
    expect(h.plan().commands).toEqual([]);
    h.clock.advance(10_000);
    expect(h.commands(h.plan())).toEqual([
      { kind: 'close', tenantId: T, conversationId: 'c1', reason: 'idle', reopenWindowMs: 0 },
    ]);

    const off = setup([agent('a1')], [], { idleCloseDisabled: true });
    off.put({ state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    off.clock.advance(10 * 3_600_000);
    expect(off.plan()).toMatchObject({ commands: [], signals: [] });
  });

  it('plan - queued conversations are never closed for idleness (what the visitor left stays queued)', () => {
    const h = setup([], [], { idleCloseS: 10 });
    h.put({});
    h.clock.advance(3_600_000);
    expect(h.plan().commands).toEqual([]);
  });
});

describe('Planner - queue status and snapshots', () => {
  it('plan - queue status with position, length, ETA and availability; re-sent on change or interval', () => {
    const h = setup([agent('a1', { maxConcurrent: 1 })]);
    h.online('a1');
    h.put({ conversationId: 'busy', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1' });
    h.put({ conversationId: 'c1', queuedAtMs: 1 });
    h.put({ conversationId: 'c2', queuedAtMs: 2 });
    const first = h.plan().signals.map((s) => [s.conversationId, s.kind]);
    expect(first).toEqual([
      [
        'c1',
        {
          $case: 'queue',
          value: {
            groupId: 'general',
            position: 1,
            queueLength: 2,
            estimatedWaitS: 300,
            availability: Availability.AVAILABILITY_OPEN,
            offlineMessage: '',
          },
        },
      ],
      [
        'c2',
        {
          $case: 'queue',
          value: {
            groupId: 'general',
            position: 2,
            queueLength: 2,
            estimatedWaitS: 600,
            availability: Availability.AVAILABILITY_OPEN,
            offlineMessage: '',
          },
        },
      ],
    ]);
    h.clock.advance(1000);
    h.online('a1');
    expect(h.plan().signals).toEqual([]);
    h.put({ conversationId: 'c1', version: 2, state: S.CONVERSATION_STATE_CLOSED });
    const moved = h.plan().signals;
    expect(moved).toHaveLength(1);
    expect(moved).toMatchObject([{ conversationId: 'c2', kind: { value: { position: 1 } } }]);
    h.clock.advance(5000);
    h.online('a1');
    expect(h.plan().signals).toHaveLength(1);
  });

  it('plan - a conversation leaving the queue hears position 0 once', () => {
    const h = setup([agent('a1')]);
    h.put({});
    expect(h.plan().signals).toHaveLength(1);
    h.put({ version: 2, state: S.CONVERSATION_STATE_ASSIGNED, agentId: 'a1', assignedAtMs: h.clock.ms });
    h.online('a1');
    const signals = h.plan().signals;
    expect(signals).toHaveLength(1);
    expect(signals).toMatchObject([{ kind: { value: { position: 0 } } }]);
    expect(h.plan().signals).toEqual([]);
  });

  it('plan - outside business hours the status says so and carries the offline message', () => {
    const h = setup([agent('a1')], [], {
      businessHours: { timeZone: 'UTC', windows: [{ weekday: 0, startMinute: 0, endMinute: 1 }] },
      widget: {
        title: '',
        color: '',
        position: '',
        preChatEnabled: false,
        preChatFields: [],
        welcomeMessage: '',
        offlineMessage: 'Back at 9',
        csatEnabled: false,
      },
    });
    h.clock.ms = Date.UTC(2024, 0, 1, 12, 0); // a Monday noon
    h.put({});
    const [s] = h.plan().signals;
    expect(s?.kind).toEqual({
      $case: 'queue',
      value: expect.objectContaining({
        availability: Availability.AVAILABILITY_OUTSIDE_HOURS,
        offlineMessage: 'Back at 9',
      }) as unknown,
    });
  });

  it('plan - with nobody of the group online the status is NO_AGENTS', () => {
    const h = setup([agent('a1')]);
    h.put({});
    expect(h.plan().signals[0]?.kind).toMatchObject({
      value: { availability: Availability.AVAILABILITY_NO_AGENTS },
    });
  });

  it('plan - a queue snapshot per tenant with every group, sent on change and periodically', () => {
    const h = setup(
      [agent('a1', { groupIds: ['vip'] })],
      [group('vip', { manualPick: true }), group('sales')],
    );
    h.online('a1');
    h.put({
      groupId: 'vip',
      visitorContext: {
        pageUrl: '',
        referrer: '',
        userAgent: '',
        language: '',
        name: 'Ann',
        email: '',
        groupId: '',
        fields: {},
      },
    });
    const [snap] = h.plan().snapshots;
    expect(snap).toEqual({
      tenantId: T,
      atMs: h.clock.ms,
      groups: [
        { groupId: 'sales', entries: [], manualPick: false, agentsOnline: 0, freeCapacity: 0 },
        {
          groupId: 'vip',
          manualPick: true,
          agentsOnline: 1,
          freeCapacity: 5,
          entries: [
            {
              conversationId: 'c1',
              position: 1,
              priority: 0,
              queuedAtMs: 1000,
              visitorId: 'v1',
              visitorName: 'Ann',
              estimatedWaitS: 0,
            },
          ],
        },
      ],
    });
    expect(h.plan().snapshots).toEqual([]);
    h.clock.advance(5000);
    h.online('a1');
    expect(h.plan().snapshots).toHaveLength(1);
  });
});

describe('Planner - snapshot rate', () => {
  it('plan - a changed queue is snapshotted at most once per snapshotMinGapMs', () => {
    const h = setup([agent('a1')], [], {}, { snapshotMinGapMs: 500 });
    h.put({ conversationId: 'c1' });
    expect(h.plan().snapshots).toHaveLength(1);
    h.put({ conversationId: 'c2', queuedAtMs: 2000 });
    expect(h.plan().snapshots).toEqual([]);
    h.clock.advance(500);
    expect(h.plan().snapshots[0]?.groups[0]?.entries).toHaveLength(2);
  });
});

describe('Planner - manual pick', () => {
  function pickSetup() {
    const h = setup(
      [agent('a1', { groupIds: ['vip'], maxConcurrent: 1 }), agent('a2', { groupIds: ['other'] })],
      [group('vip', { manualPick: true }), group('other')],
    );
    h.online('a1', 'a2');
    h.put({ groupId: 'vip' });
    return h;
  }
  const code = (f: () => unknown): ErrorCode | undefined => {
    try {
      f();
    } catch (err) {
      return err instanceof SwitchboardError ? err.code : undefined;
    }
    return undefined;
  };

  it('pick - a member with room gets assign {accepted: true}, and nothing else offers it meanwhile', () => {
    const h = pickSetup();
    const planned = h.planner.pick(T, 'c1', 'a1', h.clock.ms);
    expect(planned.command).toEqual({
      kind: 'assign',
      tenantId: T,
      conversationId: 'c1',
      agentId: 'a1',
      agentDisplayName: 'A1',
      accepted: true,
    });
    expect(code(() => h.planner.pick(T, 'c1', 'a1', h.clock.ms))).toBe(
      ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    );
    expect(h.planner.loadOf(T, 'a1', h.clock.ms)).toBe(1);
  });

  it('pick - typed refusals: unknown conversation, not queued, not in the group, at capacity', () => {
    const h = pickSetup();
    expect(code(() => h.planner.pick(T, 'nope', 'a1', h.clock.ms))).toBe(ErrorCode.ERROR_CODE_NOT_FOUND);
    expect(code(() => h.planner.pick(T, 'c1', 'a2', h.clock.ms))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(code(() => h.planner.pick(T, 'c1', 'ghost', h.clock.ms))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    h.put({ conversationId: 'x', state: S.CONVERSATION_STATE_CHATTING, agentId: 'a1', groupId: 'vip' });
    expect(code(() => h.planner.pick(T, 'c1', 'a1', h.clock.ms))).toBe(ErrorCode.ERROR_CODE_FORBIDDEN);
    expect(code(() => h.planner.pick(T, 'x', 'a1', h.clock.ms))).toBe(
      ErrorCode.ERROR_CODE_ILLEGAL_TRANSITION,
    );
    expect(code(() => h.planner.pick('unknown-tenant', 'c1', 'a1', h.clock.ms))).toBe(
      ErrorCode.ERROR_CODE_UNAVAILABLE,
    );
  });
});
