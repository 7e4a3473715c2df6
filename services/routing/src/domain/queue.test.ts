import { Availability } from '@switchboard/proto';
import { availabilityOf, estimatedWaitS, orderQueue } from './queue';

describe('queue', () => {
  it('orderQueue - priority first (higher first), then oldest first, then id', () => {
    const ordered = orderQueue([
      { conversationId: 'a', priority: 0, queuedAtMs: 10 },
      { conversationId: 'b', priority: 2, queuedAtMs: 30 },
      { conversationId: 'c', priority: 0, queuedAtMs: 5 },
      { conversationId: 'd', priority: 2, queuedAtMs: 20 },
      { conversationId: 'e', priority: 0, queuedAtMs: 5 },
    ]);
    expect(ordered.map((e) => e.conversationId)).toEqual(['d', 'b', 'c', 'e', 'a']);
  });

  it('estimatedWaitS - 0 within the free slots, then rounds of the online capacity times H', () => {
    const cap = { free: 2, total: 4 };
    expect(estimatedWaitS(1, cap, 300_000)).toBe(0);
    expect(estimatedWaitS(2, cap, 300_000)).toBe(0);
    expect(estimatedWaitS(3, cap, 300_000)).toBe(300); // ceil(1/4) = 1
    expect(estimatedWaitS(6, cap, 300_000)).toBe(300); // ceil(4/4) = 1
    expect(estimatedWaitS(7, cap, 300_000)).toBe(600); // ceil(5/4) = 2
  });

  it('estimatedWaitS - no online capacity counts as one per round', () => {
    expect(estimatedWaitS(3, { free: 0, total: 0 }, 60_000)).toBe(180);
  });

  it('availabilityOf - outside hours wins over no agents', () => {
    expect(availabilityOf(false, 0)).toBe(Availability.AVAILABILITY_OUTSIDE_HOURS);
    expect(availabilityOf(false, 3)).toBe(Availability.AVAILABILITY_OUTSIDE_HOURS);
    expect(availabilityOf(true, 0)).toBe(Availability.AVAILABILITY_NO_AGENTS);
    expect(availabilityOf(true, 1)).toBe(Availability.AVAILABILITY_OPEN);
  });
});
