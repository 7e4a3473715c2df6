import { DeliveryCursor } from './delivery-cursor';

describe('DeliveryCursor', () => {
  it('offer - delivers contiguous seqs, drops repeats and reports gaps without advancing', () => {
    const c = new DeliveryCursor(1);
    expect([c.offer(1), c.offer(2), c.offer(2), c.offer(1)]).toEqual([
      'deliver',
      'deliver',
      'duplicate',
      'duplicate',
    ]);
    expect(c.offer(4)).toBe('gap');
    expect(c.nextSeq).toBe(3);
    expect([c.offer(3), c.offer(4)]).toEqual(['deliver', 'deliver']);
  });

  it('skipTo - moves forward only', () => {
    const c = new DeliveryCursor(5);
    c.skipTo(3);
    expect(c.nextSeq).toBe(5);
    c.skipTo(9);
    expect(c.offer(9)).toBe('deliver');
  });
});
