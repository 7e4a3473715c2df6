import { planAgentSockets, DEMO_AGENT_ACCOUNTS } from './accounts';
import { OpenLoopSchedule, slotOf } from './schedule';

describe('OpenLoopSchedule', () => {
  it('dueBy - releases sends at the rate, from the start, whatever was sent before', () => {
    const s = new OpenLoopSchedule(1000, 5000, 6000);
    expect(s.total).toBe(1000);
    expect(s.dueBy(4999)).toBe(0);
    expect(s.dueBy(5000)).toBe(1);
    expect(s.dueBy(5000.5)).toBe(1);
    expect(s.dueBy(5001)).toBe(2);
    expect(s.dueBy(5500)).toBe(501);
    expect(s.dueBy(6000)).toBe(1000);
    expect(s.dueBy(1e9)).toBe(1000);
  });

  it('timeOf - spaces sends evenly, and a fractional rate keeps its average', () => {
    const s = new OpenLoopSchedule(3, 0, 10_000);
    expect(s.total).toBe(30);
    expect(s.timeOf(0)).toBe(0);
    expect(s.timeOf(3)).toBeCloseTo(1000, 9);
    expect(s.dueBy(s.timeOf(29))).toBe(30);
    const odd = new OpenLoopSchedule(2.5, 0, 4000);
    expect(odd.total).toBe(10);
  });

  it('constructor - refuses a rate that is not positive', () => {
    expect(() => new OpenLoopSchedule(0, 0, 1)).toThrow(RangeError);
  });
});

describe('slotOf', () => {
  it('slotOf - goes round the conversations, alternating visitor and agent in each', () => {
    const slots = Array.from({ length: 6 }, (_, i) => slotOf(i, 3));
    expect(slots).toEqual([
      { conversation: 0, sender: 'visitor' },
      { conversation: 1, sender: 'visitor' },
      { conversation: 2, sender: 'visitor' },
      { conversation: 0, sender: 'agent' },
      { conversation: 1, sender: 'agent' },
      { conversation: 2, sender: 'agent' },
    ]);
    expect(slotOf(6, 3)).toEqual({ conversation: 0, sender: 'visitor' });
  });

  it('slotOf - spreads a run of sends evenly over conversations and both sides', () => {
    const perConversation = new Map<string, number>();
    for (let i = 0; i < 4000; i++) {
      const s = slotOf(i, 40);
      const k = `${String(s.conversation)}${s.sender}`;
      perConversation.set(k, (perConversation.get(k) ?? 0) + 1);
    }
    expect(perConversation.size).toBe(80);
    expect(new Set(perConversation.values())).toEqual(new Set([50]));
  });
});

describe('planAgentSockets', () => {
  it('planAgentSockets - spreads sockets over accounts and keeps each account in one worker', () => {
    const plan = planAgentSockets(5, 2, DEMO_AGENT_ACCOUNTS);
    expect(plan.map((p) => [p.socketId, p.account.email, p.worker])).toEqual([
      [0, 'alice@demo.test', 0],
      [1, 'bob@demo.test', 1],
      [2, 'alice@demo.test', 0],
      [3, 'bob@demo.test', 1],
      [4, 'alice@demo.test', 0],
    ]);
    expect(planAgentSockets(1, 1, DEMO_AGENT_ACCOUNTS).map((p) => p.account.email)).toEqual([
      'alice@demo.test',
    ]);
  });
});
