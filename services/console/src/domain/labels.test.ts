import { addLabel, MAX_LABEL_CHARS, normalizeLabel, removeLabel, sameLabels } from './labels';

describe('labels', () => {
  it('labels - are trimmed, collapsed and bounded; blanks and case-insensitive repeats are not added', () => {
    expect(normalizeLabel('  big   order \n')).toBe('big order');
    expect(normalizeLabel('x'.repeat(MAX_LABEL_CHARS + 5))).toHaveLength(MAX_LABEL_CHARS);
    expect(addLabel(['vip'], ' refund ')).toEqual(['vip', 'refund']);
    expect(addLabel(['vip'], '   ')).toBeUndefined();
    expect(addLabel(['VIP'], 'vip')).toBeUndefined();
  });

  it('labels - removing keeps the others in order; sameLabels compares order too', () => {
    expect(removeLabel(['a', 'b', 'c'], 'b')).toEqual(['a', 'c']);
    expect(sameLabels(['a', 'b'], ['a', 'b'])).toBe(true);
    expect(sameLabels(['a', 'b'], ['b', 'a'])).toBe(false);
    expect(sameLabels(['a'], ['a', 'b'])).toBe(false);
  });
});
