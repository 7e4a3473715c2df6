import { blinkTitle, pruneAlerts } from './attention';
import { addLabel, normalizeLabel, removeLabel } from './labels';

describe('blinkTitle', () => {
  it('blinkTitle - alternates while blinking, keeps a count once seen, plain with nothing waiting', () => {
    expect(blinkTitle('Console', 'New conversation', 1, 0, true)).toBe('(1) New conversation');
    expect(blinkTitle('Console', 'New conversation', 1, 1, true)).toBe('Console');
    expect(blinkTitle('Console', 'New conversation', 2, 1, false)).toBe('(2) Console');
    expect(blinkTitle('Console', 'New conversation', 0, 0, true)).toBe('Console');
  });
});

describe('pruneAlerts', () => {
  it('pruneAlerts - drops offers handled elsewhere or opened; same array when unchanged', () => {
    const alerts = ['a', 'b', 'c'];
    expect(pruneAlerts(alerts, (id) => id !== 'b', 'c')).toEqual(['a']);
    expect(pruneAlerts(alerts, () => true, undefined)).toBe(alerts);
  });
});

describe('labels', () => {
  it('labels - normalised, no blank or duplicate (case-insensitive) labels, removal by value', () => {
    expect(normalizeLabel('  big   order ')).toBe('big order');
    expect(addLabel(['vip'], ' Refund ')).toEqual(['vip', 'Refund']);
    expect(addLabel(['vip'], 'VIP')).toBeUndefined();
    expect(addLabel(['vip'], '   ')).toBeUndefined();
    expect(removeLabel(['a', 'b'], 'a')).toEqual(['b']);
  });
});
