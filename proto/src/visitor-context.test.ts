import { stripControl, truncate } from './visitor-context';

describe('visitor context text helpers', () => {
  test('truncate - never splits a surrogate pair', () => {
    expect(truncate('abc', 5)).toBe('abc');
    expect(truncate('abcdef', 3)).toBe('abc');
    expect(truncate('a😀b', 2)).toBe('a');
    expect(truncate('a😀b', 3)).toBe('a😀');
  });

  test('stripControl - removes C0 and C1 control characters, optionally keeping line breaks and tabs', () => {
    expect(stripControl('a\u0000b\u001bc\u0085d\ne\tf')).toBe('abcdef');
    expect(stripControl('a\u0000b\nc\td\r', true)).toBe('ab\nc\td\r');
    expect(stripControl('你好 😀')).toBe('你好 😀');
  });
});
