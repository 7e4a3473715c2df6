/**
 * Every value written by hand into ClickHouse SQL goes through these functions. ClickHouse 18.16 has no
 * query parameters, so literals are escaped here and nowhere else; integration tests prove it against the
 * real server with injection payloads.
 */

/** A value that cannot be written as the SQL literal asked for. */
export class SqlLiteralError extends Error {
  override readonly name = 'SqlLiteralError';
}

const NAMED_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A single-quoted ClickHouse string literal holding exactly `value`. */
export function sqlString(value: string): string {
  // Callers may hold untyped data (JSON, protobuf): an array would otherwise iterate as raw strings.
  const checked: unknown = value;
  if (typeof checked !== 'string') throw new SqlLiteralError(`expected a string, got ${typeof checked}`);
  let out = "'";
  for (const c of checked) {
    const code = c.charCodeAt(0);
    const named = NAMED_ESCAPES[c];
    if (named !== undefined) out += named;
    // Other ASCII control characters travel as \xHH so the statement stays printable.
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}'`;
}

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/** A ClickHouse unsigned integer literal; rejects anything that is not an integer in [0, 2^64). */
export function sqlUInt(value: number | bigint): string {
  if (typeof value === 'bigint') {
    if (value < 0n || value > UINT64_MAX)
      throw new SqlLiteralError(`expected a UInt64, got ${value.toString()}`);
    return value.toString(10);
  }
  // Also rejects strings and other non-numbers smuggled in through untyped data.
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SqlLiteralError(`expected a non-negative safe integer, got ${typeof value} ${String(value)}`);
  }
  return value.toString(10);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** A quoted database or table name; only plain identifiers are accepted, so nothing needs escaping. */
export function sqlIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new SqlLiteralError(`not a plain identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}
