import { formatBenchText, parseBenchText } from './bench-text';
import { DeliveryLedger, ReceivedSet, SeqChecker } from './ledger';

describe('DeliveryLedger', () => {
  it('summary - a message sent, acked and received once is delivered, with its latency', () => {
    const l = new DeliveryLedger();
    l.recordSent('0|v', 1, 100);
    l.recordAck('0|v', 1);
    expect(l.recordReceipt('0|v', 1, 103.5)).toEqual({ kind: 'first', latencyMs: 3.5 });
    expect(l.summary()).toMatchObject({
      sent: 1,
      acked: 1,
      delivered: 1,
      lost: 0,
      duplicates: 0,
      unacked: 0,
    });
    expect(l.inFlight).toBe(0);
  });

  it('summary - acked but never received counts as lost; sent and never answered as unacked', () => {
    const l = new DeliveryLedger();
    l.recordSent('0|v', 1, 0);
    l.recordSent('0|v', 2, 1);
    l.recordSent('0|a', 1, 2);
    l.recordAck('0|v', 1);
    l.recordAck('0|v', 2);
    l.recordReceipt('0|v', 2, 5);
    expect(l.summary()).toMatchObject({ sent: 3, acked: 2, delivered: 1, lost: 1, unacked: 1, failed: 0 });
  });

  it('summary - a failed send that still arrives is delivered; one that never arrives is failedUndelivered', () => {
    const l = new DeliveryLedger();
    l.recordSent('s', 1, 0);
    l.recordSent('s', 2, 0);
    l.recordFailure('s', 1);
    l.recordFailure('s', 2);
    l.recordReceipt('s', 1, 9);
    expect(l.summary()).toMatchObject({ failed: 2, delivered: 1, failedUndelivered: 1, lost: 0 });
  });

  it('recordReceipt - the same message twice is one delivery and one duplicate, also out of order', () => {
    const l = new DeliveryLedger();
    for (const n of [1, 2, 3]) l.recordSent('s', n, 0);
    expect(l.recordReceipt('s', 3, 1).kind).toBe('first');
    expect(l.recordReceipt('s', 1, 1).kind).toBe('first');
    expect(l.recordReceipt('s', 3, 2)).toEqual({ kind: 'duplicate' });
    expect(l.recordReceipt('s', 2, 2).kind).toBe('first');
    expect(l.recordReceipt('s', 1, 3)).toEqual({ kind: 'duplicate' });
    expect(l.summary()).toMatchObject({ delivered: 3, duplicates: 2, lost: 0 });
  });

  it('recordReceipt - an ack after the receipt does not make the message lost', () => {
    const l = new DeliveryLedger();
    l.recordSent('s', 1, 0);
    l.recordReceipt('s', 1, 1);
    l.recordAck('s', 1);
    expect(l.summary()).toMatchObject({ acked: 1, delivered: 1, lost: 0 });
  });

  it('recordReceipt - a message that was never sent is unexpected, not delivered', () => {
    const l = new DeliveryLedger();
    expect(l.recordReceipt('s', 7, 1)).toEqual({ kind: 'unexpected' });
    expect(l.summary()).toMatchObject({ delivered: 0, unexpected: 1 });
  });

  it('late - counts only acked messages older than the threshold', () => {
    const l = new DeliveryLedger();
    l.recordSent('s', 1, 0);
    l.recordSent('s', 2, 900);
    l.recordSent('s', 3, 0);
    l.recordAck('s', 1);
    l.recordAck('s', 2);
    expect(l.late(1000, 500)).toBe(1);
  });
});

describe('ReceivedSet', () => {
  it('add - remembers every number whatever the order, and refuses repeats', () => {
    const r = new ReceivedSet();
    for (const n of [2, 5, 1, 3, 4, 7]) expect(r.add(n)).toBe(true);
    for (const n of [1, 2, 3, 4, 5, 7]) expect(r.add(n)).toBe(false);
    expect(r.has(6)).toBe(false);
    expect(r.add(6)).toBe(true);
    expect(r.has(8)).toBe(false);
  });
});

describe('SeqChecker', () => {
  it('offer - contiguous seqs per socket and conversation pass; a skip is a gap; a repeat is behind', () => {
    const c = new SeqChecker();
    expect(c.offer(1, 'c1', 1)).toBe('next');
    expect(c.offer(1, 'c1', 2)).toBe('next');
    expect(c.offer(2, 'c1', 1)).toBe('next');
    expect(c.offer(1, 'c2', 1)).toBe('next');
    expect(c.offer(1, 'c1', 5)).toBe('gap');
    expect(c.offer(1, 'c1', 3)).toBe('behind');
    expect(c.offer(1, 'c1', 6)).toBe('next');
    expect(c.summary()).toEqual({ gaps: 1, missingSeqs: 2, behind: 1 });
  });

  it('offer - a socket that starts after seq 1 shows the missing history as a gap', () => {
    const c = new SeqChecker();
    expect(c.offer(1, 'c1', 4)).toBe('gap');
    expect(c.summary()).toEqual({ gaps: 1, missingSeqs: 3, behind: 0 });
  });
});

describe('bench text', () => {
  it('formatBenchText - parses back to the same fields', () => {
    const b = { worker: 3, sender: 'agent', n: 42, sentAtMs: 12345.678 } as const;
    expect(parseBenchText(formatBenchText(b))).toEqual(b);
    expect(parseBenchText(formatBenchText({ ...b, sender: 'visitor' }))?.sender).toBe('visitor');
  });

  it.each(['hello', 'b|1|v|0|5', 'b|1|x|1|5', 'b||v|1|5', 'b|1|v|1|', 'b|1|v|1|5|6', 'o|1'])(
    'parseBenchText - %s is not a benchmark message',
    (text) => {
      expect(parseBenchText(text)).toBeUndefined();
    },
  );
});
