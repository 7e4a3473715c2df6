import { DeliveryLedger } from './ledger';

function ledgerWithTwoMembers(): DeliveryLedger {
  const l = new DeliveryLedger();
  l.join('visitor', 'c1');
  l.join('agent', 'c1');
  for (const [seq, id] of [
    [1, 'a'],
    [2, 'b'],
    [3, 'c'],
  ] as const) {
    l.sending();
    l.acked('c1', id, seq, seq * 10);
  }
  return l;
}

test('DeliveryLedger - everything received once and in order is clean', () => {
  const l = ledgerWithTwoMembers();
  for (const p of ['visitor', 'agent']) {
    l.received(p, 'c1', 1, 'a');
    l.received(p, 'c1', 2, 'b');
    l.received(p, 'c1', 3, 'c');
  }
  expect(l.report()).toEqual({
    sent: 3,
    acked: 3,
    delivered: 6,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    mismatched: 0,
    maxAckMs: 30,
  });
  expect(l.converged()).toBe(true);
});

test('DeliveryLedger - counts lost, duplicated, reordered and mismatched receipts', () => {
  const l = ledgerWithTwoMembers();
  l.received('visitor', 'c1', 1, 'a');
  l.received('visitor', 'c1', 3, 'c');
  l.received('visitor', 'c1', 2, 'b'); // reordered
  l.received('visitor', 'c1', 3, 'c'); // duplicated
  l.received('agent', 'c1', 1, 'x'); // mismatched; 2 and 3 lost
  const r = l.report();
  expect(r).toMatchObject({ delivered: 4, lost: 2, duplicated: 1, reordered: 1, mismatched: 1 });
  expect(l.converged()).toBe(false);
});

test('DeliveryLedger - two different acks for one seq are a mismatch', () => {
  const l = new DeliveryLedger();
  l.acked('c1', 'a', 1, 1);
  l.acked('c1', 'b', 1, 1);
  expect(l.report().mismatched).toBe(1);
});
