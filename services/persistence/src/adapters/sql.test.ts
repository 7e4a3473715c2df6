import { sqlIdentifier, SqlLiteralError, sqlString, sqlUInt } from './sql';

test('sqlString - escapes quotes and backslashes so the literal cannot be closed early', () => {
  expect(sqlString("it's")).toBe("'it\\'s'");
  expect(sqlString('a\\b')).toBe("'a\\\\b'");
  expect(sqlString("\\' OR 1=1 --")).toBe("'\\\\\\' OR 1=1 --'");
});

test('sqlString - escapes NUL and control characters, leaves unicode as is', () => {
  expect(sqlString('a\0b\n\r\t\u0001\u007f')).toBe("'a\\0b\\n\\r\\t\\x01\\x7f'");
  expect(sqlString('你好 😀 é')).toBe("'你好 😀 é'");
});

test('sqlString - output never contains an unescaped quote', () => {
  const payloads = ["'", "''", "\\'", "\\\\'", "';DROP TABLE messages;--", "\\\\\\'"];
  for (const p of payloads) {
    const body = sqlString(p).slice(1, -1);
    // Every quote in the body is preceded by an odd number of backslashes.
    for (let i = 0; i < body.length; i++) {
      if (body[i] !== "'") continue;
      let slashes = 0;
      for (let j = i - 1; j >= 0 && body[j] === '\\'; j--) slashes++;
      expect(slashes % 2).toBe(1);
    }
  }
});

test('sqlUInt - writes non-negative integers and rejects everything else', () => {
  expect(sqlUInt(0)).toBe('0');
  expect(sqlUInt(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
  expect(sqlUInt(18446744073709551615n)).toBe('18446744073709551615');
  for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60])
    expect(() => sqlUInt(bad)).toThrow(SqlLiteralError);
  expect(() => sqlUInt(-1n)).toThrow(SqlLiteralError);
  expect(() => sqlUInt(18446744073709551616n)).toThrow(SqlLiteralError);
  expect(() => sqlUInt('1 OR 1=1' as unknown as number)).toThrow(SqlLiteralError);
});

test('sqlString - rejects values that are not strings, even when typed as one', () => {
  expect(() => sqlString(["x' OR 1=1 --"] as unknown as string)).toThrow(SqlLiteralError);
  expect(() => sqlString(1 as unknown as string)).toThrow(SqlLiteralError);
});

test('sqlIdentifier - quotes plain identifiers and rejects anything else', () => {
  expect(sqlIdentifier('switchboard_1')).toBe('`switchboard_1`');
  for (const bad of ['', '1db', 'a-b', 'a`b', 'db; DROP', 'a.b'])
    expect(() => sqlIdentifier(bad)).toThrow(SqlLiteralError);
});
